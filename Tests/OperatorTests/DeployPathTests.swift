import Foundation
import TestSupport
import Testing

/// The README's "Running on Kubernetes" path, rehearsed against `kafka-operator local-cluster`:
/// `kubectl apply -f deploy/` (namespace, CRDs, RBAC, the operator's Deployment) is accepted as
/// on a real cluster, the CRDs become Established, a second apply changes nothing it should not,
/// and `serve` pointed at that cluster with a kubeconfig runs the example cluster.
@Suite struct DeployPathTests {
    @Test(.enabled(if: Peer.available("curl") && Kubectl.available, "needs curl and kubectl"))
    func deployAppliesAndTheOperatorRunsAgainstIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let api = try await StandaloneLocalCluster(directory: directory)
        defer { api.stop() }
        func kubectl(_ arguments: [String]) throws -> ProcessOutput {
            try runProcess(
                Kubectl.path ?? "kubectl",
                ["--kubeconfig", api.kubeconfig, "--cache-dir", directory.file("kube-cache").path] + arguments
            )
        }
        let deploy = repositoryRoot.appendingPathComponent("deploy").path
        let applied = try kubectl(["apply", "-f", deploy])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        for object in [
            "customresourcedefinition.apiextensions.k8s.io/kafkaclusters.kafka.banzaicloud.io",
            "clusterrole.rbac.authorization.k8s.io/kafka-operator", "serviceaccount/kafka-operator",
            "deployment.apps/kafka-operator",
        ] {
            #expect(applied.stdout.contains(object), "\(object) missing from: \(applied.stdout)")
        }
        let established = try kubectl([
            "wait", "--for=condition=Established", "crd", "--all", "--timeout=10s",
        ])
        #expect(established.status == 0, "\(established.stdout)\(established.stderr)")
        let again = try kubectl(["apply", "-f", deploy])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stdout.contains("created"), "\(again.stdout)")

        let cruiseControl = try await SimulatedCruiseControlPeer.start()
        defer { cruiseControl.stop() }
        let manifest = try cruiseControl.exampleManifest(at: directory.file("kafkacluster.yaml").path)
        let operatorProcess = try await OperatorProcess(
            arguments: ["--cluster", manifest], environment: ["KUBECONFIG": api.kubeconfig],
            logDirectory: directory, apiServer: api.server)
        defer { operatorProcess.process.stop() }
        #expect(
            operatorProcess.process.log.contains("managing a Kubernetes cluster"),
            "\(operatorProcess.process.log)")
        #expect(await operatorProcess.waitUntilClusterRunning(), "\(operatorProcess.process.log)")
        let brokers = try kubectl(["get", "pods", "-n", "kafka", "-l", "app=kafka", "-o", "name"])
        #expect(brokers.stdout.split(separator: "\n").count == 3, "\(brokers.stdout)\(brokers.stderr)")
    }
}
