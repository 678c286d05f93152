import HTTPClient
import Testing

@Suite struct RetryPolicyTests {
    static let policy = RetryPolicy(
        maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1), budget: .seconds(30))

    @Test(arguments: [
        (1, 0.0, Duration.milliseconds(50)),
        (1, 1.0, .milliseconds(100)),
        (2, 0.0, .milliseconds(100)),
        (3, 0.5, .milliseconds(300)),
        (5, 1.0, .seconds(1)),
        (40, 0.0, .milliseconds(500)),
        (0, 1.0, .milliseconds(100)),
    ])
    func delaysGrowExponentiallyWithinTheirCap(retry: Int, jitter: Double, expected: Duration) {
        #expect(Self.policy.delay(beforeRetry: retry, retryAfter: nil, jitter: jitter) == expected)
    }

    @Test func retryAfterReplacesTheComputedDelay() {
        #expect(Self.policy.delay(beforeRetry: 1, retryAfter: .seconds(7), jitter: 0.3) == .seconds(7))
    }

    @Test func atLeastOneAttemptIsMade() {
        #expect(
            RetryPolicy(maxAttempts: 0, baseDelay: .zero, maxDelay: .zero, budget: .zero).maxAttempts == 1)
    }
}
