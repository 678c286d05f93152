import COpenSSL
import Foundation
import Keystores
import PKI
import TestSupport
import Testing

/// PKCS#12 files written by `openssl pkcs12 -export`, with today's algorithms (AES-256 and
/// PBKDF2) and with `-legacy` (RC2-40 and 3DES, what Java 8 and OpenSSL 1.1 wrote), read back
/// through the same entry point as JKS, since a file named `.jks` may be either.
@Suite(.enabled(if: Peer.available("openssl"), "openssl is not installed"))
struct PKCS12ReaderTests {
    enum Algorithms: String, CaseIterable, Sendable {
        case modern, legacy
        var arguments: [String] { self == .legacy ? ["-legacy"] : [] }
    }

    @Test(arguments: Algorithms.allCases)
    func aKeystoreReadsAsTheKeyAndChainOpenSSLMade(_ algorithms: Algorithms) async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        try await peers.makeCA("ca")
        try await peers.makeLeaf("broker", .rsa2048, signedBy: "ca")
        let password = "pässwörd"
        let bytes = try await peers.pkcs12(
            "keystore.jks", password: password,
            arguments: algorithms.arguments + [
                "-inkey", peers.path("broker.key"), "-in", peers.path("broker.pem"), "-certfile",
                peers.path("ca.pem"),
                "-name", "broker-0",
            ])

        let contents = try JavaKeystore.read(bytes, password: password)

        #expect(contents.trustedCertificatesPEM == "")
        let entry = try #require(contents.keyEntries.first)
        #expect(contents.keyEntries.count == 1)
        #expect(entry.alias == "broker-0")
        let expectedChain = try await peers.certificatePEM("broker") + peers.certificatePEM("ca")
        #expect(entry.certificateChainPEM == expectedChain)
        #expect(entry.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let publicKey = try await peers.publicKey(ofPrivateKeyPEM: entry.privateKeyPEM)
        let originalPublicKey = try await peers.openssl(["pkey", "-in", peers.path("broker.key"), "-pubout"])
        #expect(publicKey == originalPublicKey)
    }

    @Test(arguments: Algorithms.allCases)
    func aCertificatesOnlyFileReadsAsTrustedCertificates(_ algorithms: Algorithms) async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        try await peers.makeCA("ca")
        try await peers.makeCA("other-ca")
        let both = try await peers.certificatePEM("ca") + peers.certificatePEM("other-ca")
        try Data(both.utf8).write(to: peers.directory.file("cas.pem"))
        let bytes = try await peers.pkcs12(
            "truststore.jks", password: "changeit",
            arguments: algorithms.arguments + ["-nokeys", "-in", peers.path("cas.pem")])

        let contents = try JavaKeystore.read(bytes, password: "changeit")

        #expect(contents.keyEntries.isEmpty)
        #expect(contents.trustedCertificatesPEM == both)
    }

    /// The legacy algorithms live in a library context of the reader's own: reading a legacy
    /// file leaves the process's default context (the one TLS uses) without them.
    @Test func legacyAlgorithmsStayOutOfTheProcessDefault() async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        try await peers.makeCA("ca")
        let bytes = try await peers.pkcs12(
            "legacy.p12", password: "pw", arguments: ["-legacy", "-nokeys", "-in", peers.path("ca.pem")])
        _ = try JavaKeystore.read(bytes, password: "pw")
        let rc2 = EVP_CIPHER_fetch(nil, "RC2-40-CBC", nil)
        defer { EVP_CIPHER_free(rc2) }
        ERR_clear_error()
        #expect(rc2 == nil)
    }

    @Test func aWrongPasswordFailsTheMAC() async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        try await peers.makeCA("ca")
        let bytes = try await peers.pkcs12(
            "keystore.p12", password: "right",
            arguments: ["-inkey", peers.path("ca.key"), "-in", peers.path("ca.pem")])
        #expect(throws: KeystoreError.integrityCheckFailed) {
            try JavaKeystore.read(bytes, password: "wrong")
        }
    }

    /// The operator's own PKCS#12 writer (Cruise Control's keystore) read back.
    @Test func theOperatorsKeystoreOpensOnlyWithItsPassword() throws {
        let ca = try CertificateAuthority.create(commonName: "cluster-ca", now: Date())
        let issued = try ca.issue(CertificateRequest(commonName: "cc", usage: .server), now: Date())
        let keystore = try PKCS12Keystore.encode(
            privateKeyPEM: issued.privateKeyPEM, chainPEM: issued.chainPEM, alias: "cc", password: "right")

        let contents = try JavaKeystore.read(keystore, password: "right")

        let entry = try #require(contents.keyEntries.first)
        #expect(entry.alias == "cc")
        #expect(entry.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(entry.certificateChainPEM.components(separatedBy: "-----BEGIN CERTIFICATE-----").count == 3)
        #expect(throws: KeystoreError.integrityCheckFailed) {
            try JavaKeystore.read(keystore, password: "wrong")
        }
    }
}
