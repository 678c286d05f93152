/// How often and how long a call is retried after throttling (429), a server error (5xx other
/// than 501) or a connection failure.
///
/// Delays grow exponentially from `baseDelay`, capped at `maxDelay`, with "equal jitter": the
/// wait before retry *n* lies between half and all of `min(maxDelay, baseDelay * 2^(n-1))`, so
/// many clients retrying at once spread out. A server's `Retry-After` replaces the computed
/// delay. No retry starts once `budget` (measured from the first attempt) would be exceeded.
public struct RetryPolicy: Equatable, Sendable {
    /// Attempts in all, the first one included: 1 means never retry.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The most time one call may take over all its attempts and waits.
    public var budget: Duration

    public init(maxAttempts: Int, baseDelay: Duration, maxDelay: Duration, budget: Duration) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.budget = budget
    }

    /// Five attempts, 200 ms doubling up to 10 s, one minute in all.
    public static let standard = RetryPolicy(
        maxAttempts: 5, baseDelay: .milliseconds(200), maxDelay: .seconds(10), budget: .seconds(60))

    /// One attempt, no retries.
    public static let never = RetryPolicy(
        maxAttempts: 1, baseDelay: .zero, maxDelay: .zero, budget: .zero)

    /// The wait before retry number `retry` (1 for the first retry). `jitter` is a number in
    /// `0..<1`; `retryAfter` is the server's `Retry-After`, which wins when present.
    public func delay(beforeRetry retry: Int, retryAfter: Duration?, jitter: Double) -> Duration {
        if let retryAfter { return retryAfter }
        let exponent = min(max(retry - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let half = ceiling / 2
        return half + half * min(max(jitter, 0), 1)
    }
}

/// What one attempt of a call came to, as its caller judges it.
public enum AttemptOutcome<Success, Failure: Error> {
    case success(Success)
    /// Sending the same request again may succeed; `retryAfter` is the server's wish.
    case retryable(Failure, retryAfter: Duration?)
    /// Another attempt cannot help, or might do harm.
    case failure(Failure)
}

extension RetryPolicy {
    /// Makes attempts (`attempt` gets its number, from 1) until one succeeds or fails for good,
    /// waiting on `clock` between them. A retryable failure ends the call when `maxAttempts`
    /// are spent, when the wait would pass `budget`, or when the task is cancelled; a cancelled
    /// wait throws `cancelled`. `onRetry` hears of each retry (its number, the wait and the
    /// failure) before the wait, for a log line.
    public func run<Success, Failure: Error>(
        clock: RetryClock, cancelled: @autoclosure () -> Failure,
        onRetry: (_ attempt: Int, _ delay: Duration, _ failure: Failure) -> Void = { _, _, _ in },
        attempt: (_ number: Int) async throws(Failure) -> AttemptOutcome<Success, Failure>
    ) async throws(Failure) -> Success {
        let started = clock.now()
        var number = 1
        while true {
            switch try await attempt(number) {
            case .success(let value):
                return value
            case .failure(let failure):
                throw failure
            case .retryable(let failure, let retryAfter):
                guard number < maxAttempts, !Task.isCancelled else { throw failure }
                let wait = delay(
                    beforeRetry: number, retryAfter: retryAfter, jitter: Double.random(in: 0..<1))
                guard clock.now() - started + wait <= budget else { throw failure }
                onRetry(number + 1, wait, failure)
                do { try await clock.sleep(wait) } catch { throw cancelled() }
                number += 1
            }
        }
    }
}
