import Foundation
import TestSupport
import Testing

@testable import PKI

/// PKCS#12 keystores read back by OpenSSL, which checks the MAC with the password, decrypts the
/// key and lists the bags: what a Java server (Cruise Control's Jetty) is given.
@Suite(.enabled(if: Peer.available("openssl"), "openssl is not installed"))
struct PKCS12KeystoreTests {
    static let now = Date()

    static func issued() throws -> IssuedCertificate {
        let ca = try CertificateAuthority.create(commonName: "kafka-ca", now: now)
        return try ca.issue(
            CertificateRequest(
                commonName: "kafka-cruisecontrol", usage: .server,
                dnsNames: ["kafka-cruisecontrol-svc.kafka.svc"]),
            now: now)
    }

    /// A keystore of a fresh certificate written as `keystore.p12`; the certificate.
    static func writeKeystore(password: String, in files: OpenSSLFiles) throws -> IssuedCertificate {
        let issued = try issued()
        let keystore = try PKCS12Keystore.encode(
            privateKeyPEM: issued.privateKeyPEM, chainPEM: issued.chainPEM, alias: "cruise-control",
            password: password)
        try Data(keystore).write(to: files.directory.file("keystore.p12"))
        return issued
    }

    @Test func openSSLReadsTheKeyAndChainBackWithThePassword() async throws {
        let files = try OpenSSLFiles()
        defer { files.remove() }
        let issued = try Self.writeKeystore(password: "s3cret-ü", in: files)

        let read = try await files.openssl([
            "pkcs12", "-in", files.path("keystore.p12"), "-passin", "pass:s3cret-ü", "-nodes",
        ])
        #expect(read.status == 0, "\(read.stderr)")
        // The leaf and the CA, in order, and the key whose public half is the leaf's.
        let certificates = read.stdout.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst()
            .map {
                "-----BEGIN CERTIFICATE-----" + $0.components(separatedBy: "-----END CERTIFICATE-----")[0]
            }
        #expect(certificates.count == 2)
        #expect(
            certificates.map { $0.filter { !$0.isWhitespace } }
                == [issued.certificatePEM, issued.caPEM].map {
                    $0.replacingOccurrences(of: "-----END CERTIFICATE-----", with: "").filter {
                        !$0.isWhitespace
                    }
                })
        let keyStart = try #require(read.stdout.range(of: "-----BEGIN PRIVATE KEY-----"))
        let keyEnd = try #require(read.stdout.range(of: "-----END PRIVATE KEY-----"))
        let key = String(read.stdout[keyStart.lowerBound..<keyEnd.upperBound]) + "\n"
        let fromKeystore = try await files.openssl(["pkey", "-pubout"], input: key)
        let fromLeaf = try await files.openssl(["x509", "-noout", "-pubkey"], input: issued.certificatePEM)
        #expect(fromKeystore.status == 0 && fromKeystore.stdout == fromLeaf.stdout)
        // Java pairs the key and the leaf by localKeyID and names the entry by friendlyName.
        #expect(
            read.stdout.components(separatedBy: "friendlyName: cruise-control").count == 3, "\(read.stdout)")
        let keyIDs = read.stdout.split(separator: "\n").filter { $0.contains("localKeyID:") }
        #expect(keyIDs.count == 2 && Set(keyIDs).count == 1, "\(keyIDs)")

        let info = try await files.openssl([
            "pkcs12", "-in", files.path("keystore.p12"), "-passin", "pass:s3cret-ü", "-info", "-noout",
        ])
        #expect(info.stderr.contains("MAC: sha256, Iteration 10000"), "\(info.stderr)")
        #expect(
            info.stderr.contains(
                "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 210000, PRF hmacWithSHA256"),
            "\(info.stderr)")
    }

    @Test func aWrongPasswordFailsTheMAC() async throws {
        let files = try OpenSSLFiles()
        defer { files.remove() }
        _ = try Self.writeKeystore(password: "right", in: files)
        let read = try await files.openssl([
            "pkcs12", "-in", files.path("keystore.p12"), "-passin", "pass:wrong", "-nodes",
        ])
        #expect(read.status != 0)
        #expect(read.stderr.lowercased().contains("mac verify"), "\(read.stderr)")
    }

    @Test func aKeyThatIsNotPKCS8IsRefused() throws {
        let issued = try Self.issued()
        #expect(throws: PKIError.self) {
            try PKCS12Keystore.encode(
                privateKeyPEM: "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
                chainPEM: issued.chainPEM, alias: "a", password: "p")
        }
        #expect(throws: PKIError.self) {
            try PKCS12Keystore.encode(
                privateKeyPEM: issued.privateKeyPEM, chainPEM: "no certificate", alias: "a", password: "p")
        }
    }
}
