import Foundation
import Kubernetes
import TestSupport
import Testing

@Suite struct KubeConfigTests {
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    static func document(cluster: String, user: String = "", context: String = "cluster: c\n    user: u")
        -> String
    {
        """
        apiVersion: v1
        kind: Config
        current-context: ctx
        clusters:
        - name: c
          cluster:
        \(cluster.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        users:
        - name: u
          user:
        \(user.isEmpty ? "    {}" : user.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        contexts:
        - name: ctx
          context:
            \(context)
        """
    }

    enum Outcome: Sendable {
        /// The configuration expected, given the folder the kubeconfig is in.
        case configuration(@Sendable (String) -> KubernetesClientConfiguration)
        case failure(String)
    }

    struct Row: Sendable, CustomStringConvertible {
        var description: String
        var yaml: String
        /// Files next to the kubeconfig, by relative path.
        var files: [String: String] = [:]
        var context: String?
        var outcome: Outcome
    }

    static let rows: [Row] = [
        Row(
            description: "token, inline CA data, namespace",
            yaml: document(
                cluster: "server: https://10.0.0.1:6443\ncertificate-authority-data: \(base64("CA PEM"))",
                user: "token: abc", context: "cluster: c\n    user: u\n    namespace: kafka"),
            outcome: .configuration { _ in
                KubernetesClientConfiguration(
                    server: "https://10.0.0.1:6443", certificateAuthority: .data(Array("CA PEM".utf8)),
                    credentials: .bearerToken("abc"), namespace: "kafka")
            }),
        Row(
            description: "client certificate and key data, insecure, tls-server-name",
            yaml: document(
                cluster: "server: https://k:6443\ninsecure-skip-tls-verify: true\ntls-server-name: kube.test",
                user: "client-certificate-data: \(base64("CERT"))\nclient-key-data: \(base64("KEY"))"),
            outcome: .configuration { _ in
                KubernetesClientConfiguration(
                    server: "https://k:6443", clientCertificate: .data(Array("CERT".utf8)),
                    clientKey: .data(Array("KEY".utf8)), insecureSkipTLSVerify: true,
                    tlsServerName: "kube.test")
            }),
        Row(
            description: "relative file paths resolve against the kubeconfig's folder",
            yaml: document(
                cluster: "server: https://k:6443\ncertificate-authority: certs/ca.crt",
                user: "client-certificate: certs/client.crt\nclient-key: certs/client.key\ntokenFile: token"),
            files: [
                "certs/ca.crt": "CA", "certs/client.crt": "CERT", "certs/client.key": "KEY", "token": "t\n",
            ],
            outcome: .configuration { folder in
                KubernetesClientConfiguration(
                    server: "https://k:6443", certificateAuthority: .data(Array("CA".utf8)),
                    clientCertificate: .data(Array("CERT".utf8)), clientKey: .data(Array("KEY".utf8)),
                    credentials: .bearerTokenFile(folder + "/token"))
            }),
        Row(
            description: "inline data wins over a file",
            yaml: document(
                cluster:
                    "server: https://k\ncertificate-authority: missing.crt\ncertificate-authority-data: \(base64("INLINE"))"
            ),
            outcome: .configuration { _ in
                KubernetesClientConfiguration(
                    server: "https://k", certificateAuthority: .data(Array("INLINE".utf8)))
            }),
        Row(
            description: "username and password",
            yaml: document(cluster: "server: https://k", user: "username: admin\npassword: pw"),
            outcome: .configuration { _ in
                KubernetesClientConfiguration(
                    server: "https://k", credentials: .basic(username: "admin", password: "pw"))
            }),
        Row(
            description: "a context without a user",
            yaml: document(cluster: "server: http://127.0.0.1:8080", context: "cluster: c"),
            outcome: .configuration { _ in KubernetesClientConfiguration(server: "http://127.0.0.1:8080") }),
        Row(
            description: "an explicit context over the current one",
            yaml: document(cluster: "server: https://k")
                + "\n- name: other\n  context:\n    cluster: c\n    namespace: elsewhere",
            context: "other",
            outcome: .configuration { _ in
                KubernetesClientConfiguration(server: "https://k", namespace: "elsewhere")
            }),
        Row(
            description: "a missing context", yaml: document(cluster: "server: https://k"), context: "nope",
            outcome: .failure("no context named nope")),
        Row(
            description: "no current-context",
            yaml: "clusters: []\nusers: []\ncontexts: []", outcome: .failure("no current-context")),
        Row(
            description: "an empty file", yaml: "", outcome: .failure("no current-context")),
        Row(
            description: "a context naming a missing cluster",
            yaml: document(cluster: "server: https://k", context: "cluster: gone\n    user: u"),
            outcome: .failure("names cluster gone, which the kubeconfig does not define")),
        Row(
            description: "a context naming a missing user",
            yaml: document(cluster: "server: https://k", context: "cluster: c\n    user: ghost"),
            outcome: .failure("names user ghost, which the kubeconfig does not define")),
        Row(
            description: "a cluster without a server",
            yaml: document(cluster: "insecure-skip-tls-verify: true"), outcome: .failure("has no server")),
        Row(
            description: "bad base64 CA data",
            yaml: document(cluster: "server: https://k\ncertificate-authority-data: '%%% not base64'"),
            outcome: .failure("certificate-authority of cluster c data is not valid base64")),
        Row(
            description: "bad base64 client key data",
            yaml: document(
                cluster: "server: https://k",
                user: "client-certificate-data: \(base64("C"))\nclient-key-data: '!!'"),
            outcome: .failure("client-key of user u data is not valid base64")),
        Row(
            description: "an unreadable CA file",
            yaml: document(cluster: "server: https://k\ncertificate-authority: nowhere/ca.crt"),
            outcome: .failure("nowhere/ca.crt cannot be read")),
        Row(
            description: "an unreadable token file",
            yaml: document(cluster: "server: https://k", user: "tokenFile: /nonexistent/token"),
            outcome: .failure("/nonexistent/token of user u cannot be read")),
        Row(
            description: "a certificate without a key",
            yaml: document(cluster: "server: https://k", user: "client-certificate-data: \(base64("C"))"),
            outcome: .failure("has a client certificate but no client key")),
        Row(
            description: "an exec plugin",
            yaml: document(
                cluster: "server: https://k",
                user: "exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: aws-iam-authenticator"
            ),
            outcome: .failure("exec plugin aws-iam-authenticator")),
        Row(
            description: "an auth-provider",
            yaml: document(cluster: "server: https://k", user: "auth-provider:\n  name: gcp"),
            outcome: .failure("auth-provider gcp")),
        Row(
            description: "a list where a map belongs",
            yaml: "current-context: ctx\nclusters:\n  name: c", outcome: .failure("is not a valid kubeconfig")
        ),
        Row(
            description: "a wrong type for a flag",
            yaml: document(cluster: "server: https://k\ninsecure-skip-tls-verify: [1]"),
            outcome: .failure("insecure-skip-tls-verify")),
        Row(
            description: "a cluster entry without a name",
            yaml: "clusters:\n- cluster:\n    server: https://k", outcome: .failure("cluster entry 1")),
        Row(
            description: "not YAML at all", yaml: "{{{{ :", outcome: .failure("is not a valid kubeconfig")),
    ]

