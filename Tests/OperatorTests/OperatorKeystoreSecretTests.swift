import AddressResolution
import ClusterTestSupport
import Foundation
import KafkaAdmin
import PKI
import TestSupport
import Testing

/// A cluster with Koperator's bring-your-own keystores, in local mode: every SSL listener reads
/// the user's `kafka-server` Secret (a JKS keystore written by pyjks) and the operator reaches
/// the brokers with the user's `kafka-client` Secret (a PKCS#12 keystore written by openssl
/// under the name keytool gives it), both opened with the Secret's password. No CA of the
/// operator's is involved. Until the Secrets exist the operator says which one is missing.
@Suite(
    .serialized,
    .enabled(if: Peer.available("curl") && Peer.available("openssl")),
    .enabled(if: Peer.availablePythonModule("jks"), "pyjks is not installed"))
struct OperatorKeystoreSecretTests {
    static let domain = "kafka-headless.kafka.svc.cluster.local"

    /// The example with both internal listeners SSL from `kafka-server` and `kafka-client` as
    /// the operator's, Cruise Control's and the metrics reporter's keystore.
    static func manifest() throws -> String {
        var manifest = try String(contentsOfFile: OperatorTLSTests.example, encoding: .utf8)
        for name in ["internal", "controller"] {
            manifest = manifest.replacingOccurrences(
                of: "      - type: plaintext\n        name: \(name)",
                with:
                    "      - type: ssl\n        serverSSLCertSecret:\n          name: kafka-server\n        name: \(name)"
            )
        }
        return manifest.replacingOccurrences(
            of: "  listenersConfig:\n",
            with: "  clientSSLCertSecret:\n    name: kafka-client\n  listenersConfig:\n")
    }

    /// The user's CA, certificates and the two Secrets' data.
    struct UserKeystores {
        let peers: KeystorePeers
        let ca: CertificateAuthority
        let client: IssuedCertificate
        let server: [String: [UInt8]]
        let clientSecret: [String: [UInt8]]

        init() async throws {
            peers = try KeystorePeers()
            ca = try CertificateAuthority.create(commonName: "users-own-ca", now: Date())
            let broker = try ca.issue(
                CertificateRequest(
                    commonName: "kafka-brokers", usage: .server,
                    dnsNames: ["*.\(domain)", domain], ipAddresses: ["127.0.0.1"]),
                now: Date())
            client = try ca.issue(
                CertificateRequest(commonName: "kafka-operator-client", usage: .client), now: Date())
            try await peers.writeLeaf(
                "broker", privateKeyPEM: broker.privateKeyPEM, certificatePEM: broker.certificatePEM)
            try await peers.writeLeaf(
                "client", privateKeyPEM: client.privateKeyPEM, certificatePEM: client.certificatePEM)
            try await peers.writeAuthority("ca", certificatePEM: ca.certificatePEM)
            server = try await peers.koperatorSecret(leaf: "broker", ca: "ca", password: "server-secret")
            clientSecret = [
                "keystore.jks": try await peers.pkcs12(
                    "client.p12", password: "client-secret",
                    arguments: [
                        "-inkey", peers.path("client.key"), "-in", peers.path("client.pem"), "-certfile",
                        peers.path("ca.pem"),
                    ]),
                "truststore.jks": try await peers.pkcs12(
                    "client-trust.p12", password: "client-secret",
                    arguments: ["-nokeys", "-in", peers.path("ca.pem")]),
                "password": Array("client-secret".utf8),
            ]
        }
    }

    static func createSecret(_ server: OperatorProcess, name: String, data: [String: [UInt8]]) throws {
        let encoded = data.mapValues { Data($0).base64EncodedString() }
        let body = try JSONSerialization.data(
            withJSONObject: [
                "apiVersion": "v1", "kind": "Secret", "metadata": ["name": name, "namespace": "kafka"],
                "data": encoded,
            ])
        let posted = try runProcess(
            "curl",
            [
                "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H",
                "Content-Type: application/json",
                "--data-binary", String(decoding: body, as: UTF8.self),
                server.localCluster + "/api/v1/namespaces/kafka/secrets",
            ])
        #expect(posted.stdout == "201", "\(posted.stdout) \(posted.stderr)")
    }

