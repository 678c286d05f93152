import X509

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A certificate read from PEM, with the facts the reconciler decides on: validity, names, whether
/// it is a CA and which key it carries.
public struct ParsedCertificate: Hashable, Sendable {
    public let certificate: Certificate
    /// The certificate alone, as one PEM block ending in a newline, so blocks concatenate.
    public let pem: String
    public let dnsNames: [String]
    /// Textual IPv4 and IPv6 addresses from `iPAddress` names.
    public let ipAddresses: [String]
    public let isCertificateAuthority: Bool
    public let keyFingerprint: KeyFingerprint

    /// The first certificate in `pem`; `item` names it in errors ("the CA certificate").
    public init(pem: String, item: String = "the certificate") throws(PKIError) {
        let certificates = try PEMReader.certificates(pem, item: item)
        try self.init(certificates[0], item: item)
    }

    init(_ certificate: Certificate, item: String) throws(PKIError) {
        self.certificate = certificate
        do {
            pem = try certificate.serializeAsPEM().pemString + "\n"
            let names = try certificate.extensions.subjectAlternativeNames.map(Array.init) ?? []
            dnsNames = names.compactMap { name in
                if case .dnsName(let text) = name { return text }
                return nil
            }
            ipAddresses = names.compactMap { name in
                if case .ipAddress(let octets) = name { return IPAddress.text(octets.bytes) }
                return nil
            }
            if case .isCertificateAuthority = try certificate.extensions.basicConstraints {
                isCertificateAuthority = true
            } else {
                isCertificateAuthority = false
            }
        } catch {
            throw .unreadable(item: item, reason: PEMReader.readable(error))
        }
        keyFingerprint = KeyFingerprint(of: certificate)
    }

    /// The subject as a distinguished name string (`CN=kafka-controller`); for a subject of one
    /// common name, as the operator issues, this is the name Kafka's SSL principal builder gives
    /// (`User:CN=kafka-controller` in `super.users`).
    public var subject: String { certificate.subject.description }

    public var commonName: String? {
        for relativeName in certificate.subject {
            for attribute in relativeName where attribute.type == .RDNAttributeType.commonName {
                return String(attribute.value)
            }
        }
        return nil
    }

    public var notValidBefore: Date { certificate.notValidBefore }
    public var notValidAfter: Date { certificate.notValidAfter }
}

extension ParsedCertificate {
    /// Whether a client connecting to `hostName` accepts this certificate's names: an IP address
    /// against the `iPAddress` names only, a DNS name against the DNS names (wildcards as
    /// RFC 6125 allows). The common name is not consulted, as RFC 6125 deprecates it.
    public func covers(hostName: String) -> Bool { uncovered([hostName]).isEmpty }

    /// Those of `hostNames` that `covers(hostName:)` refuses. The certificate's names are read
    /// once, so checking every broker's names against a certificate that lists them all stays
    /// linear.
    public func uncovered(_ hostNames: [String]) -> [String] {
        let names = HostName.Patterns(dnsNames)
        return hostNames.filter { hostName in
            if let address = IPAddress.bytes(hostName) {
                return !ipAddresses.contains { IPAddress.bytes($0) == address }
            }
            return !names.match(hostName)
        }
    }
}
