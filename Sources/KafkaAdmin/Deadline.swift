/// A point in monotonic time by which a blocking step must finish.
struct Deadline: Sendable {
    let instant: ContinuousClock.Instant

    init(after duration: Duration) { instant = ContinuousClock.now.advanced(by: duration) }

    /// `duration` from now, but never later than `outer`: a step's own timeout inside a call's
    /// overall deadline.
    init(after duration: Duration, within outer: Deadline?) {
        let own = ContinuousClock.now.advanced(by: duration)
        instant = outer.map { min(own, $0.instant) } ?? own
    }

    /// Milliseconds left, clamped to what poll() accepts; 0 once passed.
    var remainingMilliseconds: Int32 {
        let left = remaining
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: millis)
    }

    /// Time left; zero or negative once passed.
    var remaining: Duration { ContinuousClock.now.duration(to: instant) }

    var hasPassed: Bool { ContinuousClock.now >= instant }
}
