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
