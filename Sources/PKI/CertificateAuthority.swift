import Crypto
import SwiftASN1
import X509

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A cluster's certificate authority: the CA certificate and its private key, which sign the
/// brokers' server certificates and the client certificates of the operator, Cruise Control and
/// KafkaUsers.
///
/// `create` makes a self-signed ECDSA P-256 CA; `init(certificatePEM:privateKeyPEM:)` loads one a
/// user brings (any key swift-certificates signs with: P-256/384/521, RSA, Ed25519). `issue`
/// makes a leaf with a fresh P-256 key and returns PEM the way Kafka's `ssl.keystore.type=PEM`
/// reads it (KIP-651): the chain leaf-first and the key as unencrypted PKCS#8. Nothing here does
/// I/O; time comes in as `now`.
public struct CertificateAuthority: Sendable {
    public let certificate: ParsedCertificate
    /// The key as it was given (or, for a created CA, as PKCS#8).
    public let privateKeyPEM: String
    private let privateKey: Certificate.PrivateKey
    /// The CA's subject key identifier, which every leaf carries as its authority key identifier.
    private let keyIdentifier: ArraySlice<UInt8>

    /// How far `notBefore` is set before `now`, so a peer whose clock runs behind the operator's
    /// still accepts a certificate issued a moment ago.
    public static let backdating: Duration = .seconds(5 * 60)

    /// A new self-signed CA: basicConstraints CA:TRUE (critical, no intermediates below it),
    /// keyUsage keyCertSign and cRLSign (critical), and a subject key identifier.
    public static func create(commonName: String, validity: Duration = .days(365), now: Date) throws(PKIError)
        -> CertificateAuthority
    {
        try CertificateRequest.validateCommonName(commonName)
        try CertificateRequest.validateValidity(validity)
        let key = P256.Signing.PrivateKey()
        let privateKey = Certificate.PrivateKey(key)
        let subjectKeyIdentifier = SubjectKeyIdentifier(hash: privateKey.publicKey)
        do {
            let name = try DistinguishedName { CommonName(commonName) }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                subjectKeyIdentifier
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: randomSerialNumber(), publicKey: privateKey.publicKey,
                notValidBefore: now.addingTimeInterval(-backdating.timeInterval),
                notValidAfter: now.addingTimeInterval(validity.timeInterval), issuer: name, subject: name,
                extensions: extensions, issuerPrivateKey: privateKey)
            return CertificateAuthority(
                certificate: try ParsedCertificate(certificate, item: "the new CA certificate"),
                privateKeyPEM: key.pemRepresentation + "\n", privateKey: privateKey,
                keyIdentifier: subjectKeyIdentifier.keyIdentifier)
        } catch let error as PKIError {
            throw error
        } catch {
            throw .signingFailed(reason: PEMReader.readable(error))
        }
    }

    /// A CA the user brings: the first certificate of `certificatePEM` and the key in
    /// `privateKeyPEM`. Refused when either does not parse, the key is not the certificate's, or
    /// the certificate is not a CA. Expiry is not checked here: `CertificateValidator` reports it.
    public init(certificatePEM: String, privateKeyPEM: String) throws(PKIError) {
        let certificate = try ParsedCertificate(pem: certificatePEM, item: "the CA certificate")
        let privateKey = try PEMReader.privateKey(privateKeyPEM, item: "the CA private key")
        guard privateKey.publicKey == certificate.certificate.publicKey else {
            throw .keyDoesNotMatchCertificate(subject: certificate.subject)
        }
        guard certificate.isCertificateAuthority else {
            throw .notACertificateAuthority(subject: certificate.subject)
        }
        let declared = try? certificate.certificate.extensions.subjectKeyIdentifier
        self.init(
            certificate: certificate, privateKeyPEM: privateKeyPEM, privateKey: privateKey,
            keyIdentifier: declared?.keyIdentifier
                ?? SubjectKeyIdentifier(hash: certificate.certificate.publicKey).keyIdentifier)
    }

    private init(
        certificate: ParsedCertificate, privateKeyPEM: String, privateKey: Certificate.PrivateKey,
        keyIdentifier: ArraySlice<UInt8>
    ) {
        self.certificate = certificate
        self.privateKeyPEM = privateKeyPEM
        self.privateKey = privateKey
        self.keyIdentifier = keyIdentifier
    }

    public var certificatePEM: String { certificate.pem }
    public var keyFingerprint: KeyFingerprint { certificate.keyFingerprint }

    /// A leaf certificate for `request`, signed by this CA, with a new P-256 key: basicConstraints
    /// CA:FALSE and keyUsage digitalSignature (both critical), the request's extended key usages
    /// and names, a random serial and the CA's key identifier. Its `notAfter` is clamped to the
    /// CA's, since a chain is only as valid as its CA.
    public func issue(_ request: CertificateRequest, now: Date) throws(PKIError) -> IssuedCertificate {
        try request.validated()
        let notAfter = min(now.addingTimeInterval(request.validity.timeInterval), certificate.notValidAfter)
        guard notAfter > now else {
            throw .authorityExpired(subject: certificate.subject, notAfter: certificate.notValidAfter)
        }
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        var names = request.dnsNames.map(GeneralName.dnsName)
        for address in request.ipAddresses {
            // validated() has checked that every address parses.
            guard let bytes = IPAddress.bytes(address) else { continue }
            names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        let usages: [ExtendedKeyUsage.Usage] =
            switch request.usage {
            case .server: [.serverAuth, .clientAuth]
            case .client: [.clientAuth]
            }
        do {
            var extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage(usages)
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: keyIdentifier)
            }
            if !names.isEmpty {
                try extensions.append(SubjectAlternativeNames(names).makeCertificateExtension())
            }
            let leaf = try Certificate(
                version: .v3, serialNumber: Self.randomSerialNumber(), publicKey: publicKey,
                notValidBefore: now.addingTimeInterval(-Self.backdating.timeInterval),
                notValidAfter: notAfter,
                issuer: certificate.certificate.subject,
                subject: try DistinguishedName { CommonName(request.commonName) },
                extensions: extensions, issuerPrivateKey: privateKey)
            return IssuedCertificate(
                certificate: try ParsedCertificate(leaf, item: "the new certificate"),
                authority: certificate, privateKeyPEM: key.pemRepresentation + "\n")
        } catch let error as PKIError {
            throw error
        } catch {
            throw .signingFailed(reason: PEMReader.readable(error))
        }
    }

    /// 16 random bytes with the top bit clear: positive, never zero, and within RFC 5280's 20
    /// octets however the DER integer is encoded.
    private static func randomSerialNumber() -> Certificate.SerialNumber {
        var bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        bytes[0] = (bytes[0] & 0x7F) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }
}
