import Foundation
import KafkaProtocol
import TestSupport
import Testing

@testable import KafkaAdmin

/// Exchanges that tansu cannot show, against a scripted peer that answers like a Kafka broker:
/// a successful SASL login (PLAIN and SCRAM), a handshake refusing the mechanism, the
/// ApiVersions fallback, and routing a broker's config request to that broker by node id.
struct ScriptedBrokerTests {
    typealias B = Bytes

    /// A frame: size, correlation id, tags when the response header is flexible, body.
    static func frame(_ request: FakeKafkaPeer.Request, flexibleHeader: Bool, _ body: [UInt8]) -> [UInt8] {
        let payload = B.i32(request.correlationId) + (flexibleHeader ? B.noTags : []) + body
        return B.i32(Int32(payload.count)) + payload
    }

    /// ApiVersions v3 offering the given ranges (ApiVersions' response header is always v0).
    static func apiVersions(_ request: FakeKafkaPeer.Request, _ ranges: [(Int16, Int16, Int16)]) -> [UInt8] {
        var body = B.i16(0) + B.ccount(ranges.count)
        for (key, low, high) in ranges { body += B.i16(key) + B.i16(low) + B.i16(high) + B.noTags }
        return frame(request, flexibleHeader: false, body + B.i32(0) + B.noTags)
    }

    static let saslRanges: [(Int16, Int16, Int16)] = [(18, 0, 3), (3, 0, 12), (17, 0, 1), (36, 0, 2)]

    /// Metadata v12 listing `brokers` (id, port) with broker 1 as controller, no topics.
    static func metadata(_ request: FakeKafkaPeer.Request, brokers: [(Int32, UInt16)]) -> [UInt8] {
        var body = B.i32(0) + B.ccount(brokers.count)
        for (id, port) in brokers {
            body += B.i32(id) + B.cstr("127.0.0.1") + B.i32(Int32(port)) + B.nullCstr + B.noTags
        }
        body += B.cstr("scripted") + B.i32(1) + B.ccount(0) + B.noTags
        return frame(request, flexibleHeader: true, body)
    }

    /// The auth bytes of a SaslAuthenticate v2 request (compact bytes after the header tags).
    static func authBytes(_ request: FakeKafkaPeer.Request) -> [UInt8] {
        var reader = WireReader(request.rest)
        guard (try? reader.skipTaggedFields("header")) != nil else { return [] }
        return (try? reader.readBytes("auth_bytes", flexible: true)) ?? []
    }

    static func saslAuthenticate(_ request: FakeKafkaPeer.Request, error: Int16 = 0, _ bytes: [UInt8])
        -> [UInt8]
    {
        let message = error == 0 ? B.nullCstr : B.cstr("denied")
        return frame(
            request, flexibleHeader: true,
            B.i16(error) + message + [UInt8(bytes.count + 1)] + bytes + B.i64(0) + B.noTags)
    }

    private func client(_ peer: FakeKafkaPeer, sasl: SASLCredentials? = nil) throws
        -> KafkaProtocolAdminClient
    {
        try KafkaProtocolAdminClient(
            bootstrap: peer.bootstrap,
            options: KafkaAdminOptions(
                connectTimeout: .seconds(2), requestTimeout: .seconds(2), attempts: 1, sasl: sasl))
    }

    @Test func plainSendsTheRFC4616MessageAndThenWorks() async throws {
        let seen = LockedBox<[UInt8]>([])
        let peer = try FakeKafkaPeer(
            .script { request in
                switch request.apiKey {
                case 18: return Self.apiVersions(request, Self.saslRanges)
                case 17:
                    return Self.frame(request, flexibleHeader: false, B.i16(0) + B.count(1) + B.str("PLAIN"))
                case 36:
                    seen.set(Self.authBytes(request))
                    return Self.saslAuthenticate(request, [])
                case 3: return Self.metadata(request, brokers: [(1, 9092)])
                default: return nil
                }
            })
        defer { peer.stop() }
        let client = try client(peer, sasl: .init(mechanism: .plain, username: "alice", password: "secret"))
        #expect(try await client.metadata(topics: []).clusterId == "scripted")
        #expect(seen.get() == Array("\0alice\0secret".utf8))
        await client.close()
    }

