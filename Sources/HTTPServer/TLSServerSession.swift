import COpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The server side of TLS on one accepted socket, for a thread that serves that connection
/// alone: every step waits in poll(), so a silent peer costs no CPU. The caller keeps owning
/// the socket and closes it after `close()`. OpenSSL writes with write(2), which raises
/// SIGPIPE towards a peer that has gone; `accept` blocks SIGPIPE on the calling thread so that
/// such a write fails instead of ending the process.
public final class TLSServerSession {
    private let ssl: OpaquePointer
    private let fd: Int32
    /// The client certificate's subject in RFC 2253 form (`CN=alice,O=Example`), nil when the
    /// client presented none.
    public let peerSubject: String?

    /// Runs the server handshake on `fd`; a peer that has not finished it within `timeout`
    /// (silent, or stalling halfway) is refused, as is one that sends anything but TLS.
    public static func accept(fd: Int32, context: TLSServerContext, timeout: Duration)
        throws(TLSSessionError) -> TLSServerSession
    {
        let deadline = ContinuousClock.now + timeout
        var pipe = sigset_t()
        sigemptyset(&pipe)
        sigaddset(&pipe, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipe, nil)
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else { throw .socket(errno) }
        guard let ssl = SSL_new(context.context) else { throw .handshakeFailed(TLSContext.lastError()) }
        guard SSL_set_fd(ssl, fd) == 1 else {
            SSL_free(ssl)
            throw .handshakeFailed(TLSContext.lastError())
        }
        while true {
            // The error queue is per thread; a stale entry would misreport this session.
            ERR_clear_error()
            let result = SSL_accept(ssl)
            if result == 1 { break }
            let wait: Int16
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ: wait = Int16(POLLIN)
            case SSL_ERROR_WANT_WRITE: wait = Int16(POLLOUT)
            default:
                let reason = Self.failure(ssl)
                SSL_free(ssl)
                throw .handshakeFailed(reason)
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, Self.poll(fd, wait, within: remaining) else {
                SSL_free(ssl)
                throw .handshakeTimedOut
            }
        }
        return TLSServerSession(ssl: ssl, fd: fd, peerSubject: Self.subject(ssl))
    }

    private init(ssl: OpaquePointer, fd: Int32, peerSubject: String?) {
        self.ssl = ssl
        self.fd = fd
        self.peerSubject = peerSubject
    }

    deinit { SSL_free(ssl) }

    /// Exactly `count` bytes, waiting as long as the peer takes; nil when it closes or fails.
    public func read(_ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var have = 0
        while have < count {
            var got = 0
            ERR_clear_error()
            let result = buffer.withUnsafeMutableBytes {
                SSL_read_ex(ssl, $0.baseAddress! + have, count - have, &got)
            }
            if result == 1 {
                have += got
            } else if !waitAfter(result) {
                return nil
            }
        }
        return buffer
    }

    /// Writes all of `bytes`; false when the peer has gone.
    public func write(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            var wrote = 0
            ERR_clear_error()
            let result = bytes.withUnsafeBytes {
                SSL_write_ex(ssl, $0.baseAddress! + sent, bytes.count - sent, &wrote)
            }
            if result == 1 {
                sent += wrote
            } else if !waitAfter(result) {
                return false
            }
        }
        return true
    }

    /// Sends close_notify, best effort: the caller closes the socket right after.
    public func close() {
        ERR_clear_error()
        SSL_shutdown(ssl)
    }

    /// Waits until the socket can make progress on what the last call wanted; false when the
    /// session is over (closed by the peer, failed, or the socket shut down under it).
    private func waitAfter(_ result: Int32) -> Bool {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: Self.poll(fd, Int16(POLLIN), within: nil)
        case SSL_ERROR_WANT_WRITE: Self.poll(fd, Int16(POLLOUT), within: nil)
        default: false
        }
    }

    /// Whether `fd` became ready for `events` (or reported hang-up or an error, which the next
    /// OpenSSL call turns into a failure) before `within` passed; nil waits without end.
    private static func poll(_ fd: Int32, _ events: Int16, within: Duration?) -> Bool {
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        let milliseconds = within.map { duration -> Int32 in
            let (seconds, attoseconds) = duration.components
            return Int32(
                clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        }
        while true {
            let ready = Glibc.poll(&descriptor, 1, milliseconds ?? -1)
            if ready < 0, errno == EINTR { continue }
            return ready > 0
        }
    }

    private static func failure(_ ssl: OpaquePointer) -> String {
        let verify = SSL_get_verify_result(ssl)
        if verify != X509_V_OK { return String(cString: X509_verify_cert_error_string(verify)) }
        let queued = ERR_peek_error()
        return queued == 0 ? "the peer closed the connection or sent no TLS" : TLSContext.lastError()
    }

    private static func subject(_ ssl: OpaquePointer) -> String? {
        guard let certificate = SSL_get0_peer_certificate(ssl) else { return nil }
        return TLSCertificateIdentity.text(certificate, http_x509_subject_rfc2253)
    }
}

/// Why a TLS session could not be established.
public enum TLSSessionError: Error, Equatable, Sendable, CustomStringConvertible {
    case socket(Int32)
    /// The peer did not finish the handshake in time.
    case handshakeTimedOut
    /// The peer sent something other than an acceptable handshake: not TLS, an untrusted or
    /// missing client certificate, no shared cipher.
    case handshakeFailed(String)

    public var description: String {
        switch self {
        case .socket(let code): "could not prepare the socket for TLS (errno \(code))"
        case .handshakeTimedOut: "the client did not complete the TLS handshake in time"
        case .handshakeFailed(let reason): "TLS handshake failed: \(reason)"
        }
    }
}
