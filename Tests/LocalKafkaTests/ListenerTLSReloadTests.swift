import Foundation
import HTTPServer
import KafkaAdmin
import KafkaProtocol
import PKI
import TestSupport
import Testing

@testable import LocalKafka

/// A simulated broker takes a renewed keystore without a restart when asked as Kafka is asked
/// (KIP-226: an alter of the listener's `ssl.keystore.location` to the path it has), and
/// refuses what Kafka refuses (KIP-978): a certificate naming other subject alternative names
/// unless `ssl.allow.san.changes`, and key material it cannot load. The certificate served is
/// read with openssl s_client, a real TLS client.
@Suite(.enabled(if: Peer.available("openssl"), "openssl is not installed"))
struct ListenerTLSReloadTests {
    static let keystorePath = "/var/run/secrets/kafka/ssl/keystore.pem"
    static let truststorePath = "/var/run/secrets/kafka/ssl/ca.crt"
    static let reload: [ConfigOperation] = [
        .set(key: "listener.name.ssl.ssl.keystore.location", value: keystorePath)
    ]

    /// A CA, the broker's first certificate, and a client certificate on disk for s_client.
    struct PKIFixture {
        let ca: CertificateAuthority
        let request = CertificateRequest(
            commonName: "kafka-broker", usage: .server, dnsNames: ["kafka-0.kafka.svc"],
            ipAddresses: ["127.0.0.1"])
        let first: IssuedCertificate
        let directory: TemporaryDirectory
        let clientArguments: [String]

        init() throws {
            ca = try CertificateAuthority.create(commonName: "cluster-ca", now: Date())
            first = try ca.issue(request, now: Date())
            directory = try TemporaryDirectory(prefix: "listener-reload")
            let client = try ca.issue(CertificateRequest(commonName: "operator", usage: .client), now: Date())
            var arguments: [String] = []
            for (flag, name, text) in [
                ("-CAfile", "ca.crt", ca.certificatePEM), ("-cert", "client.crt", client.chainPEM),
                ("-key", "client.key", client.privateKeyPEM),
            ] {
                try text.write(to: directory.file(name), atomically: true, encoding: .utf8)
                arguments += [flag, directory.file(name).path]
            }
            clientArguments = arguments
        }

        func issue(dnsNames: [String]? = nil) throws -> IssuedCertificate {
            var request = request
            if let dnsNames { request.dnsNames = dnsNames }
            return try ca.issue(request, now: Date())
        }
    }

    /// Runs `body` with broker 0 serving an SSL listener from `files`.
    func withReloadableListener(
        extraProperties: String = "",
        _ body: (SimulatedKafka, SimulatedBrokerServer, UInt16, MountedFiles, PKIFixture) async throws -> Void
    ) async throws {
        let pki = try PKIFixture()
        defer { pki.directory.remove() }
        let files = MountedFiles([
            Self.keystorePath: pki.first.keystorePEM, Self.truststorePath: pki.ca.certificatePEM,
        ])
        try await withSimulatedKafka(extraProperties: extraProperties) { kafka, server, _ in
            let endpoint = BrokerListenerEndpoint(
                name: "SSL", port: 9093, advertisedHost: "127.0.0.1", advertisedPort: 9093,
                tls: ListenerTLS(
                    keystore: .file(Self.keystorePath), truststore: .file(Self.truststorePath),
                    clientAuthentication: .required))
            let port = try await server.start(broker: 0, listener: endpoint, readFile: files.read)
            try await body(kafka, server, port, files, pki)
        }
    }

    /// The leaf certificate a new connection to `port` is served, as PEM.
    func served(_ port: UInt16, _ pki: PKIFixture) async throws -> String {
        let served = try await ServedCertificate(
            port: Int(port), arguments: ["-verify_return_error"] + pki.clientArguments)
        #expect(served.session.status == 0, "\(served.session.stderr)")
        return served.certificatePEM ?? ""
    }

