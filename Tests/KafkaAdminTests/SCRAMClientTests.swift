import Testing

@testable import KafkaAdmin

/// SCRAM against the published test vectors: RFC 5802 section 5 (SHA-1) and RFC 7677 section 3
/// (SHA-256), with the client nonce fixed to the RFCs' value.
struct SCRAMClientTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let hash: SCRAMHash
        let nonce: String
        let serverFirst: String
        let clientFinal: String
        let serverFinal: String
        var testDescription: String { name }
    }

    static let vectors = [
        Vector(
            name: "RFC 5802 SHA-1", hash: .sha1, nonce: "fyko+d2lbbFgONRv9qkxdawL",
            serverFirst: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
            clientFinal: "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
            serverFinal: "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="),
        Vector(
            name: "RFC 7677 SHA-256", hash: .sha256, nonce: "rOprNGfwEbeRWgbNEkqO",
            serverFirst:
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            clientFinal:
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
    ]

    @Test(arguments: vectors)
    func producesTheRFCMessagesAndAcceptsTheServerSignature(vector: Vector) throws {
        var client = SCRAMClient(
            hash: vector.hash, username: "user", password: "pencil", clientNonce: vector.nonce)
        #expect(client.clientFirstMessage == "n,,n=user,r=\(vector.nonce)")
        #expect(try client.clientFinalMessage(serverFirst: vector.serverFirst) == vector.clientFinal)
        try client.verify(serverFinal: vector.serverFinal)
    }

    @Test(arguments: vectors)
    func rejectsAServerThatDoesNotKnowThePassword(vector: Vector) throws {
        var client = SCRAMClient(
            hash: vector.hash, username: "user", password: "pencil", clientNonce: vector.nonce)
        _ = try client.clientFinalMessage(serverFirst: vector.serverFirst)
        #expect(throws: SCRAMClient.Failure.serverSignatureMismatch) {
            try client.verify(
                serverFinal: "v=" + Base64.encode([UInt8](repeating: 1, count: vector.hash.outputSize)))
        }
    }

    @Test(
        arguments: [
            (
                "nonce not extending ours", "r=other,s=QSXCR+Q6sek8bf92,i=4096",
                SCRAMClient.Failure.nonceMismatch
            ),
            ("nonce equal to ours", "r=abc,s=QSXCR+Q6sek8bf92,i=4096", .nonceMismatch),
            ("no salt", "r=abcdef,i=4096", .malformedServerMessage("r=abcdef,i=4096")),
            ("salt not base64", "r=abcdef,s=!!!,i=4096", .malformedServerMessage("r=abcdef,s=!!!,i=4096")),
            (
                "iterations not a number", "r=abcdef,s=QSXCR+Q6sek8bf92,i=x",
                .malformedServerMessage("r=abcdef,s=QSXCR+Q6sek8bf92,i=x")
            ),
            ("too few iterations", "r=abcdef,s=QSXCR+Q6sek8bf92,i=1", .iterationCountTooLow(1)),
            (
                "iterations that would stall us", "r=abcdef,s=QSXCR+Q6sek8bf92,i=2000000000",
                .iterationCountTooHigh(2_000_000_000)
            ),
            ("empty message", "", .malformedServerMessage("")),
        ] as [(String, String, SCRAMClient.Failure)])
    func hostileServerFirstMessagesAreRejected(
        name: String, serverFirst: String, failure: SCRAMClient.Failure
    ) {
        var client = SCRAMClient(hash: .sha256, username: "u", password: "p", clientNonce: "abc")
        #expect(throws: failure, "\(name)") { _ = try client.clientFinalMessage(serverFirst: serverFirst) }
    }

    @Test func aServerErrorInTheFinalMessageIsReported() throws {
        let client = SCRAMClient(hash: .sha256, username: "u", password: "p", clientNonce: "abc")
        #expect(throws: SCRAMClient.Failure.serverError("invalid-proof")) {
            try client.verify(serverFinal: "e=invalid-proof")
        }
    }

    @Test func usernamesAreEscaped() {
        let client = SCRAMClient(hash: .sha512, username: "a=b,c", password: "p", clientNonce: "n")
        #expect(client.clientFirstMessage == "n,,n=a=3Db=2Cc,r=n")
    }

    @Test(
        arguments: [
            ([], ""), (Array("f".utf8), "Zg=="), (Array("fo".utf8), "Zm8="), (Array("foo".utf8), "Zm9v"),
            (Array("foobar".utf8), "Zm9vYmFy"),
        ] as [([UInt8], String)])
    func base64RoundTripsTheRFC4648Vectors(bytes: [UInt8], text: String) {
        #expect(Base64.encode(bytes) == text)
        #expect(Base64.decode(text) == bytes)
    }
}
