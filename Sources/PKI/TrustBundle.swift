/// The CA certificates a peer trusts, kept as one PEM concatenation (Kafka's
/// `ssl.truststore.type=PEM`, a Secret's `ca.crt`). During a CA rollover it holds the old and the
/// new CA, so a leaf from either verifies.
public struct TrustBundle: Equatable, Sendable {
    /// In order of insertion, without duplicate keys.
    public private(set) var authorities: [ParsedCertificate]

    public init(_ authorities: [ParsedCertificate] = []) {
        self.authorities = []
        for authority in authorities { insert(authority) }
    }

    /// Every certificate in `pem`; `item` names the text in errors.
    public init(pem: String, item: String = "the trust bundle") throws(PKIError) {
        var parsed: [ParsedCertificate] = []
        for certificate in try PEMReader.certificates(pem, item: item) {
            parsed.append(try ParsedCertificate(certificate, item: item))
        }
        self.init(parsed)
    }

    public var pem: String { authorities.map(\.pem).joined() }

    public var fingerprints: Set<KeyFingerprint> { Set(authorities.map(\.keyFingerprint)) }

    /// Adds `authority` unless a CA with the same key is already there.
    public mutating func insert(_ authority: ParsedCertificate) {
        guard !authorities.contains(where: { $0.keyFingerprint == authority.keyFingerprint }) else { return }
        authorities.append(authority)
    }

    public mutating func remove(_ fingerprint: KeyFingerprint) {
        authorities.removeAll { $0.keyFingerprint == fingerprint }
    }

    /// The CA in this bundle whose key verifies `leaf`'s signature, if any: which CA signed it,
    /// whatever the leaf's issuer name or key identifier claims.
    public func signer(of leaf: ParsedCertificate) -> KeyFingerprint? {
        authorities.first { authority in
            authority.certificate.subject == leaf.certificate.issuer
                && authority.certificate.publicKey.isValidSignature(
                    leaf.certificate.signature, for: leaf.certificate)
        }?.keyFingerprint
    }
}
