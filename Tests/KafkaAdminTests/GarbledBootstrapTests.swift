import Foundation
import TestSupport
import Testing

@testable import KafkaAdmin

/// The first bootstrap address answers with something that is not Kafka (an HTTP or TLS
/// service, random bytes); as librdkafka does, the client moves on to the next address, a real
/// broker (tansu), and the call succeeds.
@Suite(.enabled(if: TansuBroker.isAvailable, "tansu is not installed"))
final class GarbledBootstrapTests {
    typealias B = Bytes

    let broker: TansuBroker

    init() async throws { broker = try await TansuBroker() }

    deinit { broker.stop() }

    /// What the first address sends back to the client's ApiVersions request.
    static let answers: [(name: String, bytes: @Sendable (Int32) -> [UInt8])] = [
        ("an HTTP error", { _ in Array("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n".utf8) }),
        ("a TLS alert", { _ in [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46] }),
        ("random bytes", { _ in GarbledBootstrapTests.randomBytes(count: 200, seed: 42) }),
        (
            "a well-framed body that is no ApiVersions answer",
            { B.i32(12) + B.i32($0) + [0xFF, 0xFF, 0xDE, 0xAD] }
        ),
        ("a negative frame size", { _ in B.i32(-1) + [0, 0, 0, 1] }),
        ("a short frame with a wrong correlation id", { B.i32(10) + B.i32($0 &+ 7) + [0, 0, 0, 0, 0, 0] }),
    ]

    /// Bytes that look random but are the same in every run, so a failure can be replayed.
    static func randomBytes(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    private func client(_ first: String) throws -> KafkaProtocolAdminClient {
        try KafkaProtocolAdminClient(
            bootstrap: "\(first),\(broker.bootstrap)",
            options: KafkaAdminOptions(
                connectTimeout: .seconds(2), requestTimeout: .seconds(1), callTimeout: .seconds(20)))
    }

    @Test(arguments: answers.map(\.name))
    func aGarbledFirstAddressIsSkippedForTheNextOne(answer: String) async throws {
        let bytes = try #require(Self.answers.first { $0.name == answer }?.bytes)
        let garbled = try FakeKafkaPeer(.reply(bytes))
        defer { garbled.stop() }
        let client = try client(garbled.bootstrap)
        let start = ContinuousClock.now
        #expect(try await client.describeCluster().clusterId == "tansu_cluster")
        #expect(try await client.metadata(topics: []).brokers.map(\.nodeId) == [111])
        #expect(start.duration(to: .now) < .seconds(10))
        await client.close()
    }

    /// A real HTTP server first: whether it answers or waits for a line end that never comes,
    /// the client ends up at the broker.
    @Test(.enabled(if: Peer.available("python3"))) func aRealHTTPServerFirstIsSkipped() async throws {
        let directory = try TemporaryDirectory(prefix: "http-first")
        defer { directory.remove() }
        let port = freeLoopbackPort()
        let http = try BackgroundProcess(
            "python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1"],
            logFile: directory.file("http.log"))
        defer { http.stop(signal: SIGKILL) }
        #expect(await waitUntil(timeout: .seconds(10)) { isListening(port: port) })
        let client = try client("127.0.0.1:\(port)")
        #expect(try await client.describeCluster().clusterId == "tansu_cluster")
        await client.close()
    }

    /// With only garbled addresses the call fails once, with the terminal error, instead of
    /// retrying passes that cannot help.
    @Test func onlyGarbledAddressesEndInATerminalErrorAfterOnePass() async throws {
        let garbled = try FakeKafkaPeer(.reply { _ in Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8) })
        defer { garbled.stop() }
        let sleeps = LockedBox(0)
        let client = try KafkaProtocolAdminClient(
            bootstrap: garbled.bootstrap,
            options: KafkaAdminOptions(attempts: 3, sleep: { _ in sleeps.update { $0 += 1 } }))
        await #expect {
            _ = try await client.metadata(topics: [])
        } throws: { error in
            guard let error = error as? KafkaAdminError, case .malformedResponse = error else { return false }
            return !error.isRetryable
        }
        #expect(sleeps.get() == 0)
    }

    /// A garbled address and a dead one: retryable overall, and both are named.
    @Test func aGarbledAndADeadAddressAreBothReported() async throws {
        let garbled = try FakeKafkaPeer(.reply { _ in [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46] })
        defer { garbled.stop() }
        let dead = freeLoopbackPort()
        let client = try KafkaProtocolAdminClient(
            bootstrap: "\(garbled.bootstrap),127.0.0.1:\(dead)",
            options: KafkaAdminOptions(attempts: 1))
        do {
            _ = try await client.metadata(topics: [])
            Issue.record("metadata from a garbled and a dead address succeeded")
        } catch let error as KafkaAdminError {
            guard case .noBrokerReachable(let attempts) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(attempts.count == 2)
            #expect(attempts.first?.contains("not a Kafka ApiVersions answer") == true, "\(attempts)")
            #expect(error.isRetryable)
        }
    }
}
