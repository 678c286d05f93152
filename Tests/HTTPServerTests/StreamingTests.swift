import Foundation
import HTTPServer
import TestSupport
import Testing

/// A stream whose chunks a test yields by hand, and how it ended.
final class GatedStream: Sendable {
    let stream: AsyncStream<[UInt8]>
    let continuation: AsyncStream<[UInt8]>.Continuation
    let ending = LockedBox<String?>(nil)

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        let ending = self.ending
        continuation.onTermination = { reason in
            switch reason {
            case .cancelled: ending.set("cancelled")
            case .finished: ending.set("finished")
            @unknown default: ending.set("other")
            }
        }
    }

    func send(_ text: String) { continuation.yield(Array(text.utf8)) }
}

extension ServerTests {
    @Suite struct StreamingTests {
        /// A server whose `/stream` route answers with `gate`'s stream, and `/fast` with
        /// 64 MiB yielded at once.
        static func server(gate: GatedStream, limits: HTTPLimits = .forTests()) async throws -> TestServer {
            var router = TestServer.routes()
            router.add(.get, "/stream") { _ in
                HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], bodyStream: gate.stream)
            }
            router.add(.get, "/fast") { _ in
                // Left open: only the server giving up on the reader can end it.
                for _ in 0..<64 { gate.continuation.yield([UInt8](repeating: 0x61, count: 1 << 20)) }
                return HTTPResponse(status: .ok, bodyStream: gate.stream)
            }
            return try await TestServer(limits: limits, router: router)
        }

        @Test func chunksArriveAsTheyAreProducedAndTheConnectionStaysOpenAfter() async throws {
            let gate = GatedStream()
            let server = try await Self.server(gate: gate)
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            try socket.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try socket.readUntil("\r\n\r\n")
            #expect(head.hasPrefix("HTTP/1.1 200 OK"))
            #expect(head.contains("Transfer-Encoding: chunked"))
            #expect(!head.contains("Content-Length"))
            gate.send("first")
            #expect(try socket.readUntil("first\r\n") == "5\r\nfirst\r\n")
            #expect(!socket.hasDataReady)
            gate.send(String(repeating: "x", count: 300))
            #expect(try socket.readUntil("x\r\n").hasPrefix("12c\r\n"))
            gate.continuation.finish()
            #expect(try socket.readUntil("0\r\n\r\n") == "0\r\n\r\n")
            try socket.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let next = try socket.readResponse()
            #expect(next.status == 200)
            #expect(next.text == "hello\n")
        }

        @Test func aClientThatGoesAwayCancelsTheProducer() async throws {
            let gate = GatedStream()
            let server = try await Self.server(gate: gate)
            defer { Task { await server.stop() } }
            do {
                let socket = try server.connect()
                try socket.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
                _ = try socket.readUntil("\r\n\r\n")
                gate.send("one")
                _ = try socket.readUntil("one\r\n")
            }  // the socket closes here
            let ended = await waitUntil(timeout: .seconds(5)) { gate.ending.get() != nil }
            #expect(ended)
            #expect(gate.ending.get() == "cancelled")
        }

        @Test func aStreamOutlivesTheIdleTimeout() async throws {
            let gate = GatedStream()
            let server = try await Self.server(
                gate: gate,
                limits: .forTests(headerTimeout: .milliseconds(200), idleTimeout: .milliseconds(200)))
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            try socket.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try socket.readUntil("\r\n\r\n")
            try await Task.sleep(for: .milliseconds(600))
            gate.send("late")
            #expect(try socket.readUntil("late\r\n") == "4\r\nlate\r\n")
            #expect(gate.ending.get() == nil)
        }

        @Test func aReaderThatFallsBehindIsDisconnected() async throws {
            let gate = GatedStream()
            let server = try await Self.server(gate: gate)
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            try socket.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
            // Never read: 64 MiB cannot fit in socket buffers plus the server's backlog bound.
            let ended = await waitUntil(timeout: .seconds(10)) { gate.ending.get() != nil }
            #expect(ended)
            #expect(gate.ending.get() == "cancelled")
            #expect(socket.waitForClose())
        }

        @Test func shutdownEndsAStreamWithItsLastChunk() async throws {
            let gate = GatedStream()
            let server = try await Self.server(gate: gate)
            let socket = try server.connect()
            try socket.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try socket.readUntil("\r\n\r\n")
            let started = ContinuousClock.now
            await server.stop()
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(try socket.readUntil("0\r\n\r\n") == "0\r\n\r\n")
            #expect(socket.waitForClose())
            #expect(gate.ending.get() == "cancelled")
        }

        @Test func anHTTP10ClientGetsTheBodyUntilClose() async throws {
            let gate = GatedStream()
            let server = try await Self.server(gate: gate)
            defer { Task { await server.stop() } }
            let socket = try server.connect()
            try socket.send("GET /stream HTTP/1.0\r\n\r\n")
            gate.send("plain")
            gate.continuation.finish()
            let response = try socket.readResponse()
            #expect(response.status == 200)
            #expect(response.header("Transfer-Encoding") == nil)
            #expect(response.text == "plain")
        }

        @Test func curlReadsAChunkedStreamAndReusesTheConnection() async throws {
            guard Peer.available("curl") else { return }
            let gate = GatedStream()
            let server = try await Self.server(gate: gate)
            defer { Task { await server.stop() } }
            let producer = Task {
                for index in 0..<3 {
                    try await Task.sleep(for: .milliseconds(50))
                    gate.send("line \(index)\n")
                }
                gate.continuation.finish()
            }
            let base = "http://127.0.0.1:\(server.port)"
            let output = try runProcess("curl", ["-sSvN", "\(base)/stream", "\(base)/hello"])
            try await producer.value
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout == "line 0\nline 1\nline 2\nhello\n")
            #expect(output.stderr.contains("Transfer-Encoding: chunked"))
            #expect(output.stderr.contains("Re-using existing connection"))
        }
    }
}
