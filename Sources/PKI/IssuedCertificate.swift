#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A leaf certificate just signed, as the PEM texts its Secret holds.
public struct IssuedCertificate: Sendable {
    public let certificate: ParsedCertificate
    /// The CA that signed it.
    public let authority: ParsedCertificate
    /// The private key as unencrypted PKCS#8 (`-----BEGIN PRIVATE KEY-----`), the one key form
    /// Kafka's default SSL engine factory reads for `ssl.keystore.type=PEM`.
    public let privateKeyPEM: String

    /// The leaf alone.
    public var certificatePEM: String { certificate.pem }
    /// The leaf, then the CA: `ssl.keystore.certificate.chain`, or the certificates of a PEM
    /// keystore file.
    public var chainPEM: String { certificate.pem + authority.pem }
    /// The key, then the chain, in one text: a PEM keystore file (`ssl.keystore.location` with
    /// `ssl.keystore.type=PEM`), from which Kafka reads both the key and the chain.
    public var keystorePEM: String { privateKeyPEM + chainPEM }
    public var caPEM: String { authority.pem }
    public var notValidAfter: Date { certificate.notValidAfter }
}
