import Foundation
import KafkaProtocol
import TestSupport
import Testing

@testable import KafkaAdmin

/// Garbage, half frames, stalls and oversized frames from the peer end in a typed error within
/// the configured timeout: never a crash, never a hang.
struct MisbehavingPeerTests {
    typealias B = Bytes

    private let options = KafkaAdminOptions(
        connectTimeout: .milliseconds(500), requestTimeout: .milliseconds(300), maximumResponseSize: 1024,
        attempts: 1)

    private func openError(_ behaviour: FakeKafkaPeer.Behaviour) async -> (KafkaAdminError?, Duration) {
        let peer: FakeKafkaPeer
        do { peer = try FakeKafkaPeer(behaviour) } catch { return (nil, .zero) }
        defer { peer.stop() }
        let address = BrokerAddress(host: "127.0.0.1", port: peer.port)
        let start = ContinuousClock.now
        do {
            let connection = try await BrokerConnection.open(to: address, options: options)
            connection.close()
            return (nil, start.duration(to: .now))
        } catch {
            return (error as? KafkaAdminError, start.duration(to: .now))
        }
    }

    private var address: (FakeKafkaPeer) -> BrokerAddress {
        { BrokerAddress(host: "127.0.0.1", port: $0.port) }
    }

    @Test func garbageAfterTheCorrelationIdIsAMalformedResponse() async {
        let (error, _) = await openError(.reply { B.i32(7) + B.i32($0) + [0xFF, 0xFF, 0xDE] })
        guard case .malformedResponse(_, .apiVersions, .truncated)? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test func halfAFrameThenAStallTimesOutWithinTheRequestTimeout() async {
        let (error, elapsed) = await openError(.reply { B.i32(100) + B.i32($0) + [0, 0] })
        guard case .timedOut(_, let operation)? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(operation == "ApiVersions v3")
        #expect(elapsed < .seconds(5))
    }

    @Test func aPeerTricklingAValidResponseByteByByteStillTimesOutOnTheWholeResponse() async {
        // 24 bytes at 50 ms each need 1.2 s; the request timeout is 300 ms for the whole
        // response, however steadily bytes keep arriving (a per-read timeout would never fire).
        let body = B.i16(0) + B.ccount(0) + B.i32(0) + B.noTags
        let (error, elapsed) = await openError(
            .trickle(gap: .milliseconds(50)) {
                B.i32(Int32(4 + body.count)) + B.i32($0) + body + [UInt8](repeating: 0, count: 8)
            })
        guard case .timedOut? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(elapsed < .seconds(5))
    }

    @Test func silenceTimesOut() async {
        let (error, elapsed) = await openError(.silence)
        guard case .timedOut? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(elapsed < .seconds(5))
    }

    @Test(arguments: [Int32.max, 1025, 100 * 1024 * 1024 + 1] as [Int32])
    func aSizePrefixOverTheLimitIsRejectedBeforeReadingTheBody(size: Int32) async {
        let (error, elapsed) = await openError(.reply { _ in B.i32(size) })
        #expect(error?.codecProblem == .frameTooLarge(size: Int(size), limit: 1024))
        // Reading the announced body would have ended in a timeout instead of this error.
        #expect(elapsed < .seconds(5))
    }

    @Test func aNegativeSizePrefixIsRejected() async {
        let (error, _) = await openError(.reply { _ in B.i32(-7) })
        #expect(error?.codecProblem == .frameTooSmall(size: -7))
    }

    @Test func aHangUpIsAClosedConnectionThatMayBeRetried() async {
        let (error, _) = await openError(.hangUp)
        guard case .connectionClosed? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(error?.isRetryable == true)
    }

    @Test func aWrongCorrelationIdIsDetected() async {
        let body = B.i16(0) + B.ccount(0) + B.i32(0) + B.noTags
        let (error, _) = await openError(.reply { B.i32(Int32(4 + body.count)) + B.i32($0 + 1) + body })
        guard case .correlationMismatch(_, let expected, let received)? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(received == expected + 1)
    }

    @Test func aBrokerWithoutAnyApiWeNeedGivesNoCommonVersion() async throws {
        // A well-formed ApiVersions v3 answer offering only ApiVersions itself.
        let body = B.i16(0) + B.ccount(1) + B.i16(18) + B.i16(0) + B.i16(3) + B.noTags + B.i32(0) + B.noTags
        let peer = try FakeKafkaPeer(.reply { B.i32(Int32(4 + body.count)) + B.i32($0) + body })
        defer { peer.stop() }
        let connection = try await BrokerConnection.open(to: address(peer), options: options)
        defer { connection.close() }
        await #expect(
            throws: KafkaAdminError.noCommonVersion(
                broker: address(peer), api: .metadata, ours: 1...12, theirs: nil)
        ) {
            _ = try await connection.send(MetadataRequest(topics: []))
        }
    }

    @Test func theClientGivesUpAfterItsBoundedAttemptsWhenNoBrokerAnswers() async throws {
        let peer = try FakeKafkaPeer(.silence)
        defer { peer.stop() }
        let waits = LockedBox<[Duration]>([])
        let client = try KafkaProtocolAdminClient(
            bootstrap: peer.bootstrap,
            options: KafkaAdminOptions(
                connectTimeout: .milliseconds(200), requestTimeout: .milliseconds(200), attempts: 3,
                initialBackoff: .milliseconds(50), sleep: { duration in waits.update { $0.append(duration) } }
            ))
        let start = ContinuousClock.now
        do {
            _ = try await client.metadata(topics: [])
            Issue.record("metadata from a silent peer succeeded")
        } catch let error as KafkaAdminError {
            guard case .noBrokerReachable(let attempts) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(attempts.count == 3)
            #expect(error.isRetryable)
        }
        #expect(waits.get() == [.milliseconds(50), .milliseconds(100)])
        #expect(start.duration(to: .now) < .seconds(10))
    }
}

extension KafkaAdminError {
    fileprivate var codecProblem: KafkaCodecError? {
        if case .malformedResponse(_, _, let problem) = self { return problem }
        return nil
    }
}
