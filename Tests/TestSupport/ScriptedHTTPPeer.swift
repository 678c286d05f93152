import Foundation

/// An HTTP/1.1 server on loopback that answers each request with the next reply of a script
/// (or from a handler) and records what it received: for testing HTTP clients against exact
/// answers, including the awkward ones (no answer at all, a closed connection, a body that
/// trickles in chunks, a stream that stays open).
///
/// Each connection gets its own thread with blocking sockets; connections are kept alive
/// between requests, so a test can see whether a client reuses them.
public final class ScriptedHTTPPeer: @unchecked Sendable {
    /// One request as it arrived.
    public struct Request: Sendable {
        public var method: String
        /// The request target: path and query, still escaped.
        public var target: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        /// Which accepted connection carried it, counting from 0.
        public var connection: Int

        public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
        public var query: String? {
            let parts = target.split(separator: "?", maxSplits: 1)
            return parts.count == 2 ? String(parts[1]) : nil
        }
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// What to do with one request.
    public enum Reply: Sendable {
        /// A complete answer with `Content-Length`.
        case respond(status: Int, headers: [(String, String)], body: [UInt8])
        /// A chunked answer sent step by step.
        case stream(status: Int, headers: [(String, String)], steps: [StreamStep])
        /// Never answer; keep the connection until the client closes it.
        case hang
        /// Close the connection without answering.
        case close

        /// A JSON answer.
        public static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> Reply {
            .respond(
                status: status, headers: [("Content-Type", "application/json")] + headers,
                body: Array(body.utf8))
        }
    }

    public enum StreamStep: Sendable {
        /// One chunk.
        case send(String)
        case pause(Duration)
        /// Waits until the test opens the gate.
        case wait(Gate)
        /// Sends no end of the body; waits until the client closes the connection.
        case holdOpen
    }

    /// A one-shot signal from the test to a stream.
    public final class Gate: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        public init() {}
        public func open() { semaphore.signal() }
        func wait() { _ = semaphore.wait(timeout: .now() + 30) }
    }

    public let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    // Guarded by `lock`.
    private var script: [Reply]
    private let handler: (@Sendable (Request) -> Reply)?
    private var recorded: [Request] = []
    private var accepted = 0
    private var closedByClient = 0
    private var openDescriptors: Set<Int32> = []
    private var stopped = false

    /// Answers requests with `replies` in order; once they run out, with 500.
    public convenience init(replies: [Reply]) throws {
        try self.init(script: replies, handler: nil)
    }

    /// Answers every request with what `handler` returns.
    public convenience init(handler: @escaping @Sendable (Request) -> Reply) throws {
        try self.init(script: [], handler: handler)
    }

    private init(script: [Reply], handler: (@Sendable (Request) -> Reply)?) throws {
        self.script = script
        self.handler = handler
        guard let (fd, boundPort) = boundLoopbackSocket(listeningWith: 64) else {
            throw RawSocket.Failure.connect("bind: \(String(cString: strerror(errno)))")
        }
        listener = fd
        port = boundPort
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }

    public var requests: [Request] { lock.withLock { recorded } }
    public var connectionsAccepted: Int { lock.withLock { accepted } }
    /// Connections the client closed (end of stream or reset seen by the peer).
    public var connectionsClosedByClient: Int { lock.withLock { closedByClient } }

    /// Stops accepting and closes every connection.
    public func stop() {
        // A second stop (an explicit one, then deinit's) must not touch the descriptors: by then
        // their numbers may belong to another test's sockets.
        let descriptors: Set<Int32>? = lock.withLock {
            guard !stopped else { return nil }
            stopped = true
            return openDescriptors
        }
        guard let descriptors else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in descriptors { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                break
            }
            let index: Int? = lock.withLock {
                if stopped { return nil }
                openDescriptors.insert(fd)
                accepted += 1
                return accepted - 1
            }
            guard let index else {
                close(fd)
                break
            }
            let thread = Thread { [self] in serve(fd, connection: index) }
            thread.start()
        }
        close(listener)
    }

    private func serve(_ fd: Int32, connection: Int) {
        var buffer: [UInt8] = []
        defer {
            lock.withLock { _ = openDescriptors.remove(fd) }
            close(fd)
        }
        while true {
            guard let request = readRequest(fd, &buffer, connection: connection) else {
                clientClosed()
                return
            }
            let reply: Reply = lock.withLock {
                recorded.append(request)
                if let handler { return handler(request) }
                return script.isEmpty
                    ? .json(500, #"{"kind":"Status","code":500,"message":"script ran out"}"#)
                    : script.removeFirst()
            }
            switch reply {
            case .respond(let status, let headers, let body):
                var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Length: \(body.count)\r\n"
                for (name, value) in headers { head += "\(name): \(value)\r\n" }
                guard write(fd, Array((head + "\r\n").utf8) + body) else { return }
            case .stream(let status, let headers, let steps):
                var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nTransfer-Encoding: chunked\r\n"
                for (name, value) in headers { head += "\(name): \(value)\r\n" }
                guard write(fd, Array((head + "\r\n").utf8)) else { return }
                var holdOpen = false
                for step in steps {
                    switch step {
                    case .send(let text):
                        let bytes = Array(text.utf8)
                        guard
                            write(
                                fd, Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + [13, 10])
                        else { return }
                    case .pause(let duration): Thread.sleep(forTimeInterval: Self.seconds(duration))
                    case .wait(let gate): gate.wait()
                    case .holdOpen: holdOpen = true
                    }
                }
                if holdOpen {
                    waitForClientClose(fd)
                    return
                }
                guard write(fd, Array("0\r\n\r\n".utf8)) else { return }
            case .hang:
                waitForClientClose(fd)
                return
            case .close:
                return
            }
        }
    }

    private func clientClosed() {
        lock.withLock { closedByClient += 1 }
    }

    private func waitForClientClose(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            break
        }
        let wasStopped = lock.withLock { stopped }
        if !wasStopped { clientClosed() }
    }

    private func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// Reads one request (head and `Content-Length` body); nil at end of stream.
    private func readRequest(_ fd: Int32, _ buffer: inout [UInt8], connection: Int) -> Request? {
        var headEnd: Int?
        while true {
            headEnd = RawSocket.find([13, 10, 13, 10], in: buffer)
            if headEnd != nil { break }
            guard fill(fd, &buffer) else { return nil }
        }
        guard let headEnd else { return nil }
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (
                    String(line[..<colon]),
                    line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                ))
        }
        let length =
            headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        while buffer.count < length {
            guard fill(fd, &buffer) else { return nil }
        }
        let body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        return Request(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body,
            connection: connection)
    }

    private func fill(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer += chunk[0..<count]
                return true
            }
            if count < 0 && errno == EINTR { continue }
            return false
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
