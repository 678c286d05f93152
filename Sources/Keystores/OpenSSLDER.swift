import COpenSSL

/// OpenSSL's own reading of a certificate or key, so nothing passes as PEM that OpenSSL would
/// refuse to load later, where the error would no longer name the keystore entry.
enum OpenSSLDER {
    /// Whether `der` is exactly one X.509 certificate.
    static func isX509Certificate(_ der: ArraySlice<UInt8>) -> Bool {
        defer { ERR_clear_error() }
        return der.withUnsafeBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return false }
            var cursor: UnsafePointer<UInt8>? = start
            guard let certificate = d2i_X509(nil, &cursor, buffer.count) else { return false }
            X509_free(certificate)
            return cursor == start + buffer.count
        }
    }

    /// Whether `der` is exactly one PKCS#8 `PrivateKeyInfo` that OpenSSL turns into a key.
    static func isPKCS8PrivateKey(_ der: ArraySlice<UInt8>) -> Bool {
        defer { ERR_clear_error() }
        return der.withUnsafeBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return false }
            var cursor: UnsafePointer<UInt8>? = start
            guard let info = d2i_PKCS8_PRIV_KEY_INFO(nil, &cursor, buffer.count) else { return false }
            defer { PKCS8_PRIV_KEY_INFO_free(info) }
            guard cursor == start + buffer.count, let key = EVP_PKCS82PKEY(info) else { return false }
            EVP_PKEY_free(key)
            return true
        }
    }

    /// The DER OpenSSL writes for `object` through `encode` (an `i2d_` function).
    static func encode(
        _ object: OpaquePointer,
        _ encode: (OpaquePointer, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32
    ) -> [UInt8]? {
        let length = encode(object, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return encode(object, &cursor)
        }
        return written == length ? der : nil
    }
}
