import Foundation
import TestSupport

/// kubectl pointed at one test cluster through a kubeconfig in a temporary directory.
struct KubectlSession {
    let directory: TemporaryDirectory
    let kubeconfig: String

    init(_ cluster: TestCluster) throws {
        directory = try TemporaryDirectory(prefix: "kubectl")
        kubeconfig = directory.file("kubeconfig").path
        try cluster.cluster.writeKubeconfig(to: kubeconfig)
    }

    func run(_ arguments: [String]) async throws -> ProcessOutput {
        try await runOffPool(
            Kubectl.path ?? "kubectl",
            [
                "--kubeconfig", kubeconfig, "--cache-dir", directory.file("cache").path, "--request-timeout",
                "20s",
            ]
                + arguments,
            environment: [
                "HOME": directory.path,
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            ])
    }

    func remove() { directory.remove() }
}
