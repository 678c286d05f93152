/// Sun's JKS layout (`sun.security.provider.JavaKeyStore`): magic, version, entry count, the
/// entries, then SHA-1(password ‖ "Mighty Aphrodite" ‖ everything before it).
///
/// Read in two passes: the first only walks the structure, checking every length against the
/// bytes left; the digest is checked next; only then are keys decrypted and certificates
/// decoded, so nothing in a changed file is believed.
enum JKSReader {
    static let magic: UInt32 = 0xFEED_FEED
    private static let whitener = Array("Mighty Aphrodite".utf8)

    private struct Certificate {
        var type: String?
        var der: Range<Int>
    }

    private enum Entry {
        case privateKey(alias: String, protectedKey: Range<Int>, chain: [Certificate])
        case trustedCertificate(alias: String, Certificate)
    }

    static func read(_ bytes: [UInt8], password: String) throws(KeystoreError) -> KeystoreContents {
        // Java digests a password as its UTF-16 code units, high byte first.
        let passwordBytes = password.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        var reader = ByteReader(bytes)
        guard try reader.readUInt32() == magic else {
            throw .unknownFormat(firstBytes: Array(bytes.prefix(4)))
        }
        let version = try reader.readUInt32()
        guard version == 1 || version == 2 else { throw .unsupportedVersion(version) }
        let count = try reader.readUInt32()
        var entries: [Entry] = []
        // No capacity from `count`: every entry takes at least 14 bytes, so a false count ends in
        // `truncated` after at most the file's size in steps.
        for _ in 0..<count {
            entries.append(try readEntry(&reader, version: version))
        }
        let bodyEnd = reader.offset
        let stored = try reader.take(SHA1.length)
        guard reader.remaining == 0 else {
            throw .trailingBytes(offset: reader.offset, count: reader.remaining)
        }
        let computed = try SHA1.hash(passwordBytes[...], whitener[...], bytes[..<bodyEnd])
        guard SHA1.equal(computed, bytes[stored]) else { throw .integrityCheckFailed }

        var contents = KeystoreContents()
        for entry in entries {
            switch entry {
            case .privateKey(let alias, let protectedKey, let chain):
                let key = try JKSKeyProtector.recover(
                    bytes[protectedKey], password: passwordBytes, alias: alias)
                guard OpenSSLDER.isPKCS8PrivateKey(key[...]) else {
                    throw .malformedPrivateKey(alias: alias, reason: "OpenSSL cannot read it as PKCS#8")
                }
                var chainPEM = ""
                for certificate in chain { chainPEM += try pem(certificate, in: bytes, alias: alias) }
                contents.keyEntries.append(
                    .init(
                        alias: alias, privateKeyPEM: PEM.encode(key, label: "PRIVATE KEY"),
                        certificateChainPEM: chainPEM))
            case .trustedCertificate(let alias, let certificate):
                contents.trustedCertificatesPEM += try pem(certificate, in: bytes, alias: alias)
            }
        }
        return contents
    }

    private static func readEntry(_ reader: inout ByteReader, version: UInt32) throws(KeystoreError) -> Entry
    {
        let start = reader.offset
        let tag = try reader.readUInt32()
        guard tag == 1 || tag == 2 else { throw .unknownEntryTag(tag, offset: start) }
        let alias = try reader.readUTF()
        _ = try reader.readUInt64()  // the entry's creation time, in milliseconds
        // Version 1 predates certificate types: every certificate is X.509.
        func certificate() throws(KeystoreError) -> Certificate {
            let type = version == 2 ? try reader.readUTF() : nil
            return Certificate(type: type, der: try reader.readLengthPrefixed())
        }
        guard tag == 1 else { return .trustedCertificate(alias: alias, try certificate()) }
        let protectedKey = try reader.readLengthPrefixed()
        let chainLength = try reader.readUInt32()
        var chain: [Certificate] = []
        for _ in 0..<chainLength { chain.append(try certificate()) }
        // Java's PrivateKeyEntry needs a chain: a key without its certificate serves nothing.
        guard !chain.isEmpty else {
            throw .malformedPrivateKey(alias: alias, reason: "it has no certificate chain")
        }
        return .privateKey(alias: alias, protectedKey: protectedKey, chain: chain)
    }

    private static func pem(
        _ certificate: Certificate, in bytes: [UInt8], alias: String
    ) throws(KeystoreError) -> String {
        if let type = certificate.type, type != "X.509" {
            throw .unsupportedCertificateType(type, alias: alias)
        }
        guard OpenSSLDER.isX509Certificate(bytes[certificate.der]) else {
            throw .malformedCertificate(alias: alias)
        }
        return PEM.encode(bytes[certificate.der], label: "CERTIFICATE")
    }
}
