import Testing

@testable import Keystores

struct PEMTests {
    /// RFC 4648's test vectors.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func base64(_ input: String, _ expected: String) {
        #expect(Base64.encode(Array(input.utf8)) == expected)
    }

    @Test func linesAreSixtyFourCharactersLong() {
        let pem = PEM.encode([UInt8](repeating: 0xFF, count: 96), label: "CERTIFICATE")
        let lines = pem.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "-----BEGIN CERTIFICATE-----")
        #expect(lines.dropFirst().first?.count == 64)
        #expect(lines.dropFirst(2).first.map(String.init) == String(repeating: "/", count: 64))
        #expect(lines.dropFirst(3).first == "-----END CERTIFICATE-----")
        #expect(lines.last == "")
    }
}
