import Foundation
import Testing
import X509

@testable import PKI

@Suite struct CertificateAuthorityTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aCreatedCAIsACriticalCAWithItsOwnKeyIdentifier() throws {
        let ca = try CertificateAuthority.create(commonName: "kafka-ca", validity: .days(10), now: Self.now)
        let extensions = ca.certificate.certificate.extensions
        #expect(ca.certificate.commonName == "kafka-ca")
        #expect(ca.certificate.certificate.issuer == ca.certificate.certificate.subject)
        #expect(try extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        let usage = try #require(try extensions.keyUsage)
        #expect(usage.keyCertSign && usage.cRLSign && !usage.digitalSignature)
        #expect(extensions[oid: .X509ExtensionID.keyUsage]?.critical == true)
        #expect(try extensions.subjectKeyIdentifier != nil)
        #expect(ca.certificate.notValidBefore == Self.now.addingTimeInterval(-300))
        #expect(ca.certificate.notValidAfter == Self.now.addingTimeInterval(10 * 86_400))
        #expect(ca.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
    }

    @Test func aCALoadedFromItsPEMSignsLikeTheOriginal() throws {
        let created = try CertificateAuthority.create(commonName: "kafka-ca", now: Self.now)
        let loaded = try CertificateAuthority(
            certificatePEM: created.certificatePEM, privateKeyPEM: created.privateKeyPEM)
        #expect(loaded.keyFingerprint == created.keyFingerprint)
        let leaf = try loaded.issue(CertificateRequest(commonName: "user", usage: .client), now: Self.now)
        #expect(TrustBundle([created.certificate]).signer(of: leaf.certificate) == created.keyFingerprint)
    }

    @Test func aServerCertificateCarriesItsNamesUsagesAndTheCAsKeyIdentifier() throws {
        let ca = try CertificateAuthority.create(commonName: "kafka-ca", now: Self.now)
        let request = CertificateRequest(
            commonName: "kafka-0", usage: .server,
            dnsNames: ["kafka-0.kafka-headless.kafka.svc.cluster.local", "*.kafka-headless.kafka.svc"],
            ipAddresses: ["10.0.0.7", "::1"], validity: .days(30))
        let issued = try ca.issue(request, now: Self.now)
        let leaf = issued.certificate
        let extensions = leaf.certificate.extensions
        #expect(leaf.commonName == "kafka-0")
        #expect(leaf.dnsNames == request.dnsNames)
        #expect(leaf.ipAddresses == ["10.0.0.7", "::1"])
        #expect(!leaf.isCertificateAuthority)
        #expect(try extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth, .clientAuth]))
        #expect(try extensions.keyUsage?.digitalSignature == true)
        let caKeyID = try #require(try ca.certificate.certificate.extensions.subjectKeyIdentifier)
        #expect(try extensions.authorityKeyIdentifier?.keyIdentifier == caKeyID.keyIdentifier)
        #expect(leaf.notValidAfter == Self.now.addingTimeInterval(30 * 86_400))
        #expect(issued.chainPEM == issued.certificatePEM + ca.certificatePEM)
        #expect(issued.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
    }

    @Test func aClientCertificateIsForClientAuthenticationOnly() throws {
        let ca = try CertificateAuthority.create(commonName: "kafka-ca", now: Self.now)
        let issued = try ca.issue(
            CertificateRequest(commonName: "kafka-controller", usage: .client), now: Self.now)
        #expect(
            try issued.certificate.certificate.extensions.extendedKeyUsage == ExtendedKeyUsage([.clientAuth]))
        #expect(try issued.certificate.certificate.extensions.subjectAlternativeNames == nil)
    }

    @Test func serialNumbersAreRandomAndPositive() throws {
        let ca = try CertificateAuthority.create(commonName: "kafka-ca", now: Self.now)
        let serials = try (0..<20).map { _ in
            try ca.issue(CertificateRequest(commonName: "u", usage: .client), now: Self.now).certificate
                .certificate
                .serialNumber.bytes
        }
        #expect(Set(serials).count == serials.count)
        #expect(serials.allSatisfy { $0.count == 16 && $0.first! & 0x80 == 0 })
    }

    @Test func aLeafNeverOutlivesItsCA() throws {
        let ca = try CertificateAuthority.create(commonName: "kafka-ca", validity: .days(10), now: Self.now)
        let issued = try ca.issue(
            CertificateRequest(commonName: "kafka-0", usage: .server, validity: .days(365)), now: Self.now)
        #expect(issued.notValidAfter == ca.certificate.notValidAfter)
    }

    static let badRequests: [(CertificateRequest, String)] = [
        (CertificateRequest(commonName: "", usage: .client), "commonName"),
        (CertificateRequest(commonName: String(repeating: "a", count: 65), usage: .client), "commonName"),
        (CertificateRequest(commonName: "a\u{0}b", usage: .client), "commonName"),
        (CertificateRequest(commonName: "u", usage: .client, validity: .zero), "validity"),
        (CertificateRequest(commonName: "u", usage: .server, dnsNames: [""]), "dnsNames"),
        (CertificateRequest(commonName: "u", usage: .server, dnsNames: ["a..b"]), "dnsNames"),
        (CertificateRequest(commonName: "u", usage: .server, dnsNames: ["*.com"]), "dnsNames"),
        (CertificateRequest(commonName: "u", usage: .server, dnsNames: ["a.*.b.c"]), "dnsNames"),
        (CertificateRequest(commonName: "u", usage: .server, dnsNames: ["-a.b"]), "dnsNames"),
        (CertificateRequest(commonName: "u", usage: .server, dnsNames: ["a b.c"]), "dnsNames"),
        (CertificateRequest(commonName: "u", usage: .server, ipAddresses: ["10.0.0.256"]), "ipAddresses"),
        (CertificateRequest(commonName: "u", usage: .server, ipAddresses: ["kafka-0"]), "ipAddresses"),
    ]

    @Test(arguments: badRequests)
    func aBadRequestIsRefusedNamingTheField(_ request: CertificateRequest, field: String) throws {
        let ca = try CertificateAuthority.create(commonName: "kafka-ca", now: Self.now)
        #expect {
            _ = try ca.issue(request, now: Self.now)
        } throws: { error in
            guard case .invalidRequest(let named, _, _) = error as? PKIError else { return false }
            return named == field
        }
    }

    @Test func anExpiredCAIssuesNothing() throws {
        let ca = try CertificateAuthority.create(commonName: "kafka-ca", validity: .days(1), now: Self.now)
        let expired = PKIError.authorityExpired(
            subject: "CN=kafka-ca", notAfter: ca.certificate.notValidAfter)
        #expect(throws: expired) {
            _ = try ca.issue(
                CertificateRequest(commonName: "u", usage: .client),
                now: Self.now.addingTimeInterval(2 * 86_400))
        }
    }

    @Test func aLeafCannotBeLoadedAsTheCA() throws {
        let ca = try CertificateAuthority.create(commonName: "kafka-ca", now: Self.now)
        let leaf = try ca.issue(CertificateRequest(commonName: "u", usage: .client), now: Self.now)
        #expect(throws: PKIError.notACertificateAuthority(subject: "CN=u")) {
            _ = try CertificateAuthority(
                certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)
        }
    }

    @Test func anotherCAsKeyIsRefused() throws {
        let ca = try CertificateAuthority.create(commonName: "kafka-ca", now: Self.now)
        let other = try CertificateAuthority.create(commonName: "other", now: Self.now)
        #expect(throws: PKIError.keyDoesNotMatchCertificate(subject: "CN=kafka-ca")) {
            _ = try CertificateAuthority(
                certificatePEM: ca.certificatePEM, privateKeyPEM: other.privateKeyPEM)
        }
    }
}
