import Dispatch
import Foundation
import TestSupport
import Testing

@testable import KafkaAdmin

/// One overall deadline bounds a whole call: every pass over every address, each connect and
/// request, the backoff between passes and the name lookup. The error says how long was spent.
struct CallDeadlineTests {
    /// A listening socket that never accepts: connects complete in the kernel's backlog and
    /// requests are never answered.
    private final class SilentListener {
        let fd: Int32
        let port: UInt16

        init() throws {
            guard let (fd, port) = boundLoopbackSocket(listeningWith: 16) else {
                throw POSIXError(.EADDRINUSE)
            }
            self.fd = fd
            self.port = port
        }

        deinit { close(fd) }

        var bootstrap: String { "127.0.0.1:\(port)" }
    }

    private func failure(_ body: () async throws -> Void) async -> (KafkaAdminError?, Duration) {
        let start = ContinuousClock.now
        do {
            try await body()
            return (nil, start.duration(to: .now))
        } catch {
            return (error as? KafkaAdminError, start.duration(to: .now))
        }
    }

    /// Before the deadline, 2 addresses × 3 passes × a 5 s request timeout plus backoff took
    /// over 30 s.
    @Test func silentAddressesEndTheCallAtItsDeadline() async throws {
        let first = try SilentListener()
        let second = try SilentListener()
        let client = try KafkaProtocolAdminClient(
            bootstrap: "\(first.bootstrap),\(second.bootstrap)",
            options: KafkaAdminOptions(
                connectTimeout: .seconds(5), requestTimeout: .seconds(5), callTimeout: .seconds(1),
                attempts: 3))
        let (error, elapsed) = await failure { _ = try await client.metadata(topics: []) }
        guard case .deadlineExceeded(let timeout, let spent, let attempts)? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(timeout == .seconds(1))
        #expect(spent >= .seconds(1) && spent <= elapsed)
        #expect(elapsed < .seconds(3))
        #expect(attempts.first?.contains(first.bootstrap) == true, "\(attempts)")
        let sentence = try #require(error).description
        #expect(sentence.contains("within the 1.0 s deadline"), "\(sentence)")
        #expect(sentence.contains("gave up after 1."), "\(sentence)")
        #expect(try #require(error).isRetryable)
    }

    /// The backoff between passes is cut short by the deadline instead of overshooting it.
    @Test func backoffNeverWaitsPastTheDeadline() async throws {
        let silent = try SilentListener()
        let client = try KafkaProtocolAdminClient(
            bootstrap: silent.bootstrap,
            options: KafkaAdminOptions(
                requestTimeout: .milliseconds(200), callTimeout: .seconds(1), attempts: 3,
                initialBackoff: .seconds(20)))
        let (error, elapsed) = await failure { _ = try await client.describeCluster() }
        guard case .deadlineExceeded? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(elapsed < .seconds(3))
    }

    /// getaddrinfo may wait for a slow DNS server far longer than any of our timeouts; the call
    /// stops waiting for it at the deadline.
    @Test func aNameLookupThatHangsEndsAtTheDeadline() async throws {
        let release = DispatchSemaphore(value: 0)
        defer { release.signal() }
        var options = KafkaAdminOptions(callTimeout: .milliseconds(500), attempts: 3)
        options.nameResolver = { _, _ in
            _ = release.wait(timeout: .now() + 30)
            return .failure(NameLookup.Failure(reason: "released"))
        }
        let client = try KafkaProtocolAdminClient(bootstrap: "broker.example:9092", options: options)
        let (error, elapsed) = await failure { _ = try await client.metadata(topics: []) }
        guard case .deadlineExceeded(_, _, let attempts)? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(attempts == ["broker.example:9092: timed out during name lookup"])
        #expect(elapsed < .seconds(3))
    }

    @Test func aNameThatDoesNotResolveIsReportedAsSuch() throws {
        #expect(
            throws: KafkaAdminError.addressResolutionFailed(broker: .init(host: "x", port: 1), reason: "no")
        ) {
            _ = try NameLookup.resolve(
                .init(host: "x", port: 1), deadline: Deadline(after: .seconds(5)),
                using: { _, _ in .failure(NameLookup.Failure(reason: "no")) })
        }
        let loopback = try NameLookup.resolve(
            .init(host: "127.0.0.1", port: 9092), deadline: Deadline(after: .seconds(5)))
        #expect(loopback.first?.family == AF_INET)
    }

    /// A command's several calls share one deadline through `withDeadline`.
    @Test func withDeadlineBoundsSeveralCallsTogether() async throws {
        let silent = try SilentListener()
        let client = try KafkaProtocolAdminClient(
            bootstrap: silent.bootstrap,
            options: KafkaAdminOptions(requestTimeout: .seconds(5), callTimeout: .seconds(30), attempts: 1))
        let (error, elapsed) = await failure {
            try await KafkaProtocolAdminClient.withDeadline(.seconds(1)) {
                for _ in 0..<3 { _ = try? await client.metadata(topics: []) }
                _ = try await client.describeConfigs(broker: 7)
            }
        }
        guard case .deadlineExceeded(let timeout, _, _)? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(timeout == .seconds(1))
        #expect(elapsed < .seconds(3))
    }
}
