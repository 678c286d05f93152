import COpenSSL

/// SHA-1, the only digest JKS uses (for its integrity check and its key protection).
enum SHA1 {
    static let length = 20

    /// The digest of `parts` one after another.
    static func hash(_ parts: ArraySlice<UInt8>...) throws(KeystoreError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw .cryptoUnavailable("a digest context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha1(), nil) == 1 else { throw .cryptoUnavailable("SHA-1") }
        for part in parts {
            let updated = part.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
            guard updated == 1 else { throw .cryptoUnavailable("SHA-1") }
        }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var written: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &written) == 1, written == length else {
            throw .cryptoUnavailable("SHA-1")
        }
        return Array(digest.prefix(length))
    }

    /// Whether two digests are equal, in time that does not depend on where they differ.
    static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
