import COpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// TLS (OpenSSL) over a connected non-blocking socket; every handshake, read and write step
/// waits with poll() until the deadline.
final class TLSStream: ByteStream {
    private let socket: SocketStream
    private let context: OpaquePointer
    private let connection: OpaquePointer

    var address: BrokerAddress { socket.address }

    private init(socket: SocketStream, context: OpaquePointer, connection: OpaquePointer) {
        self.socket = socket
        self.context = context
        self.connection = connection
    }

    deinit {
        SSL_free(connection)
        SSL_CTX_free(context)
        socket.close()
    }

    /// Runs the client handshake on `socket`, verifying the broker's certificate.
    static func handshake(over socket: SocketStream, options: KafkaTLSOptions, deadline: Deadline) throws
        -> TLSStream
    {
        let address = socket.address
        func failure(_ step: String) -> KafkaAdminError {
            .tlsFailed(broker: address, reason: "\(step): \(Self.drainErrors())")
        }
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw failure("creating a context") }
        guard kafka_ssl_ctx_set_min_tls12(context) == 1 else {
            SSL_CTX_free(context)
            throw failure("requiring TLS 1.2")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let trusted: Int32
        if let caPEM = options.caPEM {
            trusted = Self.withText(caPEM) { kafka_ssl_ctx_trust_pem(context, $0, $1) > 0 ? 1 : 0 }
        } else if let caFile = options.caFile {
            trusted = SSL_CTX_load_verify_locations(context, caFile, nil)
        } else {
            trusted = SSL_CTX_set_default_verify_paths(context)
        }
        guard trusted == 1 else {
            SSL_CTX_free(context)
            throw failure("loading trusted certificates")
        }
        let identity: Int32?
        if let certificate = options.certificatePEM, let key = options.privateKeyPEM {
            identity =
                Self.withText(certificate) { kafka_ssl_ctx_use_chain_pem(context, $0, $1) } == 1
                    && Self.withText(key) { kafka_ssl_ctx_use_key_pem(context, $0, $1) } == 1 ? 1 : 0
        } else if let certificate = options.certificateFile, let key = options.privateKeyFile {
            identity =
                SSL_CTX_use_certificate_chain_file(context, certificate) == 1
                    && SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 ? 1 : 0
        } else {
            identity = nil
        }
        if identity == 0 {
            SSL_CTX_free(context)
            throw failure("loading the client certificate")
        }
        guard let connection = SSL_new(context) else {
            SSL_CTX_free(context)
            throw failure("creating a session")
        }
        let stream = TLSStream(socket: socket, context: context, connection: connection)
        // SNI carries host names only (RFC 6066), never IP literals.
        let isIPLiteral = address.host.contains(":") || address.host.allSatisfy { $0.isNumber || $0 == "." }
        if !isIPLiteral { _ = kafka_ssl_set_sni_host(connection, address.host) }
        if options.verifyHostname { _ = SSL_set1_host(connection, address.host) }
        guard SSL_set_fd(connection, socket.descriptor) == 1 else { throw failure("attaching the socket") }
        while true {
            // OpenSSL's error queue is per thread and Dispatch threads are shared, so a stale
            // entry left by another connection would make SSL_get_error misreport this one.
            ERR_clear_error()
            let result = SSL_connect(connection)
            if result == 1 { return stream }
            try stream.waitAfter(result: result, deadline: deadline, operation: "TLS handshake") {
                let verify = SSL_get_verify_result(connection)
                let queued = Self.drainErrors()
                let detail =
                    verify == X509_V_OK ? queued : String(cString: X509_verify_cert_error_string(verify))
                return KafkaAdminError.tlsFailed(broker: address, reason: "handshake: \(detail)")
            }
        }
    }

    func write(_ bytes: [UInt8], deadline: Deadline, operation: String) throws {
        var sent = 0
        while sent < bytes.count {
            var written = 0
            ERR_clear_error()
            // `sent < bytes.count` here, so the buffer is non-empty and has a base address.
            let result = bytes.withUnsafeBytes { buffer in
                SSL_write_ex(connection, buffer.baseAddress! + sent, bytes.count - sent, &written)
            }
            if result == 1 {
                sent += written
                continue
            }
            try waitAfter(result: result, deadline: deadline, operation: operation) {
                KafkaAdminError.ioFailed(broker: address, reason: "TLS write: \(Self.drainErrors())")
            }
        }
    }

    func readSome(maximum: Int, deadline: Deadline, operation: String) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            var count = 0
            ERR_clear_error()
            let result = buffer.withUnsafeMutableBytes {
                SSL_read_ex(connection, $0.baseAddress, maximum, &count)
            }
            if result == 1 { return Array(buffer[0..<count]) }
            try waitAfter(result: result, deadline: deadline, operation: operation) {
                KafkaAdminError.ioFailed(broker: address, reason: "TLS read: \(Self.drainErrors())")
            }
        }
    }

    func close() {
        _ = SSL_shutdown(connection)
        socket.close()
    }

    /// Waits for the socket readiness OpenSSL asked for, or throws for a closed or failed session.
    private func waitAfter(
        result: Int32, deadline: Deadline, operation: String, failure: () -> KafkaAdminError
    ) throws {
        switch SSL_get_error(connection, result) {
        case SSL_ERROR_WANT_READ:
            try socket.wait(for: Int16(POLLIN), deadline: deadline, operation: operation)
        case SSL_ERROR_WANT_WRITE:
            try socket.wait(for: Int16(POLLOUT), deadline: deadline, operation: operation)
        case SSL_ERROR_ZERO_RETURN:
            throw KafkaAdminError.connectionClosed(broker: address)
        case SSL_ERROR_SYSCALL where ERR_peek_error() == 0:
            throw KafkaAdminError.connectionClosed(broker: address)
        default:
            throw failure()
        }
    }

    /// Runs `body` with `text`'s UTF-8 bytes and their count, as the PEM helpers take them;
    /// empty text (an emptied Secret key) holds nothing to load and answers 0, a failure.
    private static func withText(_ text: String, _ body: (UnsafePointer<CChar>, Int32) -> Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                guard let start = characters.baseAddress, !characters.isEmpty else { return 0 }
                return body(start, Int32(clamping: characters.count))
            }
        }
    }

    private static func drainErrors() -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(
                String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no OpenSSL detail" : messages.joined(separator: "; ")
    }
}
