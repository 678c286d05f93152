import Foundation
import TestSupport

/// `kafka-operator local-cluster` as a child process: an API server that outlives the operators
/// started against it, with the `kafka` namespace created.
final class StandaloneLocalCluster: Sendable {
    let process: BackgroundProcess
    /// `http://127.0.0.1:PORT`.
    let server: String
    let kubeconfig: String

    init(directory: TemporaryDirectory, extraArguments: [String] = []) async throws {
        kubeconfig = directory.file("kubeconfig").path
        process = try BackgroundProcess(
            OperatorProcess.binary,
            [
                "local-cluster", "--listen", "127.0.0.1:0", "--data-dir", directory.file("api").path,
                "--kubeconfig", kubeconfig, "--pod-ready-seconds", "0.05",
            ] + extraArguments,
            logFile: directory.file("api.log"))
        let process = self.process
        _ = await waitUntil { process.log.contains("local cluster serving") || !process.isRunning }
        guard let range = process.log.range(of: "http://127.0.0.1:") else {
            throw OperatorProcessError.didNotStart(log: process.log)
        }
        server = "http://127.0.0.1:" + process.log[range.upperBound...].prefix { $0.isNumber }
        _ = try runProcess(
            "curl",
            [
                "-sS", "-H", "Content-Type: application/json", "--data",
                #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kafka"}}"#,
                server + "/api/v1/namespaces",
            ])
    }

    func stop() { _ = process.stop() }
}
