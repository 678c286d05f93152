import Foundation
import HTTPServer
import TestSupport
import Testing

extension ServerTests {
    /// curl as the client: a second HTTP implementation checking ours.
    @Suite struct CurlTests {
        @Test func reusesOneConnectionForSeveralRequests() async throws {
            guard Peer.available("curl") else { return }
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            let url = "http://127.0.0.1:\(server.port)/hello"
            let output = try runProcess("curl", ["-sv", url, url, url])
            #expect(output.status == 0)
            #expect(output.stdout == "hello\nhello\nhello\n")
            #expect(output.stderr.components(separatedBy: "Re-using existing connection").count == 3)
        }

        @Test func uploadsAChunkedBody() async throws {
            guard Peer.available("curl") else { return }
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let payload = String(repeating: "kafka-operator ", count: 20_000)
            try payload.write(to: directory.file("body"), atomically: true, encoding: .utf8)
            let output = try runProcess(
                "curl",
                [
                    "-sv", "-H", "Transfer-Encoding: chunked", "--data-binary",
                    "@\(directory.file("body").path)",
                    "http://127.0.0.1:\(server.port)/echo",
                ])
            #expect(output.stderr.contains("Transfer-Encoding: chunked"))
            #expect(output.stdout == payload)
        }

        @Test func sendsTheBodyAfter100Continue() async throws {
            guard Peer.available("curl") else { return }
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            let output = try runProcess(
                "curl",
                [
                    "-sv", "-H", "Expect: 100-continue", "--expect100-timeout", "30", "--data-binary",
                    "payload",
                    "http://127.0.0.1:\(server.port)/echo",
                ])
            #expect(output.stderr.contains("HTTP/1.1 100 Continue"))
            #expect(output.stdout == "payload")
        }

        @Test func talksIPv6() async throws {
            guard Peer.available("curl") else { return }
            let server = try await TestServer(
                listeners: [HTTPListener(host: "::1", port: 0)], limits: .forTests())
            defer { Task { await server.stop() } }
            let output = try runProcess("curl", ["-sg", "http://[::1]:\(server.port)/items/v6"])
            #expect(output.stdout == "v6 ")
        }

        @Test func servesHTTPSWithATestCertificate() async throws {
            guard Peer.available("curl"), Peer.available("openssl") else { return }
            let made = try TestCertificate()
            defer { made.directory.remove() }
            let certificate = made.certificatePath
            let server = try await TestServer(
                listeners: [
                    HTTPListener(
                        host: "127.0.0.1", port: 0, tls: made.files)
                ], limits: .forTests())
            defer { Task { await server.stop() } }
            #expect(server.addresses.first?.isTLS == true)
            let url = "https://localhost:\(server.port)"
            let resolve = "localhost:\(server.port):127.0.0.1"
            let tlsOptions = ["--cacert", certificate, "--resolve", resolve]
            let output = try runProcess(
                "curl",
                ["-sv"] + tlsOptions + [url + "/hello", "--next"] + tlsOptions + [
                    "--data-binary", "tls body", url + "/echo",
                ])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stderr.contains("Re-using existing connection"))
            #expect(output.stdout == "hello\ntls body")

            // Without trusting the certificate curl refuses; the server just closes that connection.
            let untrusted = try runProcess("curl", ["-s", "--resolve", resolve, url + "/hello"])
            #expect(untrusted.status != 0)
            // Plain HTTP on the TLS port gets no HTTP answer, and the server keeps serving TLS.
            let plain = try server.connect(timeout: .seconds(5))
            try plain.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(throws: (any Error).self) { try plain.readResponse() }
            let again = try runProcess(
                "curl", ["-s", "--cacert", certificate, "--resolve", resolve, url + "/hello"])
            #expect(again.stdout == "hello\n")
        }

        @Test func refusesToStartWithAMissingCertificate() async throws {
            let server = HTTPServer(
                configuration: .init(listeners: [
                    HTTPListener(
                        host: "127.0.0.1", port: 0,
                        tls: TLSFiles(certificatePath: "/nonexistent.pem", keyPath: "/nonexistent.key"))
                ]), router: Router(), logger: .init(label: "test"))
            await #expect(throws: HTTPServerError.self) { try await server.run() }
        }
    }
}
