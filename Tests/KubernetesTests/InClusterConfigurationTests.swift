import Foundation
import Kubernetes
import TestSupport
import Testing

@Suite struct InClusterConfigurationTests {
    static func serviceAccount(namespace: String? = "kafka\n", token: Bool = true, ca: Bool = true) throws
        -> TemporaryDirectory
    {
        let directory = try TemporaryDirectory()
        if token { try Data("service-account-token\n".utf8).write(to: directory.file("token")) }
        if ca { try Data("CA PEM".utf8).write(to: directory.file("ca.crt")) }
        if let namespace { try Data(namespace.utf8).write(to: directory.file("namespace")) }
        return directory
    }

    @Test(arguments: [
        ("10.96.0.1", "443", "https://10.96.0.1:443"),
        ("fd00:10:96::1", "443", "https://[fd00:10:96::1]:443"),
        ("kubernetes.default.svc", "6443", "https://kubernetes.default.svc:6443"),
    ])
    func inClusterEnvironmentGivesTheServiceAccountConfiguration(host: String, port: String, server: String)
        throws
    {
        let directory = try Self.serviceAccount()
        defer { directory.remove() }
        let environment = ["KUBERNETES_SERVICE_HOST": host, "KUBERNETES_SERVICE_PORT": port]
        let configuration = try #require(
            try KubernetesClientConfiguration.inCluster(
                environment: environment, serviceAccountDirectory: directory.path))
        #expect(configuration.server == server)
        #expect(configuration.certificateAuthority == .data(Array("CA PEM".utf8)))
        #expect(configuration.credentials == .bearerTokenFile(directory.path + "/token"))
        #expect(configuration.namespace == "kafka")
    }

    @Test func withoutANamespaceFileTheNamespaceIsDefault() throws {
        let directory = try Self.serviceAccount(namespace: nil)
        defer { directory.remove() }
        let configuration = try KubernetesClientConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"],
            serviceAccountDirectory: directory.path)
        #expect(configuration?.namespace == "default")
    }

    @Test func withoutTheEnvironmentThereIsNoInClusterConfiguration() throws {
        let directory = try Self.serviceAccount()
        defer { directory.remove() }
        #expect(
            try KubernetesClientConfiguration.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1"], serviceAccountDirectory: directory.path)
                == nil)
    }

    @Test(arguments: [
        (false, true, "443", "token"),
        (true, false, "443", "ca.crt"),
        (true, true, "https", "not a port number"),
        (true, true, "0", "not a port number"),
    ])
    func brokenInClusterSetupsAreConfigurationErrors(token: Bool, ca: Bool, port: String, message: String)
        throws
    {
        let directory = try Self.serviceAccount(token: token, ca: ca)
        defer { directory.remove() }
        #expect {
            _ = try KubernetesClientConfiguration.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": port],
                serviceAccountDirectory: directory.path)
        } throws: { error in
            guard case .configuration(let why) = error as? KubernetesError else { return false }
            return why.contains(message)
        }
    }

    @Test func detectPrefersKubeconfigThenInClusterThenHomeElseNothing() throws {
        let account = try Self.serviceAccount()
        defer { account.remove() }
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let inCluster = [
            "KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443", "HOME": home.path,
        ]

        // Nothing configured: the caller starts the embedded cluster.
        #expect(
            try KubernetesClientConfiguration.detect(
                environment: ["HOME": home.path], serviceAccountDirectory: account.path) == nil)

        // In a pod, the service account.
        #expect(
            try KubernetesClientConfiguration.detect(
                environment: inCluster, serviceAccountDirectory: account.path)?
                .server == "https://10.0.0.1:443")

        // A stray ~/.kube/config does not win over the service account in a pod...
        try FileManager.default.createDirectory(at: home.file(".kube"), withIntermediateDirectories: true)
        try Data(KubeConfigTests.document(cluster: "server: https://home:6443").utf8).write(
            to: home.file(".kube/config"))
        #expect(
            try KubernetesClientConfiguration.detect(
                environment: inCluster, serviceAccountDirectory: account.path)?
                .server == "https://10.0.0.1:443")

        // ...but KUBECONFIG does.
        let explicit = home.file("explicit")
        try Data(KubeConfigTests.document(cluster: "server: https://explicit:6443").utf8).write(to: explicit)
        var withKubeconfig = inCluster
        withKubeconfig["KUBECONFIG"] = explicit.path
        #expect(
            try KubernetesClientConfiguration.detect(
                environment: withKubeconfig, serviceAccountDirectory: account.path)?.server
                == "https://explicit:6443")
    }

    @Test func detectReportsABrokenKubeconfig() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let broken = home.file("broken")
        try Data("current-context: nowhere\n".utf8).write(to: broken)
        #expect(throws: KubernetesError.self) {
            _ = try KubernetesClientConfiguration.detect(
                environment: ["KUBECONFIG": broken.path], serviceAccountDirectory: home.path)
        }
    }
}

extension InClusterConfigurationTests {
    @Test func aSetKubeconfigVariableWithMissingFilesDoesNotFallBackToHome() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        try FileManager.default.createDirectory(at: home.file(".kube"), withIntermediateDirectories: true)
        try Data(KubeConfigTests.document(cluster: "server: https://home:6443").utf8).write(
            to: home.file(".kube/config"))
        #expect(
            try KubernetesClientConfiguration.detect(
                environment: ["KUBECONFIG": home.path + "/missing", "HOME": home.path],
                serviceAccountDirectory: home.path + "/none") == nil)
    }
}
