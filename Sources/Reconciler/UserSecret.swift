import Kubernetes
import PKI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A KafkaUser's Secret as Koperator's user Secrets carry it: type `kubernetes.io/tls`,
/// `tls.crt` (the leaf, then the CA), `tls.key` (PKCS#8) and `ca.crt` (the CAs a client trusts:
/// old and new during a CA rollover). Deciding whether the certificate in it is kept is pure.
struct UserSecret: Equatable, Sendable {
    static let type = "kubernetes.io/tls"

    var certificateChainPEM: String
    var privateKeyPEM: String
    var trustPEM: String

    /// The Secret's `data`, base64 as on the wire.
    var data: [String: String] {
        [
            KoperatorSecretKey.tlsCertificate: Secret.base64(certificateChainPEM),
            KoperatorSecretKey.tlsPrivateKey: Secret.base64(privateKeyPEM),
            KoperatorSecretKey.caBundle: Secret.base64(trustPEM),
        ]
    }

    /// What `secret` holds, or nil when it lacks a key or a value is not base64 text.
    init?(_ secret: Secret) {
        guard let chain = secret.text(KoperatorSecretKey.tlsCertificate),
            let key = secret.text(KoperatorSecretKey.tlsPrivateKey)
        else { return nil }
        certificateChainPEM = chain
        privateKeyPEM = key
        trustPEM = secret.text(KoperatorSecretKey.caBundle) ?? ""
    }

    init(issued: IssuedCertificate, trustPEM: String) {
        certificateChainPEM = issued.chainPEM
        privateKeyPEM = issued.privateKeyPEM
        self.trustPEM = trustPEM
    }

    /// The leaf it holds when that leaf is still the one to hand out: signed by `authority`, for
    /// `commonName`, and outside `policy`'s renewal window at `now`. Nil means issue anew.
    func keptCertificate(
        authority: CertificateAuthority, commonName: String, policy: RenewalPolicy, now: Date
    ) -> ParsedCertificate? {
        guard let leaf = try? ParsedCertificate(pem: certificateChainPEM, item: "tls.crt"),
            leaf.commonName == commonName,
            TrustBundle([authority.certificate]).signer(of: leaf) == authority.keyFingerprint,
            !policy.decision(for: leaf, now: now).mustRenew
        else { return nil }
        return leaf
    }

    /// Kubernetes' rule for a Secret's name: a DNS subdomain.
    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.utf8.first, let last = label.utf8.last, label.utf8.count <= 63 else {
                return false
            }
            let alphanumeric: (UInt8) -> Bool = {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            }
            return alphanumeric(first) && alphanumeric(last)
                && label.utf8.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }
}
