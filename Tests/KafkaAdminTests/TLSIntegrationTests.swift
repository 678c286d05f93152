import Foundation
import KafkaAdmin
import TestSupport
import Testing

/// TLS towards a real broker: tansu 0.6's own TLS listener does not start with the options its
/// CLI offers, so a small Python TLS terminator (the standard `ssl` module) sits in front of a
/// plain tansu, with certificates made by the openssl CLI.
@Suite(.enabled(if: TansuBroker.isAvailable && Peer.available("openssl") && Peer.available("python3")))
final class TLSIntegrationTests {
    let broker: TansuBroker
    let directory: TemporaryDirectory
    let proxy: BackgroundProcess
    let port: UInt16

    static let terminator = """
        import socket, ssl, sys, threading
        cert, key, upstream = sys.argv[1], sys.argv[2], int(sys.argv[3])
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        listener = socket.create_server(('127.0.0.1', 0))
        print('port', listener.getsockname()[1], flush=True)
        def pipe(source, sink):
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    sink.sendall(data)
            except Exception:
                pass
            finally:
                for s in (source, sink):
                    try:
                        s.close()
                    except Exception:
                        pass
        while True:
            client, _ = listener.accept()
            try:
                secure = context.wrap_socket(client, server_side=True)
            except Exception:
                client.close()
                continue
            plain = socket.create_connection(('127.0.0.1', upstream))
            threading.Thread(target=pipe, args=(secure, plain), daemon=True).start()
            threading.Thread(target=pipe, args=(plain, secure), daemon=True).start()
        """

    init() async throws {
        broker = try await TansuBroker()
        directory = try TemporaryDirectory(prefix: "kafka-tls")
        try Self.makeCertificates(in: directory)
        try Self.terminator.write(to: directory.file("terminator.py"), atomically: true, encoding: .utf8)
        proxy = try BackgroundProcess(
            "python3",
            [
                directory.file("terminator.py").path, directory.file("server.pem").path,
                directory.file("server.key").path, String(broker.port),
            ], logFile: directory.file("terminator.log"))
        // The terminator binds port 0 and reports the port, so parallel suites cannot collide.
        let proxy = self.proxy
        _ = await waitUntil(timeout: .seconds(10)) { Self.reportedPort(proxy.log) != nil }
        guard let port = Self.reportedPort(proxy.log) else { throw CertificateSetupFailed(detail: proxy.log) }
        self.port = port
    }

    deinit {
        proxy.stop(signal: SIGKILL)
        broker.stop()
        directory.remove()
    }

    private static func reportedPort(_ log: String) -> UInt16? {
        log.split(separator: "\n").first { $0.hasPrefix("port ") }.flatMap { UInt16($0.dropFirst(5)) }
    }

    /// A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated second CA.
    static func makeCertificates(in directory: TemporaryDirectory) throws {
        func openssl(_ arguments: [String]) throws {
            let output = try runProcess("openssl", arguments)
            guard output.status == 0 else { throw CertificateSetupFailed(detail: output.stderr) }
        }
        let path = { (name: String) in directory.file(name).path }
        for ca in ["ca", "other-ca"] {
            try openssl([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("\(ca).key"), "-out",
                path("\(ca).pem"), "-days", "2", "-subj", "/CN=\(ca)",
            ])
        }
        try "subjectAltName=IP:127.0.0.1\n".write(
            to: directory.file("ext"), atomically: true, encoding: .utf8)
        try openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("server.key"), "-out", path("server.csr"),
            "-subj", "/CN=broker",
        ])
        try openssl([
            "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
            "-CAcreateserial", "-out", path("server.pem"), "-days", "2", "-extfile", path("ext"),
        ])
    }

    private func client(caFile: String, host: String = "127.0.0.1") throws -> KafkaProtocolAdminClient {
        try KafkaProtocolAdminClient(
            bootstrap: "\(host):\(port)",
            options: KafkaAdminOptions(
                connectTimeout: .seconds(3), requestTimeout: .seconds(3), attempts: 1,
                tls: KafkaTLSOptions(caFile: caFile)))
    }

    @Test func metadataAndHealthWorkOverTLSWithTheRightCA() async throws {
        let client = try client(caFile: directory.file("ca.pem").path)
        let report = try await client.healthReport()
        #expect(report.brokers == [111])
        #expect(try await client.describeCluster().clusterId == "tansu_cluster")
        await client.close()
    }

    @Test func aCertificateFromAnUnknownCAIsATerminalTLSFailure() async throws {
        let client = try client(caFile: directory.file("other-ca.pem").path)
        await #expect {
            _ = try await client.metadata(topics: [])
        } throws: { error in
            guard let error = error as? KafkaAdminError, case .tlsFailed(_, let reason) = error else {
                return false
            }
            return !error.isRetryable && reason.contains("certificate")
        }
    }

    @Test func aCertificateForAnotherHostIsRejected() async throws {
        // "localhost" resolves to 127.0.0.1, but the certificate names only the IP address.
        let client = try client(caFile: directory.file("ca.pem").path, host: "localhost")
        await #expect {
            _ = try await client.metadata(topics: [])
        } throws: { error in
            guard let error = error as? KafkaAdminError, case .tlsFailed = error else { return false }
            return true
        }
    }
}

struct CertificateSetupFailed: Error, CustomStringConvertible {
    let detail: String
    var description: String { "openssl failed: \(detail)" }
}