    @Test(arguments: [SASLCredentials.Mechanism.scramSHA256, .scramSHA512])
    func scramCompletesAgainstAServerThatKnowsThePassword(mechanism: SASLCredentials.Mechanism) async throws {
        let server = LockedBox(
            SCRAMServer(hash: mechanism == .scramSHA256 ? .sha256 : .sha512, password: "secret"))
        let peer = try FakeKafkaPeer(
            .script { request in
                switch request.apiKey {
                case 18: return Self.apiVersions(request, Self.saslRanges)
                case 17:
                    return Self.frame(
                        request, flexibleHeader: false, B.i16(0) + B.count(1) + B.str(mechanism.rawValue))
                case 36:
                    let message = String(decoding: Self.authBytes(request), as: UTF8.self)
                    guard let answer = server.update({ $0.answer(message) }) else {
                        return Self.saslAuthenticate(request, error: 58, [])
                    }
                    return Self.saslAuthenticate(request, Array(answer.utf8))
                case 3: return Self.metadata(request, brokers: [(1, 9092)])
                default: return nil
                }
            })
        defer { peer.stop() }
        let good = try client(peer, sasl: .init(mechanism: mechanism, username: "alice", password: "secret"))
        #expect(try await good.metadata(topics: []).clusterId == "scripted")
        await good.close()
        let bad = try client(peer, sasl: .init(mechanism: mechanism, username: "alice", password: "wrong"))
        await #expect(
            throws: KafkaAdminError.saslFailed(
                broker: BrokerAddress(host: "127.0.0.1", port: peer.port), mechanism: mechanism.rawValue,
                reason: "denied")
        ) {
            _ = try await bad.metadata(topics: [])
        }
    }

    @Test func aHandshakeRefusingTheMechanismNamesTheOnesOffered() async throws {
        let peer = try FakeKafkaPeer(
            .script { request in
                switch request.apiKey {
                case 18: return Self.apiVersions(request, Self.saslRanges)
                case 17:
                    return Self.frame(
                        request, flexibleHeader: false, B.i16(33) + B.count(1) + B.str("GSSAPI"))
                default: return nil
                }
            })
        defer { peer.stop() }
        let client = try client(peer, sasl: .init(mechanism: .plain, username: "a", password: "b"))
        await #expect(
            throws: KafkaAdminError.saslFailed(
                broker: BrokerAddress(host: "127.0.0.1", port: peer.port), mechanism: "PLAIN",
                reason: "UNSUPPORTED_SASL_MECHANISM; the broker offers GSSAPI")
        ) {
            _ = try await client.metadata(topics: [])
        }
    }

    @Test func anOlderBrokerAnsweringUnsupportedVersionIsAskedAgainInItsVersion() async throws {
        let versions = LockedBox<[Int16]>([])
        let peer = try FakeKafkaPeer(
            .script { request in
                guard request.apiKey == 18 else { return nil }
                versions.update { $0.append(request.version) }
                if request.version > 2 {
                    // As Kafka does: a v0 body with UNSUPPORTED_VERSION and its ApiVersions range.
                    return Self.frame(
                        request, flexibleHeader: false,
                        B.i16(35) + B.count(1) + B.i16(18) + B.i16(0) + B.i16(2))
                }
                let body =
                    B.i16(0) + B.count(2) + B.i16(18) + B.i16(0) + B.i16(2) + B.i16(3) + B.i16(0) + B.i16(8)
                    + B.i32(0)
                return Self.frame(request, flexibleHeader: false, body)
            })
        defer { peer.stop() }
        let client = try client(peer)
        #expect(try await client.negotiatedRanges() == [.apiVersions: 0...2, .metadata: 0...8])
        #expect(try await client.version(for: MetadataRequest.self) == 8)
        #expect(versions.get() == [3, 2])
    }

    @Test func aBrokersConfigsAreAskedOfThatBrokerByNodeId() async throws {
        let askedOfSecond = LockedBox(0)
        let second = try FakeKafkaPeer(
            .script { request in
                switch request.apiKey {
                case 18: return Self.apiVersions(request, [(18, 0, 3), (3, 0, 12), (32, 0, 4)])
                case 32:
                    askedOfSecond.update { $0 += 1 }
                    let body =
                        B.i32(0) + B.ccount(1) + B.i16(0) + B.nullCstr + B.i8(4) + B.cstr("2") + B.ccount(1)
                        + B.cstr("log.retention.ms") + B.cstr("5") + B.bool(false) + B.i8(2) + B.bool(false)
                        + B.ccount(0) + B.i8(5) + B.nullCstr + B.noTags + B.noTags + B.noTags
                    return Self.frame(request, flexibleHeader: true, body)
                default: return nil
                }
            })
        defer { second.stop() }
        let secondPort = second.port
        let first = try FakeKafkaPeer(
            .script { request in
                switch request.apiKey {
                case 18: return Self.apiVersions(request, [(18, 0, 3), (3, 0, 12), (32, 0, 4)])
                case 3: return Self.metadata(request, brokers: [(1, 1), (2, secondPort)])
                default: return nil
                }
            })
        defer { first.stop() }
        let client = try client(first)
        let configs = try await client.describeConfigs(broker: 2)
        #expect(
            configs == [
                .init(
                    name: "log.retention.ms", value: "5", isReadOnly: false, sourceCode: 2,
                    isSensitive: false,
                    configType: 5)
            ])
        #expect(askedOfSecond.get() == 1)
        await #expect(throws: KafkaAdminError.unknownBroker(id: 9)) {
            _ = try await client.describeConfigs(broker: 9)
        }
        await client.close()
    }
}

/// The server side of SCRAM, for the scripted broker: answers client-first with server-first,
/// and client-final with server-final when the proof is right (nil when it is not).
struct SCRAMServer: Sendable {
    let hash: SCRAMHash
    let password: String
    let salt: [UInt8] = Array("pepper-and-salt".utf8)
    var clientFirstBare = ""
    var serverFirst = ""

    init(hash: SCRAMHash, password: String) {
        self.hash = hash
        self.password = password
    }

    mutating func answer(_ message: String) -> String? {
        if message.hasPrefix("n,,") {
            clientFirstBare = String(message.dropFirst(3))
            let nonce =
                clientFirstBare.split(separator: ",").first { $0.hasPrefix("r=") }.map { $0.dropFirst(2) }
                ?? ""
            serverFirst = "r=\(nonce)server,s=\(Base64.encode(salt)),i=4096"
            return serverFirst
        }
        guard let proofRange = message.range(of: ",p=") else { return nil }
        let withoutProof = String(message[..<proofRange.lowerBound])
        guard let proof = Base64.decode(String(message[proofRange.upperBound...])) else { return nil }
        let salted = hash.pbkdf2(password: Array(password.utf8), salt: salt, iterations: 4096)
        let storedKey = hash.hash(hash.hmac(key: salted, data: Array("Client Key".utf8)))
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let signature = hash.hmac(key: storedKey, data: authMessage)
        let clientKey = zip(proof, signature).map { $0 ^ $1 }
        guard hash.hash(clientKey) == storedKey else { return nil }
        let serverKey = hash.hmac(key: salted, data: Array("Server Key".utf8))
        return "v=\(Base64.encode(hash.hmac(key: serverKey, data: authMessage)))"
    }
}
