import COpenSSL

/// PKCS#12 through OpenSSL's `PKCS12_parse`, which checks the MAC with the password and
/// decrypts the bags: the first key, the certificate that matches it, and every other
/// certificate. With a key, the other certificates are taken as its chain (keytool and
/// `openssl pkcs12 -export` put the chain there); without one (a truststore) they are the
/// trusted certificates.
enum PKCS12Reader {
    /// Java refuses PKCS#12 files whose iteration counts exceed this. Here it bounds the MAC's
    /// and every encrypted safe's and key bag's counts added up, checked before OpenSSL spends
    /// them: the bags' counts are the user's too, and a file of many bags could add up to hours.
    static let maximumIterations = 5_000_000

    static func read(_ bytes: [UInt8], password: String) throws(KeystoreError) -> KeystoreContents {
        let previous = LegacyCapableContext.shared.context.map { OSSL_LIB_CTX_set0_default($0) }
        defer {
            if let previous { OSSL_LIB_CTX_set0_default(previous) }
            ERR_clear_error()
        }
        var consumed = 0
        let parsed = bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard let start = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = start
            defer { consumed = cursor.map { $0 - start } ?? 0 }
            return d2i_PKCS12(nil, &cursor, buffer.count)
        }
        guard let p12 = parsed else {
            throw .unreadablePKCS12(reason: "it is not PKCS#12 DER (\(lastError()))")
        }
        defer { PKCS12_free(p12) }
        guard consumed == bytes.count else {
            throw .trailingBytes(offset: consumed, count: bytes.count - consumed)
        }
        var iterations = 0
        var macIterations: UnsafePointer<ASN1_INTEGER>?
        PKCS12_get0_mac(nil, nil, nil, &macIterations, p12)
        if let macIterations {
            let count = ASN1_INTEGER_get(macIterations)
            guard count >= 1 else { throw .unreadablePKCS12(reason: "its MAC iteration count is \(count)") }
            try spend(count, on: "its MAC", total: &iterations)
        }
        try spendOnSafes(of: p12, password: password, total: &iterations)

