import COpenSSL

/// The hash functions SCRAM uses, computed with OpenSSL. SHA-1 exists only so the RFC 5802
/// test vectors can be checked; Kafka offers SHA-256 and SHA-512.
public enum SCRAMHash: Sendable {
    case sha1
    case sha256
    case sha512

    private var digest: OpaquePointer? {
        switch self {
        case .sha1: return EVP_sha1()
        case .sha256: return EVP_sha256()
        case .sha512: return EVP_sha512()
        }
    }

    var outputSize: Int {
        switch self {
        case .sha1: return 20
        case .sha256: return 32
        case .sha512: return 64
        }
    }

    func hash(_ data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = EVP_Digest(data, data.count, &output, &length, digest, nil)
        return Array(output.prefix(Int(length)))
    }

    func hmac(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = HMAC(digest, key, Int32(key.count), data, data.count, &output, &length)
        return Array(output.prefix(Int(length)))
    }

    /// PBKDF2 with this hash's HMAC ("Hi" in RFC 5802).
    func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int32) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: outputSize)
        let passwordChars = password.map { CChar(bitPattern: $0) }
        _ = PKCS5_PBKDF2_HMAC(
            passwordChars, Int32(passwordChars.count), salt, Int32(salt.count), iterations, digest,
            Int32(outputSize), &output)
        return output
    }
}
