import Foundation
import TestSupport
import Testing

/// A restart in the shell the README sets up for kubectl, with `KUBECONFIG` exported to the
/// embedded cluster's kubeconfig: the operator recognises its own stopped cluster and starts it
/// again, instead of retrying it as a remote one and exiting.
@Suite(.serialized) struct LocalClusterRestartTests {
    @Test func aRestartWithKubeconfigExportedToTheLocalClusterStartsItAgain() async throws {
        guard Peer.available("curl"), Kubectl.available else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.file("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let arguments = ["--cluster", ReconcileFlowTests.example]
        let first = try await OperatorProcess(
            arguments: arguments,
            environment: ["KUBECONFIG": "", "HOME": home.path, "KUBERNETES_SERVICE_HOST": ""],
            logDirectory: directory, forceLocalCluster: false)
        let kubeconfig = directory.file("data/kubeconfig").path
        #expect(first.process.stop() == 0)

        let restarted = try await OperatorProcess(
            arguments: arguments,
            environment: ["KUBECONFIG": kubeconfig, "HOME": home.path, "KUBERNETES_SERVICE_HOST": ""],
            logDirectory: directory, logName: "restarted.log", forceLocalCluster: false)
        defer { restarted.process.stop() }
        #expect(
            restarted.process.log.contains("own local cluster, which is not running: starting it"),
            "\(restarted.process.log)")
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = kubeconfig
        let output = try runProcess(
            Kubectl.path ?? "kubectl", ["get", "kafkaclusters", "-n", "kafka", "-o", "name"],
            environment: environment)
        #expect(
            output.stdout == "kafkacluster.kafka.banzaicloud.io/kafka\n", "\(output.stdout)\(output.stderr)")
        #expect(restarted.process.log.contains("cluster already exists"), "the stored cluster was kept")
    }

    /// `KUBECONFIG` exported to another data directory's stopped cluster: this operator cannot
    /// start that one, so it says in one line what to do, at once, and starts nothing.
    @Test(.enabled(if: Peer.available("curl")))
    func aKubeconfigOfAnotherDataDirectorysStoppedClusterSaysWhatToDo() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let home = directory.file("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let first = try await OperatorProcess(
            environment: ["KUBECONFIG": "", "HOME": home.path, "KUBERNETES_SERVICE_HOST": ""],
            logDirectory: directory, forceLocalCluster: false)
        #expect(first.process.stop() == 0)

        let other = directory.file("other").path
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = directory.file("data/kubeconfig").path
        environment["HOME"] = home.path
        environment["KUBERNETES_SERVICE_HOST"] = ""
        let started = ContinuousClock.now
        let output = try runProcess(
            OperatorProcess.binary,
            [
                "serve", "--listen", "127.0.0.1:0", "--data-dir", other, "--local-cluster-listen",
                "127.0.0.1:0",
            ],
            environment: environment)
        #expect(ContinuousClock.now - started < .seconds(10), "no retries")
        #expect(output.status == 1)
        let advice = output.stderr.split(separator: "\n").filter { $0.contains("which is not running") }
        #expect(advice.count == 1, "\(output.stderr)")
        let line = String(advice.first ?? "")
        #expect(
            line.contains(
                "KUBECONFIG names the local cluster of the data directory \(directory.file("data").path)"))
        #expect(
            line.contains("start it with `kafka-operator serve --data-dir \(directory.file("data").path)`"))
        #expect(line.contains("or unset KUBECONFIG"))
        #expect(!FileManager.default.fileExists(atPath: other + "/local-cluster"), "nothing was started")
    }

    /// While the cluster the kubeconfig names is running (here, a standalone local cluster
    /// sharing the data directory), it is managed as any cluster is and not started twice.
    @Test func aRunningClusterBehindTheSameKubeconfigIsManagedNotStarted() async throws {
        guard Peer.available("curl") else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let kubeconfig = directory.file("data/kubeconfig").path
        let standalone = try BackgroundProcess(
            OperatorProcess.binary,
            [
                "local-cluster", "--listen", "127.0.0.1:0", "--data-dir",
                directory.file("data/local-cluster").path,
                "--kubeconfig", kubeconfig,
            ], logFile: directory.file("local-cluster.log"))
        defer { _ = standalone.stop() }
        #expect(await waitUntil(timeout: .seconds(20)) { standalone.log.contains("local cluster serving") })
        let server = try String(contentsOfFile: kubeconfig, encoding: .utf8)
            .split(separator: "\n").first { $0.contains("server:") }?
            .split(separator: " ").last.map(String.init)
        let apiServer = try #require(server)
        let managing = try await OperatorProcess(
            arguments: [],
            environment: ["KUBECONFIG": kubeconfig, "KUBERNETES_SERVICE_HOST": ""],
            logDirectory: directory, apiServer: apiServer, forceLocalCluster: false)
        defer { managing.process.stop() }
        #expect(managing.process.log.contains("managing a Kubernetes cluster"), "\(managing.process.log)")
        #expect(!managing.process.log.contains("starting it"))
    }
}