    @Test func theOperatorAndARealClientReachBrokersServingTheUsersKeystores() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keystores = try await UserKeystores()
        defer { keystores.peers.remove() }
        let manifest = directory.file("keystores.yaml")
        try Self.manifest().write(to: manifest, atomically: true, encoding: .utf8)
        let server = try await OperatorProcess(
            arguments: ["--cluster", manifest.path], logDirectory: directory)
        defer { server.process.stop() }

        // Without the Secrets the operator names what is missing and the cluster does not run.
        let named = await waitUntil(timeout: .seconds(30)) {
            let status = (try? server.kafkaCluster())?["status"] as? [String: Any]
            let problems = status?["certificateProblems"] as? [String] ?? []
            return problems.contains { $0.contains("kafka-server does not exist") }
                && problems.contains { $0.contains("kafka-client does not exist") }
        }
        #expect(named, "\(String(describing: try? server.kafkaCluster()["status"])) \(server.process.log)")
        #expect(try server.clusterState() != "ClusterRunning")

        try Self.createSecret(server, name: "kafka-server", data: keystores.server)
        try Self.createSecret(server, name: "kafka-client", data: keystores.clientSecret)
        #expect(await server.waitUntilClusterRunning(timeout: .seconds(60)), "\(server.process.log)")

        // The metrics topic is created through Kafka's admin API: only the operator's client,
        // showing the user's client keystore to the user's JKS listener, gets it there.
        let created = await waitUntil(timeout: .seconds(30)) {
            let status = (try? server.kafkaCluster())?["status"] as? [String: Any]
            return status?["cruiseControlTopicStatus"] as? String == "CruiseControlTopicReady"
        }
        #expect(created, "\(server.process.log)")
        let status = try #require(try server.kafkaCluster()["status"] as? [String: Any])
        let expiries = status["certificateExpiry"] as? [String: String] ?? [:]
        #expect(Set(expiries.keys) == ["kafka-client", "kafka-server"], "\(expiries)")
        #expect(status["certificateProblems"] == nil, "\(status)")

        // openssl, with the user's CA and client certificate, on broker 0's socket: the chain
        // from the JKS keystore verifies for the broker's name.
        let files = keystores.peers
        func handshake(_ client: String) async throws -> ProcessOutput {
            // TLS 1.2: in 1.3 the server judges the client's certificate after the handshake.
            try await runOffPool(
                "openssl",
                [
                    "s_client", "-connect", "127.0.0.1:19092", "-brief", "-tls1_2", "-verify_return_error",
                    "-verify_hostname", "kafka-0.\(Self.domain)", "-CAfile", files.path("ca.pem"), "-cert",
                    files.path("\(client).pem"), "-key", files.path("\(client).key"),
                ],
                input: Data())
        }
        let accepted = try await handshake("client")
        #expect(
            accepted.status == 0 && accepted.stderr.contains("CONNECTION ESTABLISHED"), "\(accepted.stderr)")

        // Kafka through it, as the operator's client, names mapped to local mode's sockets.
        var names = AddressMap()
        names.map(
            ServiceAddress(host: Self.domain, port: 29092), to: ServiceAddress(host: "127.0.0.1", port: 19092)
        )
        for id: UInt16 in 0...2 {
            names.map(
                ServiceAddress(host: "kafka-\(id).\(Self.domain)", port: 29092),
                to: ServiceAddress(host: "127.0.0.1", port: 19092 + id))
        }
        let client = try KafkaProtocolAdminClient(
            bootstrap: [BrokerAddress(host: Self.domain, port: 29092)],
            options: KafkaAdminOptions(
                callTimeout: .seconds(10),
                tls: KafkaTLSOptions(
                    caPEM: keystores.ca.certificatePEM, certificatePEM: keystores.client.chainPEM,
                    privateKeyPEM: keystores.client.privateKeyPEM),
                addressResolver: names))
        #expect(try await client.metadata(topics: nil).topics.map(\.name).contains("__CruiseControlMetrics"))

        // A certificate from another CA is refused.
        let stranger = try CertificateAuthority.create(commonName: "stranger", now: Date())
        let intruder = try stranger.issue(
            CertificateRequest(commonName: "intruder", usage: .client), now: Date())
        try await files.writeLeaf(
            "intruder", privateKeyPEM: intruder.privateKeyPEM, certificatePEM: intruder.certificatePEM)
        let refused = try await handshake("intruder")
        #expect(
            refused.status != 0 && !refused.stderr.contains("CONNECTION ESTABLISHED"), "\(refused.stderr)")
    }
}
