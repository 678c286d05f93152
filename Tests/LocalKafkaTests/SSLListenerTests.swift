import Foundation
import HTTPServer
import JSON
import KafkaAdmin
import LocalKafka
import TestSupport
import Testing

/// The simulated brokers' SSL listeners against real TLS clients: openssl s_client,
/// confluent-kafka and the operator's own admin client, with certificates from the operator's
/// PKI; and hostile clients that never finish a handshake.
@Suite struct SSLListenerTests {
    /// Runs `body` with an SSL listener on every alive broker of the example cluster;
    /// `extraProperties` ends every broker's `server.properties`.
    func withSSLListeners(
        clientAuthentication: TLSClientAuthentication = .required, handshakeTimeout: Duration = .seconds(10),
        extraProperties: String = "",
        _ body: (SimulatedBrokerServer, [Int32: UInt16], SSLListenerFixture) async throws -> Void
    ) async throws {
        let fixture = try SSLListenerFixture()
        defer { fixture.remove() }
        try await withSimulatedKafka(extraProperties: extraProperties, handshakeTimeout: handshakeTimeout) {
            _, server, simulation in
            let brokers = await simulation.snapshot().aliveBrokerIDs
            let ports = try await fixture.startListeners(
                on: server, brokers: brokers, clientAuthentication: clientAuthentication)
            try await body(server, ports, fixture)
        }
    }

    func sClient(port: UInt16, _ arguments: [String]) async throws -> ProcessOutput {
        try await runOffPool(
            "openssl",
            ["s_client", "-connect", "127.0.0.1:\(port)", "-brief", "-verify_return_error"] + arguments,
            input: Data())
    }

    /// TLS 1.2 for the refusals: in TLS 1.3 the server judges the client certificate after the
    /// client has finished its side, so s_client would report success before the alert.
    @Test(.enabled(if: Peer.available("openssl")))
    func sClientNeedsACertificateFromTheClusterCA() async throws {
        try await withSSLListeners { _, ports, fixture in
            for port in ports.values.sorted() {
                let alice = try await sClient(
                    port: port,
                    [
                        "-CAfile", fixture.caFile, "-cert", fixture.aliceCertificateFile, "-key",
                        fixture.aliceKeyFile,
                    ])
                #expect(alice.status == 0, "\(alice.stderr)")
                #expect(alice.stderr.contains("CONNECTION ESTABLISHED"), "\(alice.stderr)")

                let anonymous = try await sClient(port: port, ["-CAfile", fixture.caFile, "-tls1_2"])
                #expect(anonymous.status != 0, "\(anonymous.stderr)")
                #expect(!anonymous.stderr.contains("CONNECTION ESTABLISHED"))

                let stranger = try await sClient(
                    port: port,
                    [
                        "-CAfile", fixture.caFile, "-cert", fixture.strangerCertificateFile, "-key",
                        fixture.strangerKeyFile, "-tls1_2",
                    ])
                #expect(stranger.status != 0, "\(stranger.stderr)")
                #expect(!stranger.stderr.contains("CONNECTION ESTABLISHED"))
            }
        }
    }

    static let listTopics = """
        import json, sys
        from confluent_kafka import KafkaException
        from confluent_kafka.admin import AdminClient
        timeout, bootstrap, ca = float(sys.argv[1]), sys.argv[2], sys.argv[3]
        conf = {'bootstrap.servers': bootstrap, 'security.protocol': 'SSL', 'ssl.ca.location': ca}
        if len(sys.argv) > 4:
            conf.update({'ssl.certificate.location': sys.argv[4], 'ssl.key.location': sys.argv[5]})
        try:
            md = AdminClient(conf).list_topics(timeout=timeout)
            print(json.dumps({'brokers': sorted([[b.id, b.host, b.port] for b in md.brokers.values()]),
                              'topics': sorted(md.topics)}))
        except KafkaException as e:
            print(json.dumps({'error': e.args[0].name()}))
        """

    @Test(.enabled(if: Peer.available("python3")))
    func confluentKafkaListsTopicsThroughTheSSLListenerWithACertificateOnly() async throws {
        try await withSSLListeners { _, ports, fixture in
            let bootstrap = "127.0.0.1:\(ports[0]!)"
            let output = try await runOffPool(
                "python3",
                [
                    "-c", Self.listTopics, "10", bootstrap, fixture.caFile, fixture.aliceCertificateFile,
                    fixture.aliceKeyFile,
                ])
            #expect(output.status == 0, "\(output.stderr)")
            let seen = try JSONReader.parse(Array(output.stdout.utf8))
            #expect(seen["topics"] == ["audit-log", "inventory", "orders", "payments"])
            let advertised = ports.sorted { $0.key < $1.key }.map { id, port -> JSONValue in
                [.number(String(id)), "127.0.0.1", .number(String(port))]
            }
            #expect(seen["brokers"] == .array(advertised))

            let refused = try await runOffPool(
                "python3", ["-c", Self.listTopics, "3", bootstrap, fixture.caFile])
            #expect(refused.status == 0, "\(refused.stderr)")
            let failure = try JSONReader.parse(Array(refused.stdout.utf8))
            #expect(failure["topics"] == nil)
            #expect(failure["error"] != nil, "\(refused.stdout)")
        }
    }

