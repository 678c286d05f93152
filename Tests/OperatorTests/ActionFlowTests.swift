import Foundation
import TestSupport
import Testing

/// Alerts and manual requests changing a stored cluster, through the running program.
@Suite(.serialized) struct ActionFlowTests {
    static let manifest = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path
    static let fixture = "@" + Fixtures.url("alertmanager/alertmanager-0.25-firing.json").path

    @Test func anAlertAddsOneBrokerOnceEvenAcrossARestart() async throws {
        guard Peer.available("curl") else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let arguments = ["--cluster", Self.manifest, "--api-token", "ops"]
        let server = try await OperatorProcess(arguments: arguments, logDirectory: directory)
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        let first = try server.curl("/alerts", ["--data-binary", Self.fixture])
        #expect(first.status == 200)
        #expect(first.body.contains(#""outcome":"accepted""#), "\(first.body)")
        #expect(first.body.contains("added broker 3 (config group default)"))
        #expect(try server.brokerIDs() == [0, 1, 2, 3])

        let again = try server.curl("/alerts", ["--data-binary", Self.fixture])
        #expect(again.body.contains(#""outcome":"duplicate""#))
        let metrics = try server.curl("/metrics").body
        #expect(metrics.contains(#"actions_total{command="upscale",outcome="accepted"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"alerts_total{outcome="duplicate"} 1"#))
        #expect(server.process.stop() == 0)

        // The restarted operator keeps the stored cluster (not the manifest) and still knows the alert.
        let restarted = try await OperatorProcess(arguments: arguments, logDirectory: directory)
        defer { restarted.process.stop() }
        let third = try restarted.curl("/alerts", ["--data-binary", Self.fixture])
        #expect(third.body.contains(#""outcome":"duplicate""#), "\(third.body)")
        #expect(try restarted.brokerIDs() == [0, 1, 2, 3])

        let log = try restarted.curl(
            "/api/v1/namespaces/kafka/kafkaclusters/kafka/actions", ["-H", "Authorization: Bearer ops"])
        #expect(log.status == 200)
        #expect(log.body.contains(#""source":"alert:6b06d65f877c8079""#))
    }

    @Test func theManualAPIPlansActsAndRefuses() async throws {
        guard Peer.available("curl") else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(
            arguments: ["--cluster", Self.manifest, "--api-token", "ops"], logDirectory: directory)
        defer { server.process.stop() }
        let path = "/api/v1/namespaces/kafka/kafkaclusters/kafka/actions"
        let auth = ["-H", "Authorization: Bearer ops", "-H", "Content-Type: application/json"]

        #expect(try server.curl(path, ["--data-binary", #"{"command":"upScale"}"#]).status == 401)
        #expect(
            try server.curl(path, ["-H", "Authorization: Bearer wrong", "--data-binary", "{}"]).status == 401)

        // Once every broker is Ready nothing writes to the cluster, so any write is a refusal's.
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        let planned = try server.curl(
            path + "?dryRun=true",
            auth + ["--data-binary", #"{"command":"addPvc","brokerId":"1","diskSize":"50Gi"}"#])
        #expect(planned.status == 200)
        #expect(planned.body.contains("added a 50Gi disk at /kafka-logs-1 to broker 1"), "\(planned.body)")
        #expect(try server.brokerIDs() == [0, 1, 2])

        let stored = try server.clusterVersion()
        for body in [
            #"{"command":"downScale","brokerId":"x"}"#, #"{"command":"teleport"}"#, #"{"command":42}"#, "[]",
            "{",
            #"{"command":"addPvc","brokerId":"0","diskSize":"10Gx"}"#,
        ] {
            let refused = try server.curl(path, auth + ["--data-binary", body])
            #expect([400, 422].contains(refused.status), "\(body) → \(refused.status) \(refused.body)")
            #expect(refused.body.contains("\"error\"") || refused.body.contains("\"detail\""))
        }
        #expect(try server.clusterVersion() == stored, "refusals change nothing")

        let accepted = try server.curl(
            path, auth + ["--data-binary", #"{"command":"upScale","brokerConfigGroup":"large"}"#])
        #expect(accepted.status == 202, "\(accepted.body)")
        #expect(try server.brokerIDs() == [0, 1, 2, 3])
        // The cluster takes one change at a time: the next waits for this one.
        let waiting = try server.curl(path, auth + ["--data-binary", #"{"command":"downScale"}"#])
        #expect(waiting.status == 409, "\(waiting.body)")
        #expect(waiting.body.contains(#""outcome":"deferred""#), "\(waiting.body)")
        #expect(
            try server.curl(
                "/api/v1/namespaces/kafka/kafkaclusters/nope/actions",
                auth + ["--data-binary", #"{"command":"upScale"}"#]
            ).status == 404)
    }

    /// The curl calls in examples/actions.sh work as written.
    @Test func theExampleCurlCallsWork() async throws {
        guard Peer.available("curl") else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await OperatorProcess(
            arguments: ["--cluster", Self.manifest, "--api-token", "ops", "--cooldown", "0"],
            logDirectory: directory)
        defer { server.process.stop() }
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        var environment = ProcessInfo.processInfo.environment
        environment["OPERATOR"] = server.baseURL
        environment["TOKEN"] = "ops"
        let output = try runProcess(
            "/bin/bash", [repositoryRoot.appendingPathComponent("examples/actions.sh").path],
            environment: environment)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains(#""outcome":"planned""#))
        #expect(output.stdout.contains("added a 100Gi disk at /kafka-logs-1 to broker 1"))
        // The alert and the downscale come right after the addPvc: each is acted on or, while
        // the cluster still takes the new disk, deferred with the reason.
        let lines = output.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 5, "\(output.stdout)")
        #expect(lines[2].contains(#""received":1"#), "\(lines[2])")
        for (line, change) in [(lines[2], "added broker 3"), (lines[3], "removing broker 2 gracefully")] {
            let deferred = ["the reconciler has not yet taken up", "not ClusterRunning", "is still in"]
                .contains {
                    line.contains(#""outcome":"deferred""#) && line.contains($0)
                }
            // Without the alert's broker the example cluster is at its downscale limit.
            let atLimit =
                lines[2].contains(#""outcome":"deferred""#) && line.contains("the downscale limit is 3")
            #expect(
                deferred || atLimit || (line.contains(#""outcome":"accepted""#) && line.contains(change)),
                "\(line)")
        }
    }
}
