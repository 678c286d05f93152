#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One request to local mode's simulator control endpoint (`http://host:port`): a plain
/// HTTP/1.1 exchange on a connection of its own, with a deadline on every socket operation.
struct SimulatorControlClient {
    let host: String
    let port: UInt16
    static let timeoutSeconds = 10
    static let maximumAnswerBytes = 4 << 20

    /// Reads `http://host:port` (or `host:port`); nil when it is neither.
    init?(url: String) {
        var rest = Substring(url)
        if rest.hasPrefix("http://") { rest = rest.dropFirst("http://".count) }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]),
            port > 0, colon > rest.startIndex, !rest[..<colon].contains("/")
        else { return nil }
        host = String(rest[..<colon])
        self.port = port
    }

    var url: String { "http://\(host):\(port)" }

    struct Answer {
        var status: Int
        var body: [UInt8]
    }

    func send(_ method: String, _ path: String, body: [UInt8] = []) throws(SimulatorControlClientError)
        -> Answer
    {
        let fd = try connect()
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        if !body.isEmpty || method == "PUT" {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        try write(fd, Array((head + "\r\n").utf8) + body)
        return try Self.parse(read(fd))
    }

    private func connect() throws(SimulatorControlClientError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw .unreachable(url, "cannot resolve \(host)")
        }
        defer { freeaddrinfo(results) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, 0)
        guard fd >= 0 else { throw .unreachable(url, String(cString: strerror(errno))) }
        // On Linux the send timeout bounds connect too.
        var timeout = timeval(tv_sec: Self.timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .unreachable(url, reason)
        }
        return fd
    }

    private func write(_ fd: Int32, _ bytes: [UInt8]) throws(SimulatorControlClientError) {
        var sent = 0
        while sent < bytes.count {
            let wrote = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if wrote < 0, errno == EINTR { continue }
            guard wrote > 0 else { throw .unreachable(url, String(cString: strerror(errno))) }
            sent += wrote
        }
    }

    private func read(_ fd: Int32) throws(SimulatorControlClientError) -> [UInt8] {
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if got < 0, errno == EINTR { continue }
            if got < 0 { throw .unreachable(url, "no answer: \(String(cString: strerror(errno)))") }
            if got == 0 { return answer }
            answer += buffer[..<got]
            guard answer.count <= Self.maximumAnswerBytes else { throw .malformedAnswer("answer too large") }
        }
    }

    /// Status and body of a response read to its end (the connection was asked to close).
    static func parse(_ bytes: [UInt8]) throws(SimulatorControlClientError) -> Answer {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
            throw .malformedAnswer("no end of headers")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\r\n")
        let statusLine = head.first?.split(separator: " ") ?? []
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1])
        else {
            throw .malformedAnswer("no status line")
        }
        var body = Array(bytes[(end + separator.count)...])
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length",
                let length = Int(parts[1].drop { $0 == " " }), length <= body.count
            {
                body = Array(body.prefix(length))
            }
        }
        return Answer(status: status, body: body)
    }
}

/// Why the simulator control endpoint could not be asked.
enum SimulatorControlClientError: Error, CustomStringConvertible {
    case unreachable(String, String)
    case malformedAnswer(String)

    var description: String {
        switch self {
        case .unreachable(let url, let reason):
            "cannot reach the simulator control endpoint at \(url) (\(reason)); is `kafka-operator serve` running in local mode?"
        case .malformedAnswer(let reason):
            "the simulator control endpoint answered something else than HTTP: \(reason)"
        }
    }
}
