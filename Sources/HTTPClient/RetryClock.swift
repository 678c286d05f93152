/// Where the client's retry loop reads the time and waits: the real clock in production, a
/// manual one in tests so that backoff runs instantly and its delays can be checked.
public struct RetryClock: Sendable {
    public var now: @Sendable () -> ContinuousClock.Instant
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(
        now: @escaping @Sendable () -> ContinuousClock.Instant,
        sleep: @escaping @Sendable (Duration) async throws -> Void
    ) {
        self.now = now
        self.sleep = sleep
    }

    public static let continuous = RetryClock(
        now: { ContinuousClock.now }, sleep: { try await Task.sleep(for: $0) })
}