        var key: OpaquePointer?
        var certificate: OpaquePointer?
        var others: OpaquePointer?
        defer {
            EVP_PKEY_free(key)
            X509_free(certificate)
            keystores_x509_stack_free(others)
        }
        guard PKCS12_parse(p12, password, &key, &certificate, &others) == 1 else {
            let error = ERR_peek_last_error()
            if ERR_GET_LIB(error) == ERR_LIB_PKCS12 && ERR_GET_REASON(error) == PKCS12_R_MAC_VERIFY_FAILURE {
                throw .integrityCheckFailed
            }
            let hint =
                LegacyCapableContext.shared.hasLegacyAlgorithms
                ? "" : " (OpenSSL's legacy provider, for RC2 and 3DES, cannot be loaded here)"
            throw .unreadablePKCS12(reason: lastError() + hint)
        }
        var chain = certificate.map { [$0] } ?? []
        for index in 0..<max(0, keystores_x509_count(others)) {
            if let other = keystores_x509_at(others, index) { chain.append(other) }
        }
        var chainPEM = ""
        for member in chain {
            guard let der = OpenSSLDER.encode(member, { i2d_X509($0, $1) }) else {
                throw .unreadablePKCS12(reason: "a certificate cannot be encoded (\(lastError()))")
            }
            chainPEM += PEM.encode(der, label: "CERTIFICATE")
        }
        guard let key else { return KeystoreContents(trustedCertificatesPEM: chainPEM) }
        guard let info = EVP_PKEY2PKCS8(key) else {
            throw .malformedPrivateKey(
                alias: alias(of: certificate), reason: "OpenSSL cannot write it as PKCS#8")
        }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        guard let der = OpenSSLDER.encode(info, { i2d_PKCS8_PRIV_KEY_INFO($0, $1) }) else {
            throw .malformedPrivateKey(
                alias: alias(of: certificate), reason: "OpenSSL cannot write it as PKCS#8")
        }
        return KeystoreContents(keyEntries: [
            .init(
                alias: alias(of: certificate), privateKeyPEM: PEM.encode(der, label: "PRIVATE KEY"),
                certificateChainPEM: chainPEM)
        ])
    }

    /// Adds the iterations of every encrypted safe and shrouded key bag to `total`, decrypting a
    /// safe (to see the bags in it) only once its own count is added. What cannot be unpacked
    /// is left for `PKCS12_parse` to report.
    private static func spendOnSafes(
        of p12: OpaquePointer, password: String, total: inout Int
    ) throws(KeystoreError) {
        guard let safes = PKCS12_unpack_authsafes(p12) else { return }
        defer { keystores_pkcs7_stack_free(safes) }
        for index in 0..<max(0, keystores_pkcs7_count(safes)) {
            guard let safe = keystores_pkcs7_at(safes, index) else { continue }
            let bags: OpaquePointer?
            if let algorithm = keystores_pkcs7_encryption(safe) {
                try spend(keystores_pbe_iterations(algorithm), on: "an encrypted safe", total: &total)
                bags = PKCS12_unpack_p7encdata(safe, password, -1)
            } else {
                bags = PKCS12_unpack_p7data(safe)
            }
            guard let bags else { continue }
            defer { keystores_safebag_stack_free(bags) }
            try spendOnBags(bags, total: &total)
        }
    }

    private static func spendOnBags(_ bags: OpaquePointer, total: inout Int) throws(KeystoreError) {
        for index in 0..<max(0, keystores_safebag_count(bags)) {
            guard let bag = keystores_safebag_at(bags, index) else { continue }
            switch PKCS12_SAFEBAG_get_nid(bag) {
            case NID_pkcs8ShroudedKeyBag:
                guard let encrypted = PKCS12_SAFEBAG_get0_pkcs8(bag) else { continue }
                var algorithm: UnsafePointer<X509_ALGOR>?
                X509_SIG_get0(encrypted, &algorithm, nil)
                try spend(keystores_pbe_iterations(algorithm), on: "a key bag", total: &total)
            case NID_safeContentsBag:
                // Bounded depth: OpenSSL's DER decoder refuses structures nested over 30 deep.
                if let nested = PKCS12_SAFEBAG_get0_safes(bag) { try spendOnBags(nested, total: &total) }
            default:
                break
            }
        }
    }

    private static func spend(_ iterations: Int, on what: String, total: inout Int) throws(KeystoreError) {
        guard iterations >= 0 else {
            throw .unreadablePKCS12(
                reason: "\(what) uses an algorithm other than PKCS#12 PBE or PBES2 with PBKDF2, "
                    + "or parameters that do not decode")
        }
        // OpenSSL runs a count of 0 once; compared before adding, so no count can overflow.
        let rounds = max(iterations, 1)
        guard rounds <= maximumIterations - total else {
            throw .unreadablePKCS12(
                reason: "its MAC and encrypted bags ask for more than \(maximumIterations) iterations "
                    + "in all (\(what) asks for \(iterations))")
        }
        total += rounds
    }

    /// The certificate's friendlyName, which Java uses as the entry's alias.
    private static func alias(of certificate: OpaquePointer?) -> String {
        var length: Int32 = 0
        guard let certificate, let name = X509_alias_get0(certificate, &length), length > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: name, count: Int(length)), as: UTF8.self)
    }

    private static func lastError() -> String {
        let code = ERR_peek_last_error()
        guard code != 0 else { return "no reason given" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// OpenSSL's default algorithms plus its legacy provider, for the RC2-40 and 3DES bags Java 8
/// and OpenSSL 1.1 wrote into PKCS#12 files. In a library context of its own, made the
/// thread's default only while a file is parsed, so the process's TLS never offers them.
private final class LegacyCapableContext: @unchecked Sendable {
    static let shared = LegacyCapableContext()

    // Set once in init and never changed or freed; an OpenSSL library context may be used from
    // any thread once its providers are loaded.
    let context: OpaquePointer?
    let hasLegacyAlgorithms: Bool

    private init() {
        defer { ERR_clear_error() }
        guard let context = OSSL_LIB_CTX_new() else {
            (self.context, hasLegacyAlgorithms) = (nil, false)
            return
        }
        guard OSSL_PROVIDER_load(context, "default") != nil else {
            OSSL_LIB_CTX_free(context)
            (self.context, hasLegacyAlgorithms) = (nil, false)
            return
        }
        self.context = context
        // Without it, files with modern algorithms still read.
        hasLegacyAlgorithms = OSSL_PROVIDER_load(context, "legacy") != nil
    }
}