    @Test func aRenewedKeystoreIsServedAfterTheAlterAndOpenConnectionsKeepWorking() async throws {
        try await withReloadableListener { _, server, port, files, pki in
            #expect(try await served(port, pki) == pki.first.certificatePEM)
            let admin = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let open = try KafkaProtocolAdminClient(
                bootstrap: "127.0.0.1:\(port)",
                options: KafkaAdminOptions(
                    tls: KafkaTLSOptions(
                        caPEM: pki.ca.certificatePEM, certificatePEM: pki.first.chainPEM,
                        privateKeyPEM: pki.first.privateKeyPEM)))
            _ = try await open.metadata(topics: [])

            // The kubelet writes the renewed Secret; Kafka keeps what it loaded until asked.
            let renewed = try pki.issue()
            files.write(Self.keystorePath, renewed.keystorePEM)
            #expect(try await served(port, pki) == pki.first.certificatePEM)

            try await admin.incrementalAlterConfigs(.broker(0), operations: Self.reload)
            #expect(try await served(port, pki) == renewed.certificatePEM)
            _ = try await open.metadata(topics: [])
            let stored = try await admin.describeConfigs(broker: 0)
                .first { $0.name == "listener.name.ssl.ssl.keystore.location" }
            #expect(stored?.value == Self.keystorePath)

            // Asking again with the file unchanged changes nothing.
            try await admin.incrementalAlterConfigs(.broker(0), operations: Self.reload)
            #expect(try await served(port, pki) == renewed.certificatePEM)
        }
    }

    @Test func otherAlternativeNamesAreRefusedAndNothingChanges() async throws {
        try await withReloadableListener { _, server, port, files, pki in
            let admin = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            files.write(
                Self.keystorePath,
                try pki.issue(dnsNames: ["kafka-0.kafka.svc", "kafka-1.kafka.svc"]).keystorePEM)
            do {
                try await admin.incrementalAlterConfigs(.broker(0), operations: Self.reload)
                Issue.record("a keystore with other SANs was taken")
            } catch {
                guard case KafkaAdminError.brokerError(_, let code, let message, _) = error else {
                    throw error
                }
                #expect(code == KafkaErrorCode.invalidRequest)
                #expect(
                    message?.hasPrefix(
                        "Invalid config value for resource ConfigResource(type=BROKER, name='0'): "
                            + "Validation of dynamic config update of SSLFactory failed: "
                            + "Keystore SubjectAltNames do not match") == true, "\(message ?? "")")
            }
            #expect(try await served(port, pki) == pki.first.certificatePEM)
            let stored = try await admin.describeConfigs(broker: 0)
                .first { $0.name == "listener.name.ssl.ssl.keystore.location" }
            #expect(stored?.source != .dynamicBroker)

            // Text that is no keystore at all is refused the same way.
            files.write(Self.keystorePath, "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n")
            await #expect(throws: KafkaAdminError.self) {
                try await admin.incrementalAlterConfigs(.broker(0), operations: Self.reload)
            }
            #expect(try await served(port, pki) == pki.first.certificatePEM)
        }
    }

    @Test func aListenerThatAllowsSANChangesTakesTheNewNames() async throws {
        try await withReloadableListener(extraProperties: "listener.name.ssl.ssl.allow.san.changes=true") {
            _, server, port, files, pki in
            let moved = try pki.issue(dnsNames: ["kafka-0.kafka.svc", "kafka.example.com"])
            files.write(Self.keystorePath, moved.keystorePEM)
            let admin = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            try await admin.incrementalAlterConfigs(.broker(0), operations: Self.reload)
            #expect(try await served(port, pki) == moved.certificatePEM)
        }
    }

    @Test func aValidateOnlyAlterChecksTheNewKeystoreWithoutServingIt() async throws {
        try await withReloadableListener { kafka, _, port, files, pki in
            let renewed = try pki.issue()
            files.write(Self.keystorePath, renewed.keystorePEM)
            let operations: [IncrementalAlterConfigsRequest.Operation] = [
                .set(key: "listener.name.ssl.ssl.keystore.location", value: Self.keystorePath)
            ]
            let checked = await kafka.incrementalAlterConfigs(
                IncrementalAlterConfigsRequest(
                    resources: [.init(type: .broker, name: "0", operations: operations)], validateOnly: true))
            #expect(checked.results.map(\.errorCode) == [KafkaErrorCode.none])
            #expect(try await served(port, pki) == pki.first.certificatePEM)

            files.write(Self.keystorePath, try pki.issue(dnsNames: ["elsewhere"]).keystorePEM)
            let refused = await kafka.incrementalAlterConfigs(
                IncrementalAlterConfigsRequest(
                    resources: [.init(type: .broker, name: "0", operations: operations)], validateOnly: true))
            #expect(refused.results.map(\.errorCode) == [KafkaErrorCode.invalidRequest])
        }
    }

    @Test func theListenersAnAlterReloadsAreThoseItsKeystoreAndTruststoreKeysName() {
        #expect(
            ListenerTLSRegistry.listeners(reloadedBy: [
                "listener.name.internal.ssl.keystore.location",
                "listener.name.CONTROLLER.ssl.truststore.location",
                "listener.name.external.ssl.client.auth", "ssl.keystore.location", "num.io.threads",
                "listener.name.", "listener.name.x",
            ]) == ["internal", "controller"])
    }
}
