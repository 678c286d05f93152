import Foundation
import Keystores
import TestSupport
import Testing

/// JKS files written by pyjks from keys and certificates the openssl CLI made, read back and
/// held to what openssl says of the originals: the same certificates byte for byte, the same
/// PKCS#8 key. Then the same files cut short, changed and opened with the wrong password.
@Suite(
    .enabled(if: Peer.available("openssl"), "openssl is not installed"),
    .enabled(if: Peer.availablePythonModule("jks"), "pyjks is not installed"))
struct JKSReaderTests {
    static let passwords = ["changeit", "pässwörd-🔑"]

    @Test(arguments: KeystorePeers.KeyAlgorithm.allCases, passwords)
    func aKeyEntryReadsAsTheKeyAndChainOpenSSLMade(_ algorithm: KeystorePeers.KeyAlgorithm, password: String)
        async throws
    {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        try await peers.makeCA("ca")
        try await peers.makeLeaf("broker", algorithm, signedBy: "ca")
        let bytes = try await peers.pyjks(
            "keystore.jks", password: password,
            entries: [
                .key(
                    "broker-0", key: peers.path("broker.key.der"),
                    chain: [peers.path("broker.der"), peers.path("ca.der")])
            ])

        let contents = try JavaKeystore.read(bytes, password: password)

        #expect(contents.trustedCertificatesPEM == "")
        let entry = try #require(contents.keyEntries.first)
        #expect(contents.keyEntries.count == 1)
        #expect(entry.alias == "broker-0")
        let expectedChain = try await peers.certificatePEM("broker") + peers.certificatePEM("ca")
        #expect(entry.certificateChainPEM == expectedChain)
        // The PKCS#8 that went in, and a key OpenSSL reads whose public half is the original's.
        let originalKey = try await peers.openssl([
            "pkcs8", "-topk8", "-nocrypt", "-in", peers.path("broker.key"),
        ])
        #expect(entry.privateKeyPEM == originalKey)
        let publicKey = try await peers.publicKey(ofPrivateKeyPEM: entry.privateKeyPEM)
        let originalPublicKey = try await peers.openssl(["pkey", "-in", peers.path("broker.key"), "-pubout"])
        #expect(publicKey == originalPublicKey)
    }

    @Test func trustedCertificateEntriesReadAsTheirPEM() async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        try await peers.makeCA("ca")
        try await peers.makeCA("other-ca")
        let bytes = try await peers.pyjks(
            "truststore.jks", password: "changeit",
            entries: [
                .trusted("ca", certificate: peers.path("ca.der")),
                .trusted("other", certificate: peers.path("other-ca.der")),
            ])

        let contents = try JavaKeystore.read(bytes, password: "changeit")