    @Test("kubeconfig contexts resolve to client configurations", arguments: rows)
    func kubeconfigResolves(row: Row) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (path, contents) in row.files {
            let url = directory.file(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        let file = directory.file("config")
        try Data(row.yaml.utf8).write(to: file)
        let result = Result { () throws(KubernetesError) in
            try KubeConfig.load(file: file.path).configuration(context: row.context)
        }
        switch (row.outcome, result) {
        case (.configuration(let expected), .success(let configuration)):
            #expect(configuration == expected(directory.path))
        case (.failure(let message), .failure(let error)):
            guard case .configuration(let why) = error else {
                Issue.record("expected a configuration error, got \(error)")
                return
            }
            #expect(why.contains(message), "\(why)")
        case (_, .success(let configuration)):
            Issue.record("expected a failure, got \(configuration)")
        case (_, .failure(let error)):
            Issue.record("expected a configuration, got \(error)")
        }
    }

    @Test func kubeconfigEnvironmentMergesFilesInOrderFirstWins() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = directory.file("first")
        let second = directory.file("second")
        try Data(
            """
            current-context: from-first
            clusters:
            - name: shared
              cluster: {server: "https://first:6443"}
            contexts:
            - name: from-first
              context: {cluster: shared, user: only-in-second}
            """.utf8
        ).write(to: first)
        try Data(
            """
            current-context: from-second
            clusters:
            - name: shared
              cluster: {server: "https://second:6443"}
            - name: own
              cluster: {server: "https://own:6443"}
            users:
            - name: only-in-second
              user: {token: second-token}
            contexts:
            - name: from-second
              context: {cluster: own, user: only-in-second}
            """.utf8
        ).write(to: second)

        let environment = ["KUBECONFIG": "\(first.path)::\(directory.path)/missing:\(second.path)"]
        #expect(
            KubeConfig.paths(environment: environment, homeDirectory: nil) == [
                first.path, "\(directory.path)/missing", second.path,
            ])
        let merged = try #require(
            try KubernetesClientConfiguration.detect(environment: environment, homeDirectory: directory.path))
        #expect(merged.server == "https://first:6443")
        #expect(merged.credentials == .bearerToken("second-token"))

        let reversed = ["KUBECONFIG": "\(second.path):\(first.path)"]
        let other = try #require(
            try KubernetesClientConfiguration.detect(environment: reversed, homeDirectory: directory.path))
        #expect(other.server == "https://own:6443")
        let shared = try #require(
            try KubernetesClientConfiguration.detect(
                environment: reversed, context: "from-first", homeDirectory: directory.path))
        #expect(shared.server == "https://second:6443")
    }

    @Test func homeKubeconfigIsUsedWithoutTheEnvironmentVariable() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        try FileManager.default.createDirectory(at: home.file(".kube"), withIntermediateDirectories: true)
        try Data(Self.document(cluster: "server: https://home:6443").utf8).write(
            to: home.file(".kube/config"))
        let configuration = try KubernetesClientConfiguration.detect(
            environment: ["HOME": home.path], serviceAccountDirectory: home.path + "/none")
        #expect(configuration?.server == "https://home:6443")
        #expect(KubeConfig.paths(environment: ["HOME": "/h"], homeDirectory: nil) == ["/h/.kube/config"])
    }
}
