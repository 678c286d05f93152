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

    struct IterationRow: Sendable, CustomTestStringConvertible {
        let name: String
        let certificateSafe: UInt32
        let keyBag: UInt32
        let refused: Bool
        var testDescription: String { name }
    }

    static let iterationRows: [IterationRow] = [
        IterationRow(name: "both within the bound", certificateSafe: 65_536, keyBag: 65_536, refused: false),
        IterationRow(
            name: "the certificates' safe over Java's limit", certificateSafe: 8_388_607, keyBag: 65_536,
            refused: true),
        IterationRow(
            name: "the key bag over Java's limit", certificateSafe: 65_536, keyBag: 8_388_607, refused: true),
        IterationRow(
            name: "each within Java's limit, over it together", certificateSafe: 3_000_000,
            keyBag: 3_000_000, refused: true),
    ]

    /// The bags' iteration counts are the user's as much as the MAC's, and the MAC is no guard:
    /// whoever knows the password makes it. Counts over the bound are refused before OpenSSL
    /// spends them (8 388 607 rounds take seconds; 2³¹ − 1, half an hour).
    @Test(arguments: iterationRows)
    func bagIterationCountsOverTheBoundAreRefusedBeforeTheyAreSpent(_ row: IterationRow) async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        try await peers.makeCA("ca")
        // 65 536 is written as INTEGER 01 00 00: three bytes, room for any count below 2²³.
        let written = try await peers.pkcs12(
            "keystore.p12", password: "changeit",
            arguments: ["-iter", "65536", "-inkey", peers.path("ca.key"), "-in", peers.path("ca.pem")])
        let counts = Self.ranges(of: [0x02, 0x03, 0x01, 0x00, 0x00], in: written)
        // The certificates' encrypted safe, the key bag in the data safe, then the MAC.
        try #require(counts.count == 3)
        var bytes = written
        for (range, count) in zip(counts, [row.certificateSafe, row.keyBag]) {
            bytes.replaceSubrange(
                range, with: [0x02, 0x03, UInt8(count >> 16), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)])
        }
        let keystore = try #require(Self.withMAC(bytes, password: "changeit"))

        if row.refused {
            let error = #expect(throws: KeystoreError.self) {
                try JavaKeystore.read(keystore, password: "changeit")
            }
            guard case .unreadablePKCS12(let reason)? = error else {
                Issue.record("expected unreadablePKCS12, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("more than 5000000 iterations in all"))
        } else {
            let contents = try JavaKeystore.read(keystore, password: "changeit")
            #expect(contents.keyEntries.count == 1)
        }
    }

    /// scrypt's cost is memory as well as rounds (N = 1024, p = 20 000 takes seconds within
    /// OpenSSL's memory bound), and Java does not read it: refused whatever its parameters.
    @Test func aKeyBagEncryptedWithScryptIsRefused() async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        try await peers.makeCA("ca")
        try await peers.openssl([
            "pkcs8", "-topk8", "-in", peers.path("ca.key"), "-scrypt", "-scrypt_N", "16", "-scrypt_r", "1",
            "-scrypt_p", "1", "-passout", "pass:changeit", "-outform", "DER", "-out",
            peers.path("ca.key.scrypt"),
        ])
        let keystore = try #require(
            Self.pkcs12(shroudedKey: try peers.read("ca.key.scrypt"), password: "changeit"))

        let error = #expect(throws: KeystoreError.self) {
            try JavaKeystore.read(keystore, password: "changeit")
        }
        guard case .unreadablePKCS12(let reason)? = error else {
            Issue.record("expected unreadablePKCS12, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("a key bag uses an algorithm other than PKCS#12 PBE or PBES2 with PBKDF2"))
    }

    /// A PKCS#12 file of one data safe holding `shroudedKey` (an EncryptedPrivateKeyInfo, DER) as
    /// its only bag, with a MAC under `password`.
    private static func pkcs12(shroudedKey: [UInt8], password: String) -> [UInt8]? {
        defer { ERR_clear_error() }
        let decoded = shroudedKey.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_X509_SIG(nil, &cursor, buffer.count)
        }
        guard let encrypted = decoded, let bag = PKCS12_SAFEBAG_create0_pkcs8(encrypted) else { return nil }
        guard let bags = OPENSSL_sk_new_null() else { return nil }
        defer { keystores_safebag_stack_free(bags) }
        guard OPENSSL_sk_push(bags, UnsafeRawPointer(bag)) > 0, let safe = PKCS12_pack_p7data(bags),
            let safes = OPENSSL_sk_new_null()
        else { return nil }
        defer { keystores_pkcs7_stack_free(safes) }
        guard OPENSSL_sk_push(safes, UnsafeRawPointer(safe)) > 0, let p12 = PKCS12_add_safes(safes, 0) else {
            return nil
        }
        defer { PKCS12_free(p12) }
        return der(of: p12, macPassword: password)
    }

    private static func ranges(of pattern: [UInt8], in bytes: [UInt8]) -> [Range<Int>] {
        (0...(bytes.count - pattern.count)).filter { bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }
            .map { $0..<($0 + pattern.count) }
    }

    /// `pkcs12` with its MAC made again under `password`, as anyone who knows it can.
    private static func withMAC(_ pkcs12: [UInt8], password: String) -> [UInt8]? {
        defer { ERR_clear_error() }
        let parsed = pkcs12.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_PKCS12(nil, &cursor, buffer.count)
        }
        guard let p12 = parsed else { return nil }
        defer { PKCS12_free(p12) }
        return der(of: p12, macPassword: password)
    }

    /// The DER of `p12` after a MAC of one iteration under `macPassword` is set on it.
    private static func der(of p12: OpaquePointer, macPassword: String) -> [UInt8]? {
        guard PKCS12_set_mac(p12, macPassword, -1, nil, 0, 1, nil) == 1 else { return nil }
        let length = i2d_PKCS12(p12, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_PKCS12(p12, &cursor)
        }
        return written == length ? der : nil
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
