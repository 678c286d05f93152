/// Why a keystore could not be read. Every case is terminal: the same bytes and password fail
/// the same way again, so the fix is a different Secret or password.
public enum KeystoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file holds no bytes.
    case empty
    /// The file is larger than any keystore this reader accepts.
    case tooLarge(size: Int, limit: Int)
    /// JCEKS, the JCE provider's variant of JKS, whose key protection is not supported.
    case jceksNotSupported
    /// The first bytes are neither JKS, JCEKS nor a DER SEQUENCE (PKCS#12).
    case unknownFormat(firstBytes: [UInt8])
    /// A JKS version other than 1 or 2.
    case unsupportedVersion(UInt32)
    /// A field at `offset` needs `needed` bytes where only `available` are left.
    case truncated(offset: Int, needed: Int, available: Int)
    /// An entry tag other than 1 (private key) or 2 (trusted certificate).
    case unknownEntryTag(UInt32, offset: Int)
    /// An alias or certificate type that is not valid (modified) UTF-8.
    case malformedText(offset: Int)
    /// A certificate type other than X.509.
    case unsupportedCertificateType(String, alias: String)
    /// Bytes after the JKS integrity digest.
    case trailingBytes(offset: Int, count: Int)
    /// The keystore's digest or MAC does not match: the password is wrong or the file was changed.
    case integrityCheckFailed
    /// A JKS private key protected by an algorithm other than Sun's key protector.
    case unsupportedKeyProtection(algorithm: String, alias: String)
    /// A JKS private key whose check digest does not match after decryption: the key was stored
    /// under another password than the keystore's, or it was changed.
    case keyCheckFailed(alias: String)
    /// A private key whose DER is not what its format requires.
    case malformedPrivateKey(alias: String, reason: String)
    /// A certificate that is not an X.509 DER certificate.
    case malformedCertificate(alias: String)
    /// OpenSSL could not read the PKCS#12 file (its reason, as OpenSSL says it).
    case unreadablePKCS12(reason: String)
    /// A primitive this reader needs (SHA-1) is not available in this OpenSSL.
    case cryptoUnavailable(String)

    public var description: String {
        switch self {
        case .empty:
            return "the keystore is empty"
        case .tooLarge(let size, let limit):
            return "the keystore is \(size) bytes, more than the \(limit) bytes accepted"
        case .jceksNotSupported:
            return "the keystore is JCEKS, which is not supported; convert it to PKCS#12 with "
                + "keytool -importkeystore -srckeystore FILE -srcstoretype JCEKS -deststoretype PKCS12"
        case .unknownFormat(let firstBytes):
            let hex = firstBytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            return "the keystore is neither JKS nor PKCS#12 (it starts with 0x\(hex))"
        case .unsupportedVersion(let version):
            return "the JKS keystore has version \(version); only versions 1 and 2 exist"
        case .truncated(let offset, let needed, let available):
            return "the keystore is truncated or damaged: the field at byte \(offset) needs \(needed) bytes "
                + "but only \(available) are left"
        case .unknownEntryTag(let tag, let offset):
            return "the JKS entry at byte \(offset) has tag \(tag); only 1 (private key) and 2 "
                + "(trusted certificate) exist"
        case .malformedText(let offset):
            return "the text at byte \(offset) of the keystore is not valid UTF-8"
        case .unsupportedCertificateType(let type, let alias):
            return "the entry '\(alias)' holds a certificate of type '\(type)'; only X.509 is supported"
        case .trailingBytes(let offset, let count):
            return "the keystore has \(count) bytes after its end at byte \(offset)"
        case .integrityCheckFailed:
            return "the keystore's integrity check failed: the password is wrong or the file is damaged"
        case .unsupportedKeyProtection(let algorithm, let alias):
            return "the private key '\(alias)' is protected by algorithm \(algorithm); only Sun's JKS key "
                + "protection (1.3.6.1.4.1.42.2.17.1.1) is supported"
        case .keyCheckFailed(let alias):
            return "the private key '\(alias)' cannot be recovered: it has a password other than the "
                + "keystore's, or it is damaged"
        case .malformedPrivateKey(let alias, let reason):
            return "the private key '\(alias)' is malformed: \(reason)"
        case .malformedCertificate(let alias):
            return "the entry '\(alias)' holds a certificate that is not X.509 DER"
        case .unreadablePKCS12(let reason):
            return "the PKCS#12 keystore cannot be read: \(reason)"
        case .cryptoUnavailable(let what):
            return "OpenSSL cannot provide \(what)"
        }
    }
}
