import Keystores
import Testing

/// Hostile and foreign input: each row a file a user could put in a Secret, and the error it
/// must give (never a crash, a hang or an allocation its counts ask for).
struct JavaKeystoreTests {
    enum Expected: Sendable {
        case error(KeystoreError)
        case unreadablePKCS12
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let expected: Expected
        var testDescription: String { name }
    }

    static let jks: [UInt8] = [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]
    static let keyEntryHeader: [UInt8] =
        [0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0x61] + [UInt8](repeating: 0, count: 8)

    static let rows: [Row] = [
        Row(name: "empty", bytes: [], expected: .error(.empty)),
        Row(
            name: "over the size bound", bytes: [UInt8](repeating: 0x30, count: JavaKeystore.maximumSize + 1),
            expected: .error(.tooLarge(size: JavaKeystore.maximumSize + 1, limit: JavaKeystore.maximumSize))),
        Row(
            name: "JCEKS", bytes: [0xCE, 0xCE, 0xCE, 0xCE, 0, 0, 0, 2, 0, 0, 0, 0],
            expected: .error(.jceksNotSupported)),
        Row(
            name: "a ZIP file", bytes: [0x50, 0x4B, 0x03, 0x04, 0x14, 0],
            expected: .error(.unknownFormat(firstBytes: [0x50, 0x4B, 0x03, 0x04]))),
        Row(
            name: "PEM text", bytes: Array("-----BEGIN CERTIFICATE-----\n".utf8),
            expected: .error(.unknownFormat(firstBytes: Array("----".utf8)))),
        Row(
            name: "shorter than a magic", bytes: [0xFE, 0xED],
            expected: .error(.truncated(offset: 0, needed: 4, available: 2))),
        Row(name: "garbage DER", bytes: [0x30, 0x03, 0x01, 0x02], expected: .unreadablePKCS12),
        Row(
            name: "a DER SEQUENCE that is not PKCS#12", bytes: [0x30, 0x03, 0x02, 0x01, 0x05],
            expected: .unreadablePKCS12),
        Row(
            name: "a DER length of 2³² − 1", bytes: [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0x01, 0x03],
            expected: .unreadablePKCS12),
        Row(
            name: "JKS version 3", bytes: [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 3, 0, 0, 0, 0],
            expected: .error(.unsupportedVersion(3))),
        Row(
            name: "2³² − 1 entries and none there", bytes: jks + [0xFF, 0xFF, 0xFF, 0xFF],
            expected: .error(.truncated(offset: 12, needed: 4, available: 0))),
        Row(
            name: "no entries and no digest", bytes: jks + [0, 0, 0, 0],
            expected: .error(.truncated(offset: 12, needed: 20, available: 0))),
        Row(
            name: "an unknown entry tag", bytes: jks + [0, 0, 0, 1, 0, 0, 0, 3],
            expected: .error(.unknownEntryTag(3, offset: 12))),
        Row(
            name: "an alias of 65535 bytes", bytes: jks + [0, 0, 0, 1, 0, 0, 0, 1, 0xFF, 0xFF, 0x61],
            expected: .error(.truncated(offset: 16, needed: 65_537, available: 3))),
        Row(
            name: "an alias that is not UTF-8", bytes: jks + [0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0xFF],
            expected: .error(.malformedText(offset: 16))),
        Row(
            name: "a key of 2³² − 1 bytes", bytes: jks + keyEntryHeader + [0xFF, 0xFF, 0xFF, 0xFF, 1, 2],
            expected: .error(.truncated(offset: 27, needed: 4 + 0xFFFF_FFFF, available: 6))),
        Row(
            name: "a chain of 2³² − 1 certificates and none there",
            bytes: jks + keyEntryHeader + [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF],
            expected: .error(.truncated(offset: 35, needed: 2, available: 0))),
        Row(
            name: "a certificate of 2³² − 1 bytes",
            bytes: jks + [0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0x61] + [UInt8](repeating: 0, count: 8)
                + [0, 5] + Array("X.509".utf8) + [0xFF, 0xFF, 0xFF, 0xFF],
            expected: .error(.truncated(offset: 34, needed: 4 + 0xFFFF_FFFF, available: 4))),
    ]

    @Test(arguments: rows)
    func hostileInputIsRefused(_ row: Row) {
        let error = #expect(throws: KeystoreError.self) { try JavaKeystore.read(row.bytes, password: "pw") }
        switch row.expected {
        case .error(let expected):
            #expect(error == expected)
        case .unreadablePKCS12:
            guard case .unreadablePKCS12? = error else {
                Issue.record("expected an unreadable PKCS#12 error, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func theJCEKSErrorSaysHowToConvert() {
        let message = KeystoreError.jceksNotSupported.description
        #expect(
            message.contains("JCEKS") && message.contains("PKCS#12")
                && message.contains("keytool -importkeystore"))
    }

    @Test func theIntegrityErrorNamesBothCauses() {
        let message = KeystoreError.integrityCheckFailed.description
        #expect(message.contains("password is wrong") && message.contains("damaged"))
    }
}
