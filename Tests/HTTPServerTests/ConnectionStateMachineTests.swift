import Foundation
import Testing

@testable import HTTPServer

/// The connection's decisions without sockets: every event is fed by hand, every command
/// carried out by a small driver that plays the server's shell and a client.
@Suite struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine
    static let second: UInt64 = 1_000_000_000

    /// Plays the shell: carries out the machine's commands, answers every request at once with a
    /// small response (when `answers`), and writes output as far as the client reads (`reads`).
    struct Driver {
        var machine: Machine
        var now: UInt64 = 0
        /// Whether the client takes our output; false models one that never reads.
        var reads = true
        /// Whether handlers answer as soon as they are dispatched.
        var answers = true
        var response = HTTPResponse(status: .ok, contentType: "text/plain", body: "ok\n")
        private(set) var written: [UInt8] = []
        private(set) var dispatched: [HTTPRequestHead] = []
        private(set) var refused: [Int] = []
        private(set) var relayed = 0
        private(set) var cancelledStreams = 0
        private(set) var shutDownWrite = false
        private(set) var closed = false

        init(limits: Machine.Limits = Machine.Limits()) {
            machine = Machine(limits: limits, now: 0)
        }

        var writtenText: String { String(decoding: written, as: UTF8.self) }
        var responseCount: Int { writtenText.components("HTTP/1.1 ") }

        mutating func send(_ text: String) { send(Array(text.utf8)) }

        mutating func send(_ bytes: [UInt8]) {
            let command = bytes.withUnsafeBytes { machine.received($0, now: now) }
            perform(command)
        }

        mutating func peerCloses() { perform(machine.peerClosedInput()) }

        mutating func respond(_ response: HTTPResponse) { perform(machine.responseReady(response, now: now)) }

        mutating func advance(by nanoseconds: UInt64, transportReady: Bool = true) {
            now += nanoseconds
            if let deadline = machine.nextDeadline, deadline <= now {
                perform(machine.deadlinePassed(now: now, transportReady: transportReady))
            }
        }

        /// The client starts reading: everything unsent goes out.
        mutating func clientReads() {
            reads = true
            machine.writeUnblocked()
            perform(nil)
        }

        mutating func perform(_ first: Machine.Command?) {
            var next = first
            while true {
                if next == nil, !closed, machine.unsentByteCount > 0, !machine.isWriteBlocked {
                    next = flush()
                }
                guard let command = next else { return }
                next = nil
                switch command {
                case .dispatch(let head, _):
                    dispatched.append(head)
                    if answers { next = machine.responseReady(response, now: now) }
                case .relay(_, let cancelAtOnce):
                    relayed += 1
                    if cancelAtOnce { cancelledStreams += 1 }
                case .cancelStream: cancelledStreams += 1
                case .refused(let status, _): refused.append(status.code)
                case .shutdownWrite: shutDownWrite = true
                case .close: closed = true
                }
            }
        }

        private mutating func flush() -> Machine.Command? {
            guard reads else {
                machine.writeBlocked(now: now)
                return nil
            }
            let bytes = machine.withUnsentOutput { Array($0) }
            written += bytes
            return machine.wrote(bytes.count, now: now)
        }
    }

    static func gets(_ count: Int, path: String = "/healthz") -> String {
        String(repeating: "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n", count: count)
    }

    // MARK: - Pipelining and backpressure

    @Test func thousandsOfPipelinedRequestsAreAnsweredInOneLoopInOrder() {
        var driver = Driver()
        var requests = ""
        for index in 0..<5000 { requests += "GET /r/\(index) HTTP/1.1\r\nHost: x\r\n\r\n" }
        driver.send(requests)
        #expect(driver.dispatched.count == 5000)
        #expect(driver.dispatched.map(\.path) == (0..<5000).map { "/r/\($0)" })
        #expect(driver.responseCount == 5000)
        #expect(driver.machine.isIdle)
    }

    @Test func aClientThatDoesNotReadGetsNoMoreAnswersThanTheOutputBound() {
        var limits = Machine.Limits()
        limits.maxOutputBacklog = 4096
        var driver = Driver(limits: limits)
        driver.reads = false
        driver.send(Self.gets(2000))
        let answered = driver.dispatched.count
        #expect(answered < 2000)
        #expect(driver.machine.unsentByteCount <= limits.maxOutputBacklog + 256)
        #expect(driver.machine.unsentByteCount > limits.maxOutputBacklog)
        #expect(!driver.machine.wantsInput, "reading stops while the output is over its bound")
        #expect(driver.machine.isWriteBlocked)

        driver.clientReads()
        #expect(driver.dispatched.count == 2000, "the held-back requests are answered once the client reads")
        #expect(driver.responseCount == 2000)
        #expect(driver.machine.wantsInput)
    }

    @Test func inputReadAheadWhileAHandlerRunsIsBounded() {
        var limits = Machine.Limits()
        limits.maxPipelinedBytes = 1024
        var driver = Driver(limits: limits)
        driver.answers = false
        driver.send(Self.gets(1))
        #expect(driver.machine.wantsInput)
        driver.send(Self.gets(40))
        #expect(!driver.machine.wantsInput, "no more reading while a handler runs and 1 KB waits")
        driver.answers = true
        driver.respond(driver.response)
        #expect(driver.dispatched.count == 41)
        #expect(driver.machine.wantsInput)
    }

    @Test func aBlockedWriteThatNeverProgressesClosesAtTheWriteTimeout() {
        var driver = Driver()
        driver.reads = false
        driver.send(Self.gets(1))
        #expect(driver.machine.isWriteBlocked)
        driver.advance(by: driver.machine.limits.writeTimeout - 1)
        #expect(!driver.closed)
        driver.advance(by: 1)
        #expect(driver.closed)
    }

    @Test func progressRestartsTheWriteTimeout() {
        var driver = Driver()
        driver.reads = false
        driver.send(Self.gets(1))
        driver.advance(by: driver.machine.limits.writeTimeout - 1)
        // Part of the output goes out: the clock starts again from the next block.
        _ = driver.machine.wrote(1, now: driver.now)
        driver.machine.writeBlocked(now: driver.now)
        driver.advance(by: driver.machine.limits.writeTimeout - 1)
        #expect(!driver.closed)
        driver.advance(by: 1)
        #expect(driver.closed)
    }

    // MARK: - Bodies

    @Test func aChunkedBodyInTwoByteChunksIsAnsweredAsItsLastChunkArrives() {
        var driver = Driver()
        let body = String(repeating: "ab", count: 200_000)
        driver.send("POST /alerts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        var wire = ""
        for _ in 0..<200_000 { wire += "2\r\nab\r\n" }
        // Arrives in socket-sized pieces; the machine never stops wanting them.
        let bytes = Array(wire.utf8)
        var offset = 0
        while offset < bytes.count {
            #expect(driver.machine.wantsInput)
            let end = min(bytes.count, offset + 16 * 1024)
            driver.send(Array(bytes[offset..<end]))
            offset = end
        }
        #expect(driver.dispatched.isEmpty)
        driver.send("0\r\n\r\n")
        #expect(driver.dispatched.count == 1)
        #expect(body.utf8.count == 400_000)
    }

    @Test func expectContinueIsAnsweredBeforeTheBody() {
        var driver = Driver()
        driver.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        #expect(driver.writtenText == "HTTP/1.1 100 Continue\r\n\r\n")
        driver.send("hi")
        #expect(driver.dispatched.count == 1)
    }

    // MARK: - Timeouts

    @Test func timeoutsTable() {
        struct Row {
            let name: String
            let input: String
            let wait: UInt64
            let transportReady: Bool
            let refused: [Int]
            let closed: Bool
        }
        let second = Self.second
        let rows = [
            Row(
                name: "silent connection", input: "", wait: 10 * second, transportReady: true, refused: [408],
                closed: false),
            Row(
                name: "silent TLS handshake", input: "", wait: 10 * second, transportReady: false,
                refused: [], closed: true),
            Row(
                name: "half a head", input: "GET / HTTP/1.1\r\n", wait: 10 * second, transportReady: true,
                refused: [408], closed: false),
            Row(
                name: "half a body", input: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nab",
                wait: 30 * second, transportReady: true, refused: [408], closed: false),
            Row(
                name: "not yet", input: "GET / HTTP/1.1\r\n", wait: 10 * second - 1, transportReady: true,
                refused: [], closed: false),
            Row(
                name: "idle keep-alive", input: Self.gets(1), wait: 60 * second, transportReady: true,
                refused: [], closed: true),
        ]
        for row in rows {
            var driver = Driver()
            if !row.input.isEmpty { driver.send(row.input) }
            driver.advance(by: row.wait, transportReady: row.transportReady)
            #expect(driver.refused == row.refused, "\(row.name)")
            if row.refused.isEmpty {
                #expect(driver.closed == row.closed, "\(row.name)")
                #expect(!driver.writtenText.contains("408"), "\(row.name)")
            } else {
                #expect(driver.written.count > 0, "\(row.name): the 408 went out")
            }
        }
    }

    @Test func anUnfinishedTLSHandshakeIsClosedWithoutWritingHTTP() {
        var driver = Driver()
        driver.advance(by: 10 * Self.second, transportReady: false)
        #expect(driver.closed)
        #expect(driver.written.isEmpty)
    }

    @Test func aTricklingHeadDoesNotExtendTheHeaderTimeout() {
        var driver = Driver()
        for byte in "GET / HTTP/1.1\r\nHost: x\r\n".utf8 {
            driver.send([byte])
            driver.advance(by: Self.second / 2)
        }
        #expect(driver.refused == [408], "26 bytes half a second apart pass the 10 s header timeout")
    }

    @Test func theFirstByteAfterAnIdlePauseStartsTheHeaderTimeout() {
        var driver = Driver()
        driver.send(Self.gets(1))
        driver.advance(by: 50 * Self.second)
        driver.send("G")
        #expect(driver.machine.timer?.purpose == .header)
        driver.advance(by: 10 * Self.second)
        #expect(driver.refused == [408])
    }

    // MARK: - Closing

    @Test func aRefusalWithUnreadInputLingersOnPlainTCPAndClosesOnTLS() {
        for canLinger in [true, false] {
            var limits = Machine.Limits()
            limits.canLinger = canLinger
            var driver = Driver(limits: limits)
            driver.send("GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n")
            #expect(driver.refused == [400])
            #expect(driver.shutDownWrite == canLinger)
            #expect(driver.closed == !canLinger)
            if canLinger {
                driver.send(String(repeating: "x", count: 100))
                #expect(!driver.closed)
                driver.advance(by: 2 * Self.second)
                #expect(driver.closed, "the linger ends at its timeout")
            }
        }
    }

    @Test func aHalfClosedClientStillGetsItsAnswerThenTheConnectionCloses() {
        var driver = Driver()
        driver.answers = false
        driver.send(Self.gets(1))
        driver.peerCloses()
        #expect(!driver.closed)
        driver.respond(driver.response)
        #expect(driver.writtenText.contains("Connection: close"))
        #expect(driver.closed)
    }

    @Test func shutdownClosesAnIdleConnectionAndFinishesABusyOne() {
        var idle = Driver()
        idle.perform(idle.machine.beginShutdown())
        #expect(idle.closed)

        var busy = Driver()
        busy.answers = false
        busy.send(Self.gets(2))
        busy.perform(busy.machine.beginShutdown())
        #expect(!busy.closed)
        busy.respond(busy.response)
        #expect(busy.writtenText.contains("Connection: close"))
        #expect(busy.dispatched.count == 1, "the pipelined second request is not started")
        #expect(busy.shutDownWrite, "its unread bytes are drained so the answer survives the close")
    }

    // MARK: - Streams

    @Test func aStreamIsRelayedUntilItsBacklogPassesTheBound() {
        var limits = Machine.Limits()
        limits.maxStreamBacklog = 1000
        var driver = Driver(limits: limits)
        driver.answers = false
        driver.reads = false
        driver.send(Self.gets(1))
        let (stream, _) = AsyncStream<[UInt8]>.makeStream()
        driver.respond(HTTPResponse(status: .ok, bodyStream: stream))
        #expect(driver.relayed == 1)
        driver.perform(driver.machine.streamChunk(Array(repeating: 1, count: 500)))
        #expect(!driver.closed)
        driver.perform(driver.machine.streamChunk(Array(repeating: 1, count: 500)))
        #expect(driver.closed)
    }

    @Test func aStreamEndsWithItsLastChunkAndTheConnectionIsKeptAlive() {
        var driver = Driver()
        driver.answers = false
        driver.send(Self.gets(1))
        let (stream, _) = AsyncStream<[UInt8]>.makeStream()
        driver.respond(HTTPResponse(status: .ok, bodyStream: stream))
        driver.perform(driver.machine.streamChunk(Array("hello".utf8)))
        driver.perform(driver.machine.streamEnded(now: driver.now))
        #expect(driver.writtenText.hasSuffix("5\r\nhello\r\n0\r\n\r\n"))
        #expect(driver.machine.isIdle)
        driver.perform(driver.machine.beginShutdown())
        #expect(driver.closed)
    }

    @Test func shutdownCancelsARunningStream() {
        var driver = Driver()
        driver.answers = false
        driver.send(Self.gets(1))
        let (stream, _) = AsyncStream<[UInt8]>.makeStream()
        driver.respond(HTTPResponse(status: .ok, bodyStream: stream))
        driver.perform(driver.machine.beginShutdown())
        #expect(driver.cancelledStreams == 1)
        driver.perform(driver.machine.streamEnded(now: driver.now))
        #expect(driver.closed)
    }
}

extension String {
    /// How many times `needle` occurs.
    fileprivate func components(_ needle: String) -> Int {
        var count = 0
        var rest = self[...]
        while let range = rest.range(of: needle) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}