    @Test func theAdminClientReadsMetadataOverTheSSLListener() async throws {
        try await withSSLListeners { _, ports, fixture in
            let client = try KafkaProtocolAdminClient(
                bootstrap: "127.0.0.1:\(ports[1]!)",
                options: KafkaAdminOptions(
                    tls: KafkaTLSOptions(
                        caFile: fixture.caFile, certificateFile: fixture.aliceCertificateFile,
                        privateKeyFile: fixture.aliceKeyFile)))
            let metadata = try await client.metadata(topics: nil)
            #expect(metadata.brokers.map(\.nodeId) == ports.keys.sorted())
            #expect(
                metadata.brokers.allSatisfy { $0.host == "127.0.0.1" && UInt16($0.port) == ports[$0.nodeId] })
            #expect(metadata.topics.map(\.name) == ["audit-log", "inventory", "orders", "payments"])

            let anonymous = try KafkaProtocolAdminClient(
                bootstrap: "127.0.0.1:\(ports[1]!)",
                options: KafkaAdminOptions(
                    callTimeout: .seconds(5), attempts: 1, tls: KafkaTLSOptions(caFile: fixture.caFile)))
            await #expect(throws: KafkaAdminError.self) { try await anonymous.metadata(topics: nil) }
        }
    }

    /// The operator's own certificate comes from a Secret as PEM text, never written to disk:
    /// the cluster CA's certificate gets in, another CA's is refused, and a key that is not the
    /// certificate's fails before any connection is made.
    @Test func theAdminClientTakesItsCertificateAsPEMText() async throws {
        try await withSSLListeners { _, ports, fixture in
            func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
            func client(certificate: String, key: String) throws -> KafkaProtocolAdminClient {
                try KafkaProtocolAdminClient(
                    bootstrap: "127.0.0.1:\(ports[0]!)",
                    options: KafkaAdminOptions(
                        callTimeout: .seconds(5), attempts: 1,
                        tls: KafkaTLSOptions(
                            caPEM: try read(fixture.caFile), certificatePEM: certificate, privateKeyPEM: key,
                            verifyHostname: false)))
            }
            let alice = try client(
                certificate: try read(fixture.aliceCertificateFile), key: try read(fixture.aliceKeyFile))
            #expect(try await alice.metadata(topics: nil).brokers.count == ports.count)

            let stranger = try client(
                certificate: try read(fixture.strangerCertificateFile), key: try read(fixture.strangerKeyFile)
            )
            await #expect(throws: KafkaAdminError.self) { try await stranger.metadata(topics: nil) }

            let mismatched = try client(
                certificate: try read(fixture.aliceCertificateFile), key: try read(fixture.strangerKeyFile))
            let error = await #expect(throws: KafkaAdminError.self) {
                try await mismatched.metadata(topics: nil)
            }
            #expect("\(error.map { "\($0)" } ?? "")".contains("loading the client certificate"))

            // An emptied Secret key is a clear failure, not a crash.
            let emptied = try client(certificate: try read(fixture.aliceCertificateFile), key: "")
            let refusal = await #expect(throws: KafkaAdminError.self) {
                try await emptied.metadata(topics: nil)
            }
            #expect("\(refusal.map { "\($0)" } ?? "")".contains("loading the client certificate"))
        }
    }

    /// A client that stays silent, stops halfway through its ClientHello or sends something
    /// that is not TLS is closed (at the handshake deadline, or at once), while a real client
    /// is served meanwhile and after.
    @Test func clientsThatNeverFinishAHandshakeAreClosedAndOthersServed() async throws {
        try await withSSLListeners(handshakeTimeout: .seconds(1)) { _, ports, fixture in
            let port = ports[0]!
            let silent = try RawSocket(port: port)
            let halfway = try RawSocket(port: port)
            try halfway.send([0x16, 0x03, 0x01, 0x00, 0xC8, 0x01, 0x00, 0x00])
            let garbage = try RawSocket(port: port)
            try garbage.send("GET / HTTP/1.1\r\nHost: kafka\r\n\r\n")

            let client = try KafkaProtocolAdminClient(
                bootstrap: "127.0.0.1:\(port)",
                options: KafkaAdminOptions(
                    tls: KafkaTLSOptions(
                        caFile: fixture.caFile, certificateFile: fixture.aliceCertificateFile,
                        privateKeyFile: fixture.aliceKeyFile)))
            #expect(try await client.metadata(topics: []).brokers.count == ports.count)

            // RawSocket gives up after 10 s without an end of stream, well past the 1 s deadline.
            #expect(garbage.waitForClose())
            #expect(silent.waitForClose())
            #expect(halfway.waitForClose())
            #expect(try await client.metadata(topics: []).brokers.count == ports.count)
        }
    }

    @Test func theSSLPrincipalIsTheSubjectInRFC2253Form() {
        #expect(KafkaPrincipal.ssl(subject: "CN=alice,O=Example") == "User:CN=alice,O=Example")
        #expect(KafkaPrincipal.ssl(subject: nil) == "User:ANONYMOUS")
    }
}
