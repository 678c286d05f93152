import AddressResolution
import Foundation
import KafkaAdmin
import TestSupport
import Testing

/// A cluster whose brokers' client-facing listener is SSL, in local mode: the operator issues
/// its own CA and certificates, the simulated brokers serve that listener with TLS only, and
/// the operator still reaches Kafka, with its own client certificate for the cluster. A
/// KafkaUser gets its ACL through that client, and its Secret lets the user in to see what
/// the ACL grants.
@Suite(.serialized) struct OperatorTLSTests {
    static let example = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path

    /// The example with both internal listeners SSL and a CA the operator creates.
    static func sslManifest() throws -> String {
        var manifest = try String(contentsOfFile: example, encoding: .utf8)
        manifest = manifest.replacingOccurrences(
            of: "      - type: plaintext\n        name: internal",
            with: "      - type: ssl\n        name: internal")
        manifest = manifest.replacingOccurrences(
            of: "      - type: plaintext\n        name: controller",
            with: "      - type: ssl\n        name: controller")
        manifest = manifest.replacingOccurrences(
            of: "  listenersConfig:\n",
            with: "  listenersConfig:\n    sslSecrets:\n      tlsSecretName: kafka-ca\n      create: true\n")
        // With an authorizer Kafka keeps ACLs; the operator's certificate is a super user.
        manifest = manifest.replacingOccurrences(
            of: "\n  readOnlyConfig: |\n",
            with:
                "\n  readOnlyConfig: |\n    authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer\n"
        )
        return manifest
    }

    static let aliceUser = """
        {"apiVersion":"kafka.banzaicloud.io/v1alpha1","kind":"KafkaUser",
         "metadata":{"name":"alice","namespace":"kafka"},
         "spec":{"clusterRef":{"name":"kafka"},"secretName":"alice-tls",
                 "topicGrants":[{"topicName":"orders","accessType":"read"}]}}
        """

    @Test(.enabled(if: Peer.available("curl") && Peer.available("openssl")))
    func theOperatorReachesAnSSLClusterWithItsOwnCertificateAndAUserGetsIn() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let manifest = directory.file("ssl-cluster.yaml")
        try Self.sslManifest().write(to: manifest, atomically: true, encoding: .utf8)
        let server = try await OperatorProcess(
            arguments: ["--cluster", manifest.path], logDirectory: directory)
        defer { server.process.stop() }
        #expect(await server.waitUntilClusterRunning(timeout: .seconds(60)), "\(server.process.log)")

        // The metrics topic exists only if the operator's own client got through the TLS-only
        // socket: it is created through Kafka's admin API.
        let created = await waitUntil(timeout: .seconds(30)) {
            let status = (try? server.kafkaCluster())?["status"] as? [String: Any]
            return status?["cruiseControlTopicStatus"] as? String == "CruiseControlTopicReady"
        }
        #expect(created, "\(server.process.log)")

        // The user's Secret holds a certificate from the cluster CA, and its ACL reached Kafka.
        let posted = try runProcess(
            "curl",
            [
                "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H",
                "Content-Type: application/json", "--data-binary", Self.aliceUser,
                server.localCluster + "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/kafkausers",
            ])
        #expect(posted.stdout == "201", "\(posted.stdout) \(posted.stderr)")
        let userCreated = await waitUntil(timeout: .seconds(30)) {
            let user = try? server.api(
                "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/kafkausers/alice")
            return (user?["status"] as? [String: Any])?["state"] as? String == "created"
        }
        let user = try? server.api("/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/kafkausers/alice")
        #expect(userCreated, "\(String(describing: user?["status"])) \(server.process.log)")
        let secret = try server.api("/api/v1/namespaces/kafka/secrets/alice-tls")
        let data = try #require(secret["data"] as? [String: String])
        var files: [String: String] = [:]
        for key in ["ca.crt", "tls.crt", "tls.key"] {
            let text = try #require(data[key].flatMap { Data(base64Encoded: $0) })
            let path = directory.file(key).path
            try text.write(to: URL(fileURLWithPath: path))
            files[key] = path
        }

        // As Alice, through the brokers' names (mapped to local mode's sockets, as the operator
        // maps them), Kafka shows exactly the topic her grant names: its authorizer holds the
        // ACL the operator created.
        let pem = try files.mapValues { try String(contentsOfFile: $0, encoding: .utf8) }
        var names = AddressMap()
        let domain = "kafka-headless.kafka.svc.cluster.local"
        names.map(
            ServiceAddress(host: domain, port: 29092), to: ServiceAddress(host: "127.0.0.1", port: 19092))
        for id: UInt16 in 0...2 {
            names.map(
                ServiceAddress(host: "kafka-\(id).\(domain)", port: 29092),
                to: ServiceAddress(host: "127.0.0.1", port: 19092 + id))
        }
        let alice = try KafkaProtocolAdminClient(
            bootstrap: [BrokerAddress(host: domain, port: 29092)],
            options: KafkaAdminOptions(
                callTimeout: .seconds(10),
                tls: KafkaTLSOptions(
                    caPEM: pem["ca.crt"]!, certificatePEM: pem["tls.crt"]!, privateKeyPEM: pem["tls.key"]!),
                addressResolver: names))
        #expect(try await alice.metadata(topics: nil).topics.map(\.name) == ["orders"])

        // The brokers' client-facing socket (local mode's broker 0 port) refuses a client
        // without a certificate. (TLS 1.2: in 1.3 the server judges the client's certificate
        // after the client has finished its side.)
        let anonymous = try await runOffPool(
            "openssl",
            ["s_client", "-connect", "127.0.0.1:19092", "-brief", "-CAfile", files["ca.crt"]!, "-tls1_2"],
            input: Data())
        #expect(
            anonymous.status != 0 && !anonymous.stderr.contains("CONNECTION ESTABLISHED"),
            "\(anonymous.stderr)")
    }
}
