#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One thing wrong with bring-your-own TLS material, as `CertificateValidator` finds it. The
/// `description` is the sentence an InvalidSpec Warning carries.
public enum CertificateProblem: Equatable, Sendable, CustomStringConvertible {
    /// A PEM text did not parse, or held no block of the kind needed.
    case unreadable(PKIError)
    case keyDoesNotMatchCertificate(subject: String)
    case notACertificateAuthority(subject: String)
    /// A CA whose keyUsage leaves out keyCertSign: RFC 5280 verifiers, Java's among them, refuse
    /// every certificate it signs.
    case cannotSignCertificates(subject: String)
    /// No chain from the certificate to the trusted CA verifies; `reason` is the verifier's.
    case chainDoesNotVerify(subject: String, reason: String)
    case expired(subject: String, notAfter: Date)
    case notYetValid(subject: String, notBefore: Date)
    /// The names clients will connect with that no subject alternative name covers.
    case hostNamesNotCovered(subject: String, hostNames: [String])
    /// The certificate's extended key usage leaves out what its role needs (`serverAuth`).
    case missingExtendedKeyUsage(subject: String, usage: String)

    public var description: String {
        switch self {
        case .unreadable(let error):
            return error.description
        case .keyDoesNotMatchCertificate(let subject):
            return "the private key does not belong to the certificate '\(subject)'"
        case .notACertificateAuthority(let subject):
            return "the certificate '\(subject)' is not a CA (basicConstraints CA:TRUE is missing)"
        case .cannotSignCertificates(let subject):
            return
                "the CA certificate '\(subject)' has a keyUsage without keyCertSign, so nothing it signs verifies"
        case .chainDoesNotVerify(let subject, let reason):
            return "the certificate '\(subject)' does not verify against the trusted CA: \(reason)"
        case .expired(let subject, let notAfter):
            return "the certificate '\(subject)' expired at \(Self.timestamp(notAfter))"
        case .notYetValid(let subject, let notBefore):
            return "the certificate '\(subject)' is not valid before \(Self.timestamp(notBefore))"
        case .hostNamesNotCovered(let subject, let hostNames):
            return
                "the certificate '\(subject)' has no subject alternative name for \(hostNames.joined(separator: ", "))"
        case .missingExtendedKeyUsage(let subject, let usage):
            return "the certificate '\(subject)' does not allow \(usage) in its extended key usage"
        }
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