        #expect(contents.keyEntries.isEmpty)
        let expected = try await peers.certificatePEM("ca") + peers.certificatePEM("other-ca")
        #expect(contents.trustedCertificatesPEM == expected)
    }

    /// Version 1, from before certificate types were written, laid out from pyjks's entries;
    /// keytool reads such a file, and so must this reader.
    @Test func aVersion1KeystoreReadsLikeVersion2() async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        try await peers.makeCA("ca")
        try await peers.makeLeaf("broker", .ecP256, signedBy: "ca")
        let entries: [KeystorePeers.JKSEntry] = [
            .key(
                "broker", key: peers.path("broker.key.der"),
                chain: [peers.path("broker.der"), peers.path("ca.der")]),
            .trusted("ca", certificate: peers.path("ca.der")),
        ]
        let version1 = try await peers.pyjks("v1.jks", password: "pw", version: 1, entries: entries)
        let version2 = try await peers.pyjks("v2.jks", password: "pw", version: 2, entries: entries)
        #expect(version1[7] == 1 && version2[7] == 2)

        let read = try JavaKeystore.read(version1, password: "pw")
        #expect(read == (try JavaKeystore.read(version2, password: "pw")))
        let ca = try await peers.certificatePEM("ca")
        #expect(read.keyEntries.count == 1 && read.trustedCertificatesPEM == ca)
    }

    @Test func aWrongPasswordFailsTheIntegrityCheck() async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        let bytes = try await Self.smallKeystore(peers, password: "right")
        #expect(throws: KeystoreError.integrityCheckFailed) {
            try JavaKeystore.read(bytes, password: "wrong")
        }
        #expect(throws: KeystoreError.integrityCheckFailed) { try JavaKeystore.read(bytes, password: "") }
    }

    /// Keytool lets a key have a password of its own; one Secret has one password, so such a
    /// key is refused by name rather than handed over as garbage.
    @Test func aKeyUnderAnotherPasswordFailsItsCheck() async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        try await peers.makeCA("ca")
        try await peers.makeLeaf("broker", .ecP256, signedBy: "ca")
        var entry = KeystorePeers.JKSEntry.key(
            "broker", key: peers.path("broker.key.der"), chain: [peers.path("broker.der")])
        entry.keyPassword = "the-key's-own"
        let bytes = try await peers.pyjks("keystore.jks", password: "store", entries: [entry])
        #expect(throws: KeystoreError.keyCheckFailed(alias: "broker")) {
            try JavaKeystore.read(bytes, password: "store")
        }
    }

    /// A key entry without its certificate could serve no TLS: refused when read, as Java's
    /// `PrivateKeyEntry` refuses an empty chain.
    @Test func aKeyWithoutACertificateChainIsRefused() async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        try await peers.makeCA("ca")
        try await peers.makeLeaf("broker", .ecP256, signedBy: "ca")
        let bytes = try await peers.pyjks(
            "keystore.jks", password: "store",
            entries: [.key("broker", key: peers.path("broker.key.der"), chain: [])])
        #expect(
            throws: KeystoreError.malformedPrivateKey(alias: "broker", reason: "it has no certificate chain")
        ) {
            try JavaKeystore.read(bytes, password: "store")
        }
    }

    @Test func aKeyProtectedByAnotherAlgorithmIsRefused() async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        try await peers.makeCA("ca")
        var entry = KeystorePeers.JKSEntry(alias: "pbes2", chain: [peers.path("ca.der")])
        entry.keyProtectionOID = "1.2.840.113549.1.5.13"
        let bytes = try await peers.pyjks("keystore.jks", password: "pw", entries: [entry])
        #expect(
            throws: KeystoreError.unsupportedKeyProtection(algorithm: "1.2.840.113549.1.5.13", alias: "pbes2")
        ) {
            try JavaKeystore.read(bytes, password: "pw")
        }
    }

    /// Every prefix of a valid keystore, the empty one included, is an error and never a crash.
    @Test func truncationAtEveryOffsetIsAnError() async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        let bytes = try await Self.smallKeystore(peers, password: "pw")
        _ = try JavaKeystore.read(bytes, password: "pw")
        for length in 0..<bytes.count {
            #expect(throws: KeystoreError.self, "cut at \(length)") {
                try JavaKeystore.read(Array(bytes.prefix(length)), password: "pw")
            }
        }
        let cutInTheFirstEntry = #expect(throws: KeystoreError.self) {
            try JavaKeystore.read(Array(bytes.prefix(40)), password: "pw")
        }
        #expect(cutInTheFirstEntry.map { if case .truncated = $0 { true } else { false } } == true)
    }

    /// The digest covers every byte before it, so a change anywhere (the digest included) is an
    /// error, mostly the integrity check's; a changed length may be caught as truncation first.
    @Test func aFlippedByteAnywhereIsAnError() async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        let bytes = try await Self.smallKeystore(peers, password: "pw")
        for offset in bytes.indices {
            var changed = bytes
            changed[offset] ^= 0x01
            #expect(throws: KeystoreError.self, "byte \(offset) flipped") {
                try JavaKeystore.read(changed, password: "pw")
            }
        }
        var inTheKey = bytes
        inTheKey[60] ^= 0x80
        #expect(throws: KeystoreError.integrityCheckFailed) {
            try JavaKeystore.read(inTheKey, password: "pw")
        }
    }

    @Test func bytesAfterTheDigestAreRefused() async throws {
        let peers = try KeystorePeers()
        defer { peers.remove() }
        let bytes = try await Self.smallKeystore(peers, password: "pw")
        #expect(throws: KeystoreError.trailingBytes(offset: bytes.count, count: 1)) {
            try JavaKeystore.read(bytes + [0], password: "pw")
        }
    }

    /// A key entry (chain of one) and a trusted certificate: every kind of field, about 1 KiB.
    static func smallKeystore(_ peers: KeystorePeers, password: String) async throws -> [UInt8] {
        try await peers.makeCA("ca")
        try await peers.makeLeaf("broker", .ecP256, signedBy: "ca")
        return try await peers.pyjks(
            "small.jks", password: password,
            entries: [
                .key("broker", key: peers.path("broker.key.der"), chain: [peers.path("broker.der")]),
                .trusted("ca", certificate: peers.path("ca.der")),
            ])
    }
}
