#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Why certificate material could not be read or a certificate could not be issued.
///
/// Every case is terminal: the same PEM or request fails the same way until a person or the
/// spec changes it, so the reconciler reports it (an InvalidSpec Warning) rather than retrying.
public enum PKIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not PEM, or its contents are not what `item` should hold.
    case unreadable(item: String, reason: String)
    /// The PEM holds no block of the kind `item` needs (`CERTIFICATE`, `PRIVATE KEY`).
    case missing(item: String, expected: String)
    /// The private key is not the one whose public half the certificate carries.
    case keyDoesNotMatchCertificate(subject: String)
    /// A certificate used to sign others lacks `basicConstraints` CA:TRUE.
    case notACertificateAuthority(subject: String)
    /// The CA's own validity is over, so nothing it signs would verify.
    case authorityExpired(subject: String, notAfter: Date)
    /// A field of a `CertificateRequest` or of a CA's parameters is unusable.
    case invalidRequest(field: String, value: String, reason: String)
    /// The library could not build or sign the certificate (an unsupported key, for example).
    case signingFailed(reason: String)

    public var description: String {
        switch self {
        case .unreadable(let item, let reason):
            return "\(item) could not be read: \(reason)"
        case .missing(let item, let expected):
            return "\(item) holds no PEM block '\(expected)'"
        case .keyDoesNotMatchCertificate(let subject):
            return "the private key does not belong to the certificate '\(subject)'"
        case .notACertificateAuthority(let subject):
            return "the certificate '\(subject)' is not a CA (basicConstraints CA:TRUE is missing)"
        case .authorityExpired(let subject, let notAfter):
            return "the CA '\(subject)' expired at \(notAfter.formatted(.iso8601)); renew it before issuing"
        case .invalidRequest(let field, let value, let reason):
            return "\(field) '\(value)' is invalid: \(reason)"
        case .signingFailed(let reason):
            return "the certificate could not be signed: \(reason)"
        }
    }
}
