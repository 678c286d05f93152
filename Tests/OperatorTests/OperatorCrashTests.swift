import Foundation
import LocalKafka
import TestSupport
import Testing

/// The operator process killed with SIGKILL while a `remove_broker` task runs, and started
/// again: it resumes from the CruiseControlOperation it wrote and acts exactly once.
///
/// The peers must outlive the operator, as they do on Kubernetes, so the operator manages a
/// standalone local cluster (`kafka-operator local-cluster`) and a simulated Cruise Control served
/// from this test process. In local mode they would die with it: a restarted Cruise Control
/// forgets its tasks, which is the other fault (`GracefulScalingTests`), not this one.
@Suite(.serialized) struct OperatorCrashTests {
    static let operations = "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/cruisecontroloperations"

    @Test(.enabled(if: Peer.available("curl"), "needs curl"))
    func anOperatorKilledMidRemovalResumesItWithoutSendingItAgain() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let api = try await StandaloneLocalCluster(directory: directory)
        defer { api.stop() }
        // About 2 GB leave broker 1: at 32 MB/s per move, five at a time, some seconds.
        let cruiseControl = try await SimulatedCruiseControlPeer.start(replicationBytesPerSecond: 33_554_432)
        defer { cruiseControl.stop() }
        let manifest = try cruiseControl.exampleManifest(at: directory.file("kafkacluster.yaml").path)
        let arguments = [
            "--cluster", manifest, "--cooldown", "0", "--cruise-control-poll-interval", "0.2",
            "--cruise-control-max-poll-interval", "0.5",
            // No Kafka runs beside this cluster: the removal goes on Cruise Control's word.
            "--kafka-connection", "off",
        ]
        let first = try await OperatorProcess(
            arguments: arguments, environment: ["KUBECONFIG": api.kubeconfig], logDirectory: directory,
            apiServer: api.server)
        #expect(await first.waitUntilClusterRunning(), "\(first.process.log)")
        // Four brokers, so the downscale limit lets one go.
        _ = try first.curl("/alerts", ["--data-binary", ReconcileFlowTests.upScaleAlert])
        #expect(await first.waitUntilClusterRunning(timeout: .seconds(60)), "\(first.process.log)")
        let accepted = try first.curl(
            "/alerts", ["--data-binary", ReconcileFlowTests.downScaleAlert(brokerID: 1)])
        #expect(accepted.body.contains(#""outcome":"accepted""#), "\(accepted.body)")

        // The task is sent and recorded; kill the operator while it runs.
        func removal() -> [String: Any]? {
            let items = (try? first.items(Self.operations)) ?? []
            let task = items.compactMap { ($0["status"] as? [String: Any])?["currentTask"] as? [String: Any] }
                .first { $0["operation"] as? String == "remove_broker" }
            return task
        }
        let recorded = await waitUntil(timeout: .seconds(30), every: .milliseconds(50)) {
            (removal()?["id"] as? String).map { !$0.isEmpty } == true
        }
        try #require(recorded, "\(first.process.log)")
        let taskID = try #require(removal()?["id"] as? String)
        #expect(await cruiseControl.simulation.isExecuting(), "killed while the task runs")
        _ = first.process.stop(signal: SIGKILL)
        let sentBefore = await cruiseControl.simulator.requestCounts()[.removeBroker]
        #expect(sentBefore == 1)
        #expect(try !ReconcileFlowTests.names(first, "pods", broker: 1).isEmpty, "nothing deleted yet")

        let restarted = try await OperatorProcess(
            arguments: arguments, environment: ["KUBECONFIG": api.kubeconfig], logDirectory: directory,
            logName: "restarted.log", apiServer: api.server)
        defer { restarted.process.stop() }
        let gone = await waitUntil(timeout: .seconds(90)) {
            let pods = (try? ReconcileFlowTests.names(restarted, "pods", broker: 1)) ?? ["?"]
            let claims =
                (try? ReconcileFlowTests.names(restarted, "persistentvolumeclaims", broker: 1)) ?? ["?"]
            return pods.isEmpty && claims.isEmpty
        }
        #expect(gone, "\(restarted.process.log)")
        #expect(await cruiseControl.simulation.isExecuting() == false)
        #expect(
            await cruiseControl.simulator.requestCounts()[.removeBroker] == 1, "remove_broker was sent once")
        let removals = try restarted.items(Self.operations).filter {
            (($0["status"] as? [String: Any])?["currentTask"] as? [String: Any])?["operation"] as? String
                == "remove_broker"
        }
        #expect(removals.count == 1, "one object for one removal")
        let status = removals.first?["status"] as? [String: Any]
        let task = status?["currentTask"] as? [String: Any]
        #expect(task?["id"] as? String == taskID, "the task the first operator sent, followed to its end")
        #expect(task?["state"] as? String == "Completed")
        #expect((status?["retryCount"] as? Int ?? 0) == 0)
        #expect(await cruiseControl.simulation.snapshot().replicaCount(of: 1) == 0)
    }
}
