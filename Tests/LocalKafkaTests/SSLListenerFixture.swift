import Foundation
import HTTPServer
import LocalKafka
import PKI
import TestSupport

/// A cluster CA with a broker certificate for loopback and a client certificate (`CN=alice`),
/// a client certificate from another CA, and the PEM files command-line clients read.
struct SSLListenerFixture {
    let directory: TemporaryDirectory
    let broker: IssuedCertificate
    let caFile: String
    let aliceCertificateFile: String
    let aliceKeyFile: String
    let strangerCertificateFile: String
    let strangerKeyFile: String

    init() throws {
        let now = Date()
        let ca = try CertificateAuthority.create(commonName: "cluster-ca", now: now)
        let other = try CertificateAuthority.create(commonName: "other-ca", now: now)
        broker = try ca.issue(
            CertificateRequest(
                commonName: "kafka-broker", usage: .server, dnsNames: ["localhost"],
                ipAddresses: ["127.0.0.1"]),
            now: now)
        let alice = try ca.issue(CertificateRequest(commonName: "alice", usage: .client), now: now)
        let stranger = try other.issue(CertificateRequest(commonName: "alice", usage: .client), now: now)
        let directory = try TemporaryDirectory(prefix: "ssl-listener")
        self.directory = directory
        func write(_ name: String, _ text: String) throws -> String {
            try text.write(to: directory.file(name), atomically: true, encoding: .utf8)
            return directory.file(name).path
        }
        caFile = try write("ca.crt", ca.certificatePEM)
        aliceCertificateFile = try write("alice.crt", alice.chainPEM)
        aliceKeyFile = try write("alice.key", alice.privateKeyPEM)
        strangerCertificateFile = try write("stranger.crt", stranger.chainPEM)
        strangerKeyFile = try write("stranger.key", stranger.privateKeyPEM)
    }

    /// Starts an SSL listener named `SSL` on every broker: broker 0 reads its keystore and
    /// truststore from (mapped) files, the others have them inline. Each advertises its real
    /// loopback port so that clients can follow Metadata; returns the ports by broker.
    func startListeners(
        on server: SimulatedBrokerServer, brokers: [Int32], clientAuthentication: TLSClientAuthentication
    ) async throws -> [Int32: UInt16] {
        let secret = [
            "/etc/kafka/ssl/keystore.pem": broker.keystorePEM, "/etc/kafka/ssl/ca.crt": broker.caPEM,
        ]
        var ports: [Int32: UInt16] = [:]
        for id in brokers {
            let tls =
                id == 0
                ? ListenerTLS(
                    keystore: .file("/etc/kafka/ssl/keystore.pem"),
                    truststore: .file("/etc/kafka/ssl/ca.crt"),
                    clientAuthentication: clientAuthentication)
                : ListenerTLS(
                    keystore: .inline(certificateChain: broker.chainPEM, privateKey: broker.privateKeyPEM),
                    truststore: .inline(broker.caPEM), clientAuthentication: clientAuthentication)
            let endpoint = BrokerListenerEndpoint(
                name: "SSL", port: 9093, advertisedHost: "127.0.0.1", advertisedPort: 9093, tls: tls)
            let port = try await server.start(broker: id, listener: endpoint) {
                secret[$0].map { Array($0.utf8) }
            }
            await server.kafka.setAddress(broker: id, listener: "SSL", host: "127.0.0.1", port: Int32(port))
            ports[id] = port
        }
        return ports
    }

    func remove() { directory.remove() }
}
