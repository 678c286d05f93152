#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP connection to a loopback port: held open while the process idles, as a
/// client connected to every broker does, and used for plain HTTP/1.1 requests to the
/// simulated Cruise Control.
final class LoopbackSocket {
    let fd: Int32

    init(port: UInt16, timeoutSeconds: Int = 30) throws(BenchmarkError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .setupFailed(step: "creating a socket", reason: "errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let code = errno
            close(fd)
            throw .setupFailed(step: "connecting to 127.0.0.1:\(port)", reason: "errno \(code)")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Sends `GET target` with `Connection: close` and reads the answer to its end; returns the
    /// status code and the body's size.
    static func get(port: UInt16, _ target: String) throws(BenchmarkError) -> (status: Int, bytes: Int) {
        let socket = try LoopbackSocket(port: port)
        let request = Array(
            "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let wrote = request.withUnsafeBytes {
                send(socket.fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL))
            }
            guard wrote > 0 else {
                throw .requestFailed(what: "GET \(target)", reason: "send: errno \(errno)")
            }
            sent += wrote
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let got = chunk.withUnsafeMutableBytes { recv(socket.fd, $0.baseAddress, 65_536, 0) }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else {
                throw .requestFailed(what: "GET \(target)", reason: "recv: errno \(errno)")
            }
            if got == 0 { break }
            answer.append(contentsOf: chunk[0..<got])
        }
        let head = answer.prefix(200)
        let statusLine = String(decoding: head.prefix { $0 != 13 }, as: UTF8.self)
        guard statusLine.hasPrefix("HTTP/1.1 "), let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw .requestFailed(what: "GET \(target)", reason: "not an HTTP answer: \(statusLine)")
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        let bodyStart =
            (0..<max(0, answer.count - 3)).first { answer[$0..<$0 + 4].elementsEqual(separator) }.map {
                $0 + 4
            }
            ?? answer.count
        return (status, answer.count - bodyStart)
    }
}
