import Foundation

/// A blocking TCP client socket for tests that must send exactly the bytes they choose:
/// malformed requests, partial heads, pipelined bursts, half-closes.
public final class RawSocket {
    public let fd: Int32

    public enum Failure: Error, CustomStringConvertible {
        case connect(String)
        case timedOut
        case closed
        case malformedResponse(String)

        public var description: String {
            switch self {
            case .connect(let reason): return "connect failed: \(reason)"
            case .timedOut: return "timed out waiting for the server"
            case .closed: return "the server closed the connection"
            case .malformedResponse(let text): return "malformed response: \(text.prefix(200))"
            }
        }
    }

    /// Connects to `host` (IPv4 or IPv6 literal) and `port`, with `timeout` for every later read.
    public init(host: String = "127.0.0.1", port: UInt16, timeout: Duration = .seconds(10)) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let address = results else {
            throw Failure.connect("cannot resolve \(host)")
        }
        defer { freeaddrinfo(results) }
        fd = socket(address.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.connect(String(cString: strerror(errno))) }
        var interval = timeval(
            tv_sec: Int(timeout.components.seconds),
            tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            // No close here: the object is whole, so `deinit` closes the socket. Closing it twice
            // would close whatever another thread opened under the same number meanwhile.
            throw Failure.connect(String(cString: strerror(errno)))
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw Failure.closed }
            offset += written
        }
    }

    /// Closes our sending side; the server sees end of stream but can still answer.
    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    private var pending: [UInt8] = []

    /// Reads more bytes into the pending buffer; false at end of stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            pending.append(contentsOf: chunk[0..<count])
            return true
        }
        if count == 0 { return false }
        if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure.timedOut }
        return false  // ECONNRESET and the like: the stream is over
    }

    /// Reads one response: status, headers, and a body framed by Content-Length (or, for
    /// responses that close, everything until end of stream). `headRequest` skips the body.
    public func readResponse(headRequest: Bool = false) throws -> RawResponse {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find([13, 10, 13, 10], in: pending).map { $0 + 4 }
            if headEnd == nil, try !fill() {
                throw pending.isEmpty
                    ? Failure.closed : Failure.malformedResponse(String(decoding: pending, as: UTF8.self))
            }
        }
        let head = String(decoding: pending[0..<headEnd!], as: UTF8.self)
        pending.removeFirst(headEnd!)
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw Failure.malformedResponse(statusLine)
        }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw Failure.malformedResponse(line) }
            headers.append(
                (
                    String(line[..<colon]),
                    line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                ))
        }
        var response = RawResponse(status: status, statusLine: statusLine, headers: headers, body: [])
        if status == 100 || headRequest || status == 204 { return response }
        if let length = response.header("Content-Length").flatMap(Int.init) {
            while pending.count < length { if try !fill() { throw Failure.closed } }
            response.body = Array(pending[0..<length])
            pending.removeFirst(length)
        } else {
            while try fill() {}
            response.body = pending
            pending = []
        }
        return response
    }

    /// Reads until `marker` has arrived and returns everything up to and including it; what
    /// follows stays buffered for the next read. For streamed bodies, which have no length.
    public func readUntil(_ marker: String) throws -> String {
        let needle = Array(marker.utf8)
        while true {
            if let start = Self.find(needle, in: pending) {
                let end = start + needle.count
                let text = String(decoding: pending[0..<end], as: UTF8.self)
                pending.removeFirst(end)
                return text
            }
            if try !fill() { throw Failure.closed }
        }
    }

    /// Whether the server closes the connection (end of stream or reset) before the read timeout.
    public func waitForClose() -> Bool {
        while true {
            do {
                if try !fill() { return true }
            } catch {
                return false
            }
        }
    }

    /// Whether bytes (or end of stream) are ready to read right now, without blocking.
    public var hasDataReady: Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return !pending.isEmpty || poll(&descriptor, 1, 0) > 0
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

public struct RawResponse {
    public var status: Int
    public var statusLine: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}
