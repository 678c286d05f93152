import COpenSSL

/// An OpenSSL server context loaded from PEM files, shared by a TLS listener's connections.
final class TLSContext: @unchecked Sendable {
    // SSL_CTX is reference counted and safe to share across threads once configured.
    let context: OpaquePointer

    init(files: TLSFiles) throws(HTTPServerError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw .tls("cannot create a TLS context: \(Self.lastError())")
        }
        self.context = context
        _ = http_ssl_ctx_set_server_modes(context)
        guard SSL_CTX_use_certificate_chain_file(context, files.certificatePath) == 1 else {
            throw .tls("cannot load the certificate chain from \(files.certificatePath): \(Self.lastError())")
        }
        guard SSL_CTX_use_PrivateKey_file(context, files.keyPath, SSL_FILETYPE_PEM) == 1 else {
            throw .tls("cannot load the private key from \(files.keyPath): \(Self.lastError())")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw .tls("the private key in \(files.keyPath) does not match the certificate")
        }
    }

    deinit { SSL_CTX_free(context) }

    static func lastError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "unknown OpenSSL error" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        ERR_clear_error()
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// TLS on a non-blocking socket; the handshake happens inside the first reads and writes.
final class TLSTransport: Transport {
    private let ssl: OpaquePointer
    private(set) var readWaitsForWritable = false
    private(set) var writeWaitsForReadable = false

    /// - Parameter context: an `SSL_CTX`, which the transport's `SSL` holds a reference to.
    init?(fd: Int32, context: OpaquePointer) {
        guard let ssl = SSL_new(context) else { return nil }
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        SSL_set_accept_state(ssl)
    }

    deinit { SSL_free(ssl) }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult {
        let count = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        return result(count, reading: true)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult {
        guard !bytes.isEmpty else { return .bytes(0) }
        let count = SSL_write(ssl, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
        return result(count, reading: false)
    }

    var isEstablished: Bool { SSL_is_init_finished(ssl) == 1 }
    var hasBufferedInput: Bool { SSL_pending(ssl) > 0 }

    private func result(_ count: Int32, reading: Bool) -> TransportResult {
        if reading { readWaitsForWritable = false } else { writeWaitsForReadable = false }
        if count > 0 { return .bytes(Int(count)) }
        let error = SSL_get_error(ssl, count)
        ERR_clear_error()
        switch error {
        case SSL_ERROR_WANT_READ:
            if !reading { writeWaitsForReadable = true }
            return .wouldBlock
        case SSL_ERROR_WANT_WRITE:
            if reading { readWaitsForWritable = true }
            return .wouldBlock
        case SSL_ERROR_ZERO_RETURN: return reading ? .endOfStream : .failed
        case SSL_ERROR_SYSCALL where count == 0 && reading: return .endOfStream
        default: return .failed
        }
    }

    func close() {
        // A best-effort close_notify; the socket is closed right after, whatever this returns.
        SSL_shutdown(ssl)
    }
}
