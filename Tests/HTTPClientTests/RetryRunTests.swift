import HTTPClient
import Synchronization
import Testing

/// `RetryPolicy.run`: the loop both clients retry with.
@Suite struct RetryRunTests {
    enum Failure: Error, Equatable {
        case busy(Int)
        case broken
        case cancelled
    }

    /// A clock whose sleeps return at once and move its time, recording each.
    final class Clock: Sendable {
        private let state = Mutex<(elapsed: Duration, sleeps: [Duration])>((.zero, []))
        private let start = ContinuousClock.now
        var sleeps: [Duration] { state.withLock { $0.sleeps } }
        var retryClock: RetryClock {
            RetryClock(
                now: { [self] in start + state.withLock { $0.elapsed } },
                sleep: { [self] duration in
                    state.withLock {
                        $0.elapsed += duration
                        $0.sleeps.append(duration)
                    }
                })
        }
    }

    static let policy = RetryPolicy(
        maxAttempts: 4, baseDelay: .milliseconds(100), maxDelay: .seconds(1), budget: .seconds(10))

    @Test func retryableFailuresAreTriedAgainUntilOneSucceeds() async throws {
        let clock = Clock()
        var heard: [Int] = []
        let value = try await Self.policy.run(
            clock: clock.retryClock, cancelled: Failure.cancelled,
            onRetry: { attempt, _, _ in heard.append(attempt) },
            attempt: { number throws(Failure) in
                number < 3 ? .retryable(.busy(number), retryAfter: nil) : .success("done on \(number)")
            })
        #expect(value == "done on 3")
        #expect(heard == [2, 3])
        #expect(clock.sleeps.count == 2)
    }

    @Test func aFailureThatIsNotRetryableEndsTheCallAtOnce() async throws {
        let clock = Clock()
        await #expect(throws: Failure.broken) {
            _ = try await Self.policy.run(clock: clock.retryClock, cancelled: Failure.cancelled) {
                _ throws(Failure) -> AttemptOutcome<Int, Failure> in .failure(.broken)
            }
        }
        #expect(clock.sleeps.isEmpty)
    }

    @Test func theLastRetryableFailureIsThrownOnceTheAttemptsAreSpent() async throws {
        let clock = Clock()
        await #expect(throws: Failure.busy(4)) {
            _ = try await Self.policy.run(clock: clock.retryClock, cancelled: Failure.cancelled) {
                number throws(Failure) -> AttemptOutcome<Int, Failure> in
                .retryable(.busy(number), retryAfter: nil)
            }
        }
        #expect(clock.sleeps.count == 3)
    }

    @Test func aServersWaitIsHonouredAndOneBeyondTheBudgetEndsTheCall() async throws {
        let clock = Clock()
        await #expect(throws: Failure.busy(2)) {
            _ = try await Self.policy.run(clock: clock.retryClock, cancelled: Failure.cancelled) {
                number throws(Failure) -> AttemptOutcome<Int, Failure> in
                .retryable(.busy(number), retryAfter: number == 1 ? .seconds(3) : .seconds(60))
            }
        }
        #expect(clock.sleeps == [.seconds(3)])
    }

    @Test func aCancelledWaitThrowsTheCancellationFailure() async throws {
        let clock = RetryClock(now: { ContinuousClock.now }, sleep: { _ in throw CancellationError() })
        await #expect(throws: Failure.cancelled) {
            _ = try await Self.policy.run(clock: clock, cancelled: Failure.cancelled) {
                number throws(Failure) -> AttemptOutcome<Int, Failure> in
                .retryable(.busy(number), retryAfter: nil)
            }
        }
    }
}
