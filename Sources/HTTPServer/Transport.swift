#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The outcome of one non-blocking read or write on a connection.
enum TransportResult: Equatable {
    case bytes(Int)
    case wouldBlock
    /// The peer closed its side (reads only).
    case endOfStream
    case failed
}

/// A connection's byte stream: plain TCP or TLS over it. Used only from the connection's queue.
protocol Transport: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult
    func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult
    /// Whether the last read that would block waits for the socket to become writable (a TLS
    /// renegotiation or handshake step), not readable.
    var readWaitsForWritable: Bool { get }
    /// Whether the last write that would block waits for the socket to become readable (a TLS
    /// handshake not finished yet), not writable: watching for writability then would spin.
    var writeWaitsForReadable: Bool { get }
    /// Whether the transport can carry HTTP yet (a TLS handshake has completed).
    var isEstablished: Bool { get }
    /// Whether input is buffered above the socket (decrypted TLS bytes): epoll cannot see it.
    var hasBufferedInput: Bool { get }
    func close()
}

/// Plain TCP on a non-blocking socket.
final class PlainTransport: Transport {
    let fd: Int32

    init(fd: Int32) {
        self.fd = fd
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult {
        let count = recv(fd, buffer.baseAddress, buffer.count, 0)
        if count > 0 { return .bytes(count) }
        if count == 0 { return .endOfStream }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? .wouldBlock : .failed
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult {
        let count = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        if count >= 0 { return .bytes(count) }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? .wouldBlock : .failed
    }

    var readWaitsForWritable: Bool { false }
    var writeWaitsForReadable: Bool { false }
    var isEstablished: Bool { true }
    var hasBufferedInput: Bool { false }

    func close() {}
}
