import Foundation
import HTTPServer
import TestSupport
import Testing

/// What a hostile client can do to the server over real sockets: each case here once crashed,
/// bloated, stalled or spun it.
extension ServerTests {
    @Suite struct HostileClientTests {
        static func routes() -> Router {
            var router = TestServer.routes()
            // 64 KB answers, so a client that does not read fills every buffer quickly.
            router.add(.get, "/big") { _ in
                HTTPResponse(
                    status: .ok, headers: ["Content-Type": "text/plain"],
                    body: Array(repeating: 120, count: 64 << 10))
            }
            // Holds its thread without suspending for as long as asked: a stand-in for decoding a
            // large body.
            router.add(.post, "/burn") { request in
                let until = ContinuousClock.now + .milliseconds(Int(request.queryValue("ms") ?? "0") ?? 0)
                while ContinuousClock.now < until {}
                return HTTPResponse(
                    status: .ok, contentType: "text/plain", body: "burnt \(request.body.count)")
            }
            return router
        }

        /// The attacks from another process (Python) and the TLS certificate (openssl).
        static let peersAvailable = Peer.available("python3") && Peer.available("openssl")

        @Test(.enabled(if: peersAvailable, "python3 or openssl is not installed"), arguments: [false, true])
        func fiveThousandPipelinedRequestsOnOneConnectionAreAllAnswered(tls: Bool) async throws {
            let certificate = try TestCertificate()
            defer { certificate.directory.remove() }
            let server = try await TestServer(
                listeners: [HTTPListener(host: "127.0.0.1", port: 0, tls: tls ? certificate.files : nil)],
                limits: .forTests(), router: Self.routes())
            defer { Task { await server.stop() } }
            // 3,500 once overflowed the stack through one call per pipelined request.
            #expect(try HostileClient.pipeline(port: server.port, count: 5000, tls: tls) == 5000)
            #expect(try HostileClient.pipeline(port: server.port, count: 1, tls: tls) == 1, "still serving")
        }

        @Test func aClientThatNeverReadsIsClosedAtTheWriteTimeout() async throws {
            var limits = HTTPLimits.forTests(idleTimeout: .seconds(60))
            limits.writeTimeout = .milliseconds(300)
            let server = try await TestServer(limits: limits, router: Self.routes())
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            // 200 answers of 64 KB: far more than the kernel's buffers hold for a reader that never reads.
            try socket.send(String(repeating: "GET /big HTTP/1.1\r\nHost: h\r\n\r\n", count: 200))
            let closed = await waitUntil(timeout: .seconds(10)) { server.server.openConnectionCount == 0 }
            #expect(closed, "the stalled connection is closed, not kept with its queued answers")
        }

        @Test(
            .enabled(if: peersAvailable, "python3 or openssl is not installed"),
            arguments: [HostileClient.HandshakeStall.silent, .truncatedHello, .fullHello])
        func anUnfinishedTLSHandshakeIsClosedAtTheHeaderTimeoutWithoutHTTP(
            stall: HostileClient.HandshakeStall
        ) async throws {
            let certificate = try TestCertificate()
            defer { certificate.directory.remove() }
            // Only the header timeout is short: the busy loop this guards against lasted until
            // the idle timeout closed the connection.
            let server = try await TestServer(
                listeners: [HTTPListener(host: "127.0.0.1", port: 0, tls: certificate.files)],
                limits: .forTests(headerTimeout: .milliseconds(300), idleTimeout: .seconds(60)))
            defer { Task { await server.stop() } }
            let outcome = try HostileClient.stallHandshake(port: server.port, stall)
            #expect(outcome.closed)
            if stall != .fullHello {
                #expect(outcome.bytesReceived == 0, "nothing written into an unfinished handshake")
            }
        }

        @Test func aChunkedBodyInTwoByteChunksIsAnsweredAtOnce() async throws {
            // The body timeout is generous; the answer must not wait for it.
            let server = try await TestServer(limits: .forTests(bodyTimeout: .seconds(60)))
            defer { Task { await server.stop() } }
            let socket = try server.connect(timeout: .seconds(20))
            var wire = Array("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            let chunk = Array("2\r\nab\r\n".utf8)
            for _ in 0..<450_000 { wire += chunk }
            wire += Array("0\r\n\r\n".utf8)
            try socket.send(wire)
            let response = try socket.readResponse()
            #expect(response.status == 200)
            #expect(response.body.count == 900_000)
        }

        @Test func aLargeBodyIsHandledOffTheLoopSoOtherConnectionsAreAnswered() async throws {
            let server = try await TestServer(limits: .forTests(), router: Self.routes())
            defer { Task { await server.stop() } }
            // One busy handler per event loop (there is one per core), each given a large body.
            let body = String(repeating: "x", count: 200_000)
            let burners = try (0..<max(2, ProcessInfo.processInfo.activeProcessorCount)).map { _ in
                try server.connect(timeout: .seconds(20))
            }
            for socket in burners {
                try socket.send(
                    "POST /burn?ms=1500 HTTP/1.1\r\nHost: h\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                )
            }
            let probe = try server.connect()
            try probe.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try probe.readResponse().status == 200)
            #expect(
                burners.allSatisfy { !$0.hasDataReady },
                "the probe was answered while the bodies were handled")
            for socket in burners { #expect(try socket.readResponse().text == "burnt 200000") }
        }

        /// Protocol edges (RFC 9110, RFC 9112) answered as the RFCs say, through a real socket.
        @Test func protocolEdges() async throws {
            struct Row {
                let name: String
                let packets: [String]
                let status: Int
                var allow: String? = nil
            }
            let rows = [
                Row(
                    name: "invalid Host", packets: ["GET /hello HTTP/1.1\r\nHost: a b/c\r\n\r\n"], status: 400
                ),
                Row(
                    name: "unknown method, known path", packets: ["BREW /hello HTTP/1.1\r\nHost: h\r\n\r\n"],
                    status: 501),
                Row(
                    name: "unknown method, unknown path", packets: ["BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n"],
                    status: 501),
                Row(
                    name: "chunked in two fields",
                    packets: [
                        "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                    ], status: 400),
                Row(
                    name: "Content-Length with leading zeros",
                    packets: [
                        "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 00000000000000000005\r\n\r\nhello"
                    ],
                    status: 200),
                Row(
                    name: "CR and LF of an empty line split",
                    packets: ["\r", "\nGET /hello HTTP/1.1\r\nHost: h\r\n\r\n"], status: 200),
                Row(
                    name: "OPTIONS *", packets: ["OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"], status: 204,
                    allow: "GET, POST, HEAD, OPTIONS"),
                Row(
                    name: "OPTIONS on a path", packets: ["OPTIONS /hello HTTP/1.1\r\nHost: h\r\n\r\n"],
                    status: 204, allow: "GET, HEAD, OPTIONS"),
                Row(
                    name: "known method not routed", packets: ["DELETE /hello HTTP/1.1\r\nHost: h\r\n\r\n"],
                    status: 405, allow: "GET, HEAD"),
            ]
            let server = try await TestServer(limits: .forTests())
            defer { Task { await server.stop() } }
            for row in rows {
                let socket = try server.connect()
                for packet in row.packets {
                    try socket.send(packet)
                    // Separate packets, as a client on a slow network sends them.
                    try await Task.sleep(for: .milliseconds(20))
                }
                let response = try socket.readResponse()
                #expect(response.status == row.status, "\(row.name)")
                if let allow = row.allow { #expect(response.header("Allow") == allow, "\(row.name)") }
            }
        }
    }
}
