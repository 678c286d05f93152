import Foundation
import KafkaAdmin
import KafkaProtocol
import PKI
import TestSupport
import Testing

@testable import LocalKafka

/// A simulated broker serves an SSL listener from Koperator's keystore Secret as Kafka would:
/// `server.properties` names a JKS keystore and truststore (written by pyjks) whose password
/// Kafka's DirectoryConfigProvider reads from the mounted Secret. openssl s_client, a real TLS
/// client, checks what is served; a wrong password or an unregistered provider keeps the
/// listener from starting, and a renewed keystore (PKCS#12 under the same name, as keytool
/// writes) is served after the alter that asks for it.
@Suite(
    .enabled(if: Peer.available("openssl"), "openssl is not installed"),
    .enabled(if: Peer.availablePythonModule("jks"), "pyjks is not installed"))
struct JavaKeystoreListenerTests {
    static let directory = "/var/run/secrets/kafka/listeners/secure"
    static let properties = """
        node.id=0
        listeners=SECURE://:9093
        advertised.listeners=SECURE://127.0.0.1:9093
        listener.security.protocol.map=SECURE:SSL
        config.providers=directory
        config.providers.directory.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
        listener.name.secure.ssl.keystore.type=JKS
        listener.name.secure.ssl.keystore.location=\(directory)/keystore.jks
        listener.name.secure.ssl.keystore.password=${directory:\(directory):password}
        listener.name.secure.ssl.truststore.type=JKS
        listener.name.secure.ssl.truststore.location=\(directory)/truststore.jks
        listener.name.secure.ssl.truststore.password=${directory:\(directory):password}
        listener.name.secure.ssl.client.auth=required
        """

    /// The cluster's CA and certificates, the user's Secret as files, and a client's PEM for
    /// s_client.
    struct Fixture {
        let peers: KeystorePeers
        let ca: CertificateAuthority
        let broker: IssuedCertificate
        let client: IssuedCertificate
        let files: [String: [UInt8]]

        init(password: String = "changeit") async throws {
            peers = try KeystorePeers()
            ca = try CertificateAuthority.create(commonName: "user-ca", now: Date())
            broker = try Self.issueBroker(ca)
            client = try ca.issue(CertificateRequest(commonName: "client", usage: .client), now: Date())
            try await peers.writeLeaf(
                "broker", privateKeyPEM: broker.privateKeyPEM, certificatePEM: broker.certificatePEM)
            try await peers.writeLeaf(
                "client", privateKeyPEM: client.privateKeyPEM, certificatePEM: client.certificatePEM)
            try await peers.writeAuthority("ca", certificatePEM: ca.certificatePEM)
            let secret = try await peers.koperatorSecret(leaf: "broker", ca: "ca", password: password)
            files = Dictionary(
                uniqueKeysWithValues: secret.map {
                    ("\(JavaKeystoreListenerTests.directory)/\($0.key)", $0.value)
                })
        }

        static func issueBroker(_ ca: CertificateAuthority) throws -> IssuedCertificate {
            try ca.issue(
                CertificateRequest(
                    commonName: "kafka-0", usage: .server, dnsNames: ["kafka-0"], ipAddresses: ["127.0.0.1"]),
                now: Date())
        }

        var clientArguments: [String] {
            [
                "-CAfile", peers.path("ca.pem"), "-cert", peers.path("client.pem"), "-key",
                peers.path("client.key"),
            ]
        }
    }

    /// The certificate a fresh s_client connection to `port` is served, after verifying it.
    func served(_ port: UInt16, _ fixture: Fixture) async throws -> String {
        let served = try await ServedCertificate(
            port: Int(port), arguments: ["-verify_return_error"] + fixture.clientArguments)
        #expect(served.session.status == 0, "\(served.session.stderr)")
        return served.certificatePEM ?? ""
    }

    func endpoint(_ properties: String) throws -> BrokerListenerEndpoint {
        try #require(try BrokerStartupConfig(parsing: properties).advertisedListeners.first)
    }

    /// Runs `body` with broker 0 serving the listener from the fixture's Secret, once it has
    /// been served the broker's certificate.
    func withServingListener(
        password: String = "changeit",
        _ body: (Fixture, SimulatedBrokerServer, UInt16, MountedFiles) async throws -> Void
    ) async throws {
        let fixture = try await Fixture(password: password)
        defer { fixture.peers.remove() }
        let files = MountedFiles(bytes: fixture.files)
        try await withSimulatedKafka { _, server, _ in
            let port = try await server.start(
                broker: 0, listener: try endpoint(Self.properties), readFile: files.read)
            #expect(try await served(port, fixture) == fixture.broker.certificatePEM)
            try await body(fixture, server, port, files)
        }
    }

    @Test func theListenerServesTheUsersJKSKeystoreWithThePasswordFromItsSecret() async throws {
        try await withServingListener(password: "pässwort") { fixture, _, port, _ in
            // Our admin client, with the client's certificate, speaks Kafka through it.
            let client = try KafkaProtocolAdminClient(
                bootstrap: "127.0.0.1:\(port)",
                options: KafkaAdminOptions(
                    tls: KafkaTLSOptions(
                        caPEM: fixture.ca.certificatePEM, certificatePEM: fixture.client.chainPEM,
                        privateKeyPEM: fixture.client.privateKeyPEM)))
            _ = try await client.metadata(topics: [])
        }
    }

    @Test(arguments: ["wrong password", "unregistered provider", "missing password file"])
    func aListenerWhoseStoreCannotBeOpenedDoesNotStart(fault: String) async throws {
        let fixture = try await Fixture()
        defer { fixture.peers.remove() }
        var files = fixture.files
        var properties = Self.properties
        switch fault {
        case "wrong password": files["\(Self.directory)/password"] = Array("not-it".utf8)
        case "unregistered provider":
            properties = properties.replacingOccurrences(of: "config.providers=directory", with: "")
        default: files["\(Self.directory)/password"] = nil
        }
        let mounted = MountedFiles(bytes: files)
        let listener = try endpoint(properties)
        try await withSimulatedKafka { _, server, _ in
            await #expect(throws: SimulatedBrokerServerError.self) {
                try await server.start(broker: 0, listener: listener, readFile: mounted.read)
            }
        }
    }

    @Test func aRenewedKeystoreIsServedOnceTheBrokerIsAsked() async throws {
        try await withServingListener { fixture, server, port, files in
            // The user renews: keytool's PKCS#12 written under the same name.
            let renewed = try Fixture.issueBroker(fixture.ca)
            try await fixture.peers.writeLeaf(
                "renewed", privateKeyPEM: renewed.privateKeyPEM, certificatePEM: renewed.certificatePEM)
            let keystore = try await fixture.peers.pkcs12(
                "renewed.p12", password: "changeit",
                arguments: [
                    "-inkey", fixture.peers.path("renewed.key"), "-in", fixture.peers.path("renewed.pem"),
                    "-certfile", fixture.peers.path("ca.pem"),
                ])
            files.write("\(Self.directory)/keystore.jks", bytes: keystore)
            #expect(try await served(port, fixture) == fixture.broker.certificatePEM)
            let admin = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            try await admin.incrementalAlterConfigs(
                .broker(0),
                operations: [
                    .set(
                        key: "listener.name.secure.ssl.keystore.location",
                        value: "\(Self.directory)/keystore.jks")
                ])
            #expect(try await served(port, fixture) == renewed.certificatePEM)
        }
    }
}
