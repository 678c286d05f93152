import HTTPServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One client connection of a simulated broker, plain or TLS, with the principal Kafka
/// derives for it. Blocking: used only by the connection's own thread.
enum ClientStream {
    case plain(Int32)
    case tls(TLSServerSession)

    /// The stream over an accepted socket; nil when the TLS handshake failed or timed out.
    static func open(_ fd: Int32, tls: TLSServerContext?, handshakeTimeout: Duration) -> ClientStream? {
        guard let tls else { return .plain(fd) }
        guard let session = try? TLSServerSession.accept(fd: fd, context: tls, timeout: handshakeTimeout)
        else { return nil }
        return .tls(session)
    }

    /// Kafka's principal for the connection.
    var principal: String {
        switch self {
        case .plain: KafkaPrincipal.anonymous
        case .tls(let session): KafkaPrincipal.ssl(subject: session.peerSubject)
        }
    }

    /// Exactly `count` bytes; nil when the client hangs up or fails.
    func read(_ count: Int) -> [UInt8]? {
        switch self {
        case .tls(let session): return session.read(count)
        case .plain(let fd):
            var buffer = [UInt8](repeating: 0, count: count)
            var have = 0
            while have < count {
                let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + have, count - have, 0) }
                if got < 0, errno == EINTR { continue }
                if got <= 0 { return nil }
                have += got
            }
            return buffer
        }
    }

    func write(_ bytes: [UInt8]) -> Bool {
        switch self {
        case .tls(let session): return session.write(bytes)
        case .plain(let fd):
            var sent = 0
            while sent < bytes.count {
                let wrote = bytes.withUnsafeBytes {
                    send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                }
                if wrote < 0, errno == EINTR { continue }
                if wrote <= 0 { return false }
                sent += wrote
            }
            return true
        }
    }

    /// Ends TLS politely; the caller closes the socket.
    func close() {
        if case .tls(let session) = self { session.close() }
    }
}
