import COpenSSL

/// Whether a TLS server asks its clients for a certificate, as Kafka's `ssl.client.auth` says.
public enum TLSClientAuthentication: String, Sendable, Equatable, CaseIterable {
    /// A client without a trusted certificate fails the handshake.
    case required
    /// A client may present a certificate; one it presents must be trusted.
    case requested
    /// No certificate is asked for.
    case none
}

/// An OpenSSL server context built from PEM text, for servers that own their sockets and
/// threads (the simulated Kafka brokers); each accepted socket becomes a `TLSServerSession`.
public final class TLSServerContext: @unchecked Sendable {
    // SSL_CTX is reference counted and safe to share across threads once configured; nothing
    // changes it after init.
    let context: OpaquePointer
    /// The server certificate's subject and alternative names.
    public let certificateIdentity: TLSCertificateIdentity?

    /// - Parameters:
    ///   - certificateChainPEM: the server certificate first, then its intermediates.
    ///   - privateKeyPEM: the server certificate's key, unencrypted (PKCS#8 or traditional).
    ///   - trustedCertificatesPEM: the CAs a client certificate must chain to.
    public init(
        certificateChainPEM: String, privateKeyPEM: String, trustedCertificatesPEM: String = "",
        clientAuthentication: TLSClientAuthentication = .none
    ) throws(HTTPServerError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw .tls("cannot create a TLS context: \(TLSContext.lastError())")
        }
        self.context = context
        _ = http_ssl_ctx_set_server_modes(context)
        // Renegotiation would let a client restart the handshake after its deadline.
        http_ssl_ctx_refuse_renegotiation(context)
        let chain = Self.certificates(in: certificateChainPEM)
        // The context takes references of its own; these are ours to release.
        defer { for certificate in chain { X509_free(certificate) } }
        guard let leaf = chain.first else { throw .tls("the certificate chain holds no PEM certificate") }
        certificateIdentity = TLSCertificateIdentity(leaf)
        guard SSL_CTX_use_certificate(context, leaf) == 1 else {
            throw .tls("cannot use the server certificate: \(TLSContext.lastError())")
        }
        for intermediate in chain.dropFirst() where http_ssl_ctx_add1_chain_cert(context, intermediate) != 1 {
            throw .tls("cannot add an intermediate certificate: \(TLSContext.lastError())")
        }
        guard let key = Self.withBIO(privateKeyPEM, { PEM_read_bio_PrivateKey($0, nil, nil, nil) }) else {
            throw .tls("the private key is not an unencrypted PEM key: \(TLSContext.lastError())")
        }
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_PrivateKey(context, key) == 1, SSL_CTX_check_private_key(context) == 1 else {
            throw .tls("the private key does not match the server certificate: \(TLSContext.lastError())")
        }
        let trusted = Self.certificates(in: trustedCertificatesPEM)
        defer { for certificate in trusted { X509_free(certificate) } }
        if clientAuthentication != .none && trusted.isEmpty {
            throw .tls("client authentication '\(clientAuthentication)' needs trusted CA certificates")
        }
        let store = SSL_CTX_get_cert_store(context)
        for certificate in trusted {
            X509_STORE_add_cert(store, certificate)
            // Named in the CertificateRequest, so a client can pick a matching certificate.
            SSL_CTX_add_client_CA(context, certificate)
        }
        switch clientAuthentication {
        case .required: SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        case .requested: SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        case .none: SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
        // OpenSSL refuses to resume a verified session without an id context.
        let name: [UInt8] = Array("kafka-operator".utf8)
        SSL_CTX_set_session_id_context(context, name, UInt32(name.count))
        ERR_clear_error()
    }

    deinit { SSL_CTX_free(context) }

    /// Every certificate in `pem`, skipping other blocks (a keystore file holds the key too).
    private static func certificates(in pem: String) -> [OpaquePointer] {
        withBIO(pem) { bio in
            var found: [OpaquePointer] = []
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) { found.append(certificate) }
            ERR_clear_error()  // the end of the text reads as "no start line"
            return found
        } ?? []
    }

    private static func withBIO<T>(_ text: String, _ body: (OpaquePointer) -> T?) -> T? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { raw -> T? in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }
}
