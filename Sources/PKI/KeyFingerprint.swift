import Crypto
import X509

/// A CA's identity: the SHA-256 of its subject public key info, in lowercase hex.
///
/// Keyed on the public key rather than the certificate because the key is what verifies a leaf's
/// signature: it names "the CA that signed this" the same way in a Secret, a trust bundle and a
/// persisted rollover status, and it is small enough to persist.
public struct KeyFingerprint: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let hex: String

    public init(hex: String) { self.hex = hex }

    public init(of certificate: Certificate) {
        let digest = SHA256.hash(data: certificate.publicKey.subjectPublicKeyInfoBytes)
        hex = digest.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    public init(from decoder: any Decoder) throws {
        hex = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    public var description: String { hex }

    public static func < (lhs: KeyFingerprint, rhs: KeyFingerprint) -> Bool { lhs.hex < rhs.hex }
}
