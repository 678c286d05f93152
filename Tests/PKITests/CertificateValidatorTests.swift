import Crypto
import Foundation
import Testing
import X509

@testable import PKI

@Suite struct CertificateValidatorTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400
    static let validator = CertificateValidator(now: now)

    /// A CA and a broker certificate that pass every check, and hostile variants of them.
    struct Material {
        let ca: CertificateAuthority
        let other: CertificateAuthority
        let broker: IssuedCertificate
        let client: IssuedCertificate

        init() throws {
            ca = try CertificateAuthority.create(commonName: "kafka-ca", now: now)
            other = try CertificateAuthority.create(commonName: "other-ca", now: now)
            broker = try ca.issue(
                CertificateRequest(
                    commonName: "kafka", usage: .server,
                    dnsNames: ["*.kafka-headless.ns", "kafka-all-broker.ns"],
                    ipAddresses: ["10.0.0.7"]),
                now: now)
            client = try ca.issue(
                CertificateRequest(commonName: "kafka-controller", usage: .client), now: now)
        }
    }

    @Test func soundMaterialHasNoProblems() async throws {
        let material = try Material()
        #expect(
            Self.validator.validateAuthority(
                certificatePEM: material.ca.certificatePEM, privateKeyPEM: material.ca.privateKeyPEM) == [])
        let problems = await Self.validator.validateLeaf(
            certificatePEM: material.broker.chainPEM, privateKeyPEM: material.broker.privateKeyPEM,
            trustedPEM: material.ca.certificatePEM, usage: .server,
            requiredHostNames: ["kafka-0.kafka-headless.ns", "kafka-all-broker.ns", "10.0.0.7"])
        #expect(problems == [])
    }

    static let garbage: [(name: String, text: String)] = [
        ("empty", ""),
        ("prose", "this is not a certificate"),
        ("binary", String(decoding: (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 131) }, as: UTF8.self)),
        ("no end marker", "-----BEGIN CERTIFICATE-----\nMIIB\n"),
        ("bad base64", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"),
        ("empty body", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"),
        ("not DER", "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n"),
        ("huge length", "-----BEGIN CERTIFICATE-----\nMIT/////AAAA\n-----END CERTIFICATE-----\n"),
    ]

    @Test(arguments: garbage)
    func garbageIsUnreadableInEveryField(_ row: (name: String, text: String)) async throws {
        let material = try Material()
        let authority = Self.validator.validateAuthority(
            certificatePEM: row.text, privateKeyPEM: material.ca.privateKeyPEM)
        #expect(
            authority.count == 1 && Self.isUnreadable(authority[0], item: "the CA certificate"),
            "\(authority)")
        let message = authority.first?.description ?? ""
        #expect(
            !message.contains(".swift:") && !message.contains("Error.") && !message.hasSuffix(" "),
            "\(message)")
        let key = Self.validator.validateAuthority(
            certificatePEM: material.ca.certificatePEM, privateKeyPEM: row.text)
        #expect(key.count == 1 && Self.isUnreadable(key[0], item: "the CA private key"), "\(key)")
        let leaf = await Self.validator.validateLeaf(
            certificatePEM: row.text, trustedPEM: material.ca.certificatePEM, requiredHostNames: ["a.b"])
        #expect(leaf.count == 1 && Self.isUnreadable(leaf[0], item: "the certificate"), "\(leaf)")
        let trust = await Self.validator.validateLeaf(
            certificatePEM: material.client.certificatePEM, trustedPEM: row.text)
        #expect(trust.count == 1 && Self.isUnreadable(trust[0], item: "the trusted CA"), "\(trust)")
    }

    @Test func truncatedPEMIsUnreadableWherEverItIsCut() throws {
        let material = try Material()
        let pem = material.ca.certificatePEM
        for length in stride(from: 0, to: pem.utf8.count - 2, by: 7) {
            let cut = String(decoding: pem.utf8.prefix(length), as: UTF8.self)
            let problems = Self.validator.validateAuthority(
                certificatePEM: cut, privateKeyPEM: material.ca.privateKeyPEM)
            #expect(
                problems.count == 1 && Self.isUnreadable(problems[0], item: "the CA certificate"),
                "cut at \(length)")
        }
    }

    @Test func everyCorruptedByteOfACertificateIsCaught() async throws {
        let material = try Material()
        let document = try #require(Self.derBytes(material.client.certificatePEM))
        for index in document.indices {
            var bytes = document
            bytes[index] ^= 0x5A
            let pem =
                "-----BEGIN CERTIFICATE-----\n\(Data(bytes).base64EncodedString(options: .lineLength64Characters))\n-----END CERTIFICATE-----\n"
            let problems = await Self.validator.validateLeaf(
                certificatePEM: pem, trustedPEM: material.ca.certificatePEM)
            #expect(!problems.isEmpty, "byte \(index) changed and nothing noticed")
        }
    }

    @Test func pemIsReadAsRFC7468AllowsNotOnlyAsOpenSSLWritesIt() throws {
        let material = try Material()
        let der = try #require(Self.derBytes(material.ca.certificatePEM))
        let wide = Data(der).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn,
        ])
        let pem =
            "Subject: CN=kafka-ca\r\n-----BEGIN CERTIFICATE-----\r\n\(wide)\r\n-----END CERTIFICATE-----\r\ntrailing words"
        #expect(try ParsedCertificate(pem: pem).keyFingerprint == material.ca.keyFingerprint)
        let headers =
            "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nMIIB\n-----END EC PRIVATE KEY-----\n"
        #expect(throws: PKIError.self) {
            _ = try CertificateAuthority(certificatePEM: material.ca.certificatePEM, privateKeyPEM: headers)
        }
    }

    static let foreignKeys: [(name: String, pem: String)] = [
        ("another P-256 key", P256.Signing.PrivateKey().pemRepresentation),
        ("a P-384 key", P384.Signing.PrivateKey().pemRepresentation),
        ("a SEC1 P-256 key", P256.Signing.PrivateKey().sec1PEM),
    ]

    @Test(arguments: foreignKeys)
    func aKeyOfAnotherCertificateIsAMismatch(_ row: (name: String, pem: String)) throws {
        let material = try Material()
        #expect(
            Self.validator.validateAuthority(
                certificatePEM: material.ca.certificatePEM, privateKeyPEM: row.pem) == [
                    .keyDoesNotMatchCertificate(subject: "CN=kafka-ca")
                ])
    }

    static let keysThatAreNoKeys: [(name: String, pem: String)] = [
        ("a public key", P256.Signing.PrivateKey().publicKey.pemRepresentation),
        ("a certificate", ""),
        (
            "an encrypted key",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n"
        ),
        ("an X25519 key", Curve25519.KeyAgreement.PrivateKey().pkcs8PEM),
        (
            "two keys",
            P256.Signing.PrivateKey().pemRepresentation + "\n" + P256.Signing.PrivateKey().pemRepresentation
        ),
    ]

    @Test(arguments: keysThatAreNoKeys)
    func aKeyThatCannotSignIsUnreadable(_ row: (name: String, pem: String)) throws {
        let material = try Material()
        let pem = row.pem.isEmpty ? material.ca.certificatePEM : row.pem
        let problems = Self.validator.validateAuthority(
            certificatePEM: material.ca.certificatePEM, privateKeyPEM: pem)
        #expect(
            problems.count == 1 && Self.isUnreadable(problems[0], item: "the CA private key"), "\(problems)")
        #expect(throws: PKIError.self) {
            _ = try CertificateAuthority(certificatePEM: material.ca.certificatePEM, privateKeyPEM: pem)
        }
    }

    @Test func aLeafIsNotACA() throws {
        let material = try Material()
        let problems = Self.validator.validateAuthority(
            certificatePEM: material.client.certificatePEM, privateKeyPEM: material.client.privateKeyPEM)
        #expect(problems == [.notACertificateAuthority(subject: "CN=kafka-controller")])
    }

    @Test func aCAWhoseKeyUsageLeavesOutSigningCannotSign() throws {
        let key = P256.Signing.PrivateKey()
        let privateKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName { CommonName("crippled-ca") }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: privateKey.publicKey,
            notValidBefore: Self.now, notValidAfter: Self.now.addingTimeInterval(Self.day), issuer: name,
            subject: name,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true))
            }, issuerPrivateKey: privateKey)
        let problems = Self.validator.validateAuthority(
            certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
        #expect(problems == [.cannotSignCertificates(subject: "CN=crippled-ca")])
    }

    @Test func datesAreCheckedAgainstNow() throws {
        let material = try Material()
        let ca = material.ca
        let later = CertificateValidator(now: Self.now.addingTimeInterval(400 * Self.day))
        #expect(
            later.validateAuthority(certificatePEM: ca.certificatePEM, privateKeyPEM: ca.privateKeyPEM) == [
                .expired(subject: "CN=kafka-ca", notAfter: ca.certificate.notValidAfter)
            ])
        let earlier = CertificateValidator(now: Self.now.addingTimeInterval(-Self.day))
        #expect(
            earlier.validateAuthority(certificatePEM: ca.certificatePEM, privateKeyPEM: ca.privateKeyPEM) == [
                .notYetValid(subject: "CN=kafka-ca", notBefore: ca.certificate.notValidBefore)
            ])
    }

    @Test func anExpiredLeafIsOneProblemNotTwo() async throws {
        let material = try Material()
        let leaf = try material.ca.issue(
            CertificateRequest(commonName: "short", usage: .client, validity: .days(1)), now: Self.now)
        let problems = await CertificateValidator(now: Self.now.addingTimeInterval(2 * Self.day))
            .validateLeaf(
                certificatePEM: leaf.certificatePEM, trustedPEM: material.ca.certificatePEM)
        #expect(problems == [.expired(subject: "CN=short", notAfter: leaf.notValidAfter)])
    }

    @Test func aLeafOfAnotherCADoesNotVerify() async throws {
        let material = try Material()
        let foreign = try material.other.issue(
            CertificateRequest(commonName: "intruder", usage: .client), now: Self.now)
        let problems = await Self.validator.validateLeaf(
            certificatePEM: foreign.certificatePEM, trustedPEM: material.ca.certificatePEM)
        guard case .chainDoesNotVerify(let subject, let reason) = try #require(problems.first),
            problems.count == 1
        else {
            Issue.record("\(problems)")
            return
        }
        #expect(subject == "CN=intruder")
        #expect(reason.contains("CN=other-ca"), "\(reason)")
    }

    @Test func aLeafWithAnotherKeyIsAMismatch() async throws {
        let material = try Material()
        let problems = await Self.validator.validateLeaf(
            certificatePEM: material.broker.certificatePEM, privateKeyPEM: material.client.privateKeyPEM,
            trustedPEM: material.ca.certificatePEM)
        #expect(problems == [.keyDoesNotMatchCertificate(subject: "CN=kafka")])
    }

    @Test func uncoveredNamesAreListedTogether() async throws {
        let material = try Material()
        let problems = await Self.validator.validateLeaf(
            certificatePEM: material.broker.certificatePEM, trustedPEM: material.ca.certificatePEM,
            requiredHostNames: [
                "kafka-0.kafka-headless.ns", "a.b.kafka-headless.ns", "kafka-all-broker.ns", "10.0.0.8",
            ])
        #expect(
            problems == [
                .hostNamesNotCovered(subject: "CN=kafka", hostNames: ["a.b.kafka-headless.ns", "10.0.0.8"])
            ])
        #expect(
            problems[0].description.hasSuffix(
                "has no subject alternative name for a.b.kafka-headless.ns, 10.0.0.8"))
    }

    @Test func aCertificateWithoutNamesCoversNothing() async throws {
        let material = try Material()
        let problems = await Self.validator.validateLeaf(
            certificatePEM: material.client.certificatePEM, trustedPEM: material.ca.certificatePEM,
            usage: .client,
            requiredHostNames: ["kafka-controller"])
        #expect(
            problems == [
                .hostNamesNotCovered(subject: "CN=kafka-controller", hostNames: ["kafka-controller"])
            ])
    }

    @Test func aClientCertificateCannotServeABroker() async throws {
        let material = try Material()
        let problems = await Self.validator.validateLeaf(
            certificatePEM: material.client.certificatePEM, trustedPEM: material.ca.certificatePEM,
            usage: .server)
        #expect(problems == [.missingExtendedKeyUsage(subject: "CN=kafka-controller", usage: "serverAuth")])
    }

    @Test func everyProblemIsReportedAtOnce() async throws {
        let material = try Material()
        let foreign = try material.other.issue(
            CertificateRequest(commonName: "kafka", usage: .client, validity: .days(1)), now: Self.now)
        let problems = await CertificateValidator(now: Self.now.addingTimeInterval(2 * Self.day))
            .validateLeaf(
                certificatePEM: foreign.certificatePEM, privateKeyPEM: material.broker.privateKeyPEM,
                trustedPEM: material.ca.certificatePEM, usage: .server,
                requiredHostNames: ["kafka-0.kafka-headless.ns"])
        #expect(problems.count == 5, "\(problems)")
    }

    static func isUnreadable(_ problem: CertificateProblem, item: String) -> Bool {
        switch problem {
        case .unreadable(.unreadable(let named, _)), .unreadable(.missing(let named, _)): return named == item
        default: return false
        }
    }

    static func derBytes(_ pem: String) -> [UInt8]? {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Data(base64Encoded: body).map(Array.init)
    }
}

extension P256.Signing.PrivateKey {
    /// SEC1 (RFC 5915) as PEM, `EC PRIVATE KEY`: the form `openssl ecparam -genkey` writes.
    fileprivate var sec1PEM: String {
        let curve: [UInt8] = [0xA0, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        let der: [UInt8] =
            [0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20] + Array(rawRepresentation) + curve
            + [0xA1, 0x44, 0x03, 0x42, 0x00] + Array(publicKey.x963Representation)
        return
            "-----BEGIN EC PRIVATE KEY-----\n\(Data(der).base64EncodedString())\n-----END EC PRIVATE KEY-----\n"
    }
}

extension Curve25519.KeyAgreement.PrivateKey {
    /// RFC 8410's PKCS#8 for an X25519 key: a key that cannot sign.
    fileprivate var pkcs8PEM: String {
        let prefix: [UInt8] = [
            0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x6E, 0x04, 0x22, 0x04, 0x20,
        ]
        let der = Data(prefix + Array(rawRepresentation))
        return "-----BEGIN PRIVATE KEY-----\n\(der.base64EncodedString())\n-----END PRIVATE KEY-----\n"
    }
}
