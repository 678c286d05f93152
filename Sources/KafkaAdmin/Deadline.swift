/// A point in monotonic time by which a blocking step must finish.
struct Deadline: Sendable {
    let instant: ContinuousClock.Instant

    init(after duration: Duration) { instant = ContinuousClock.now.advanced(by: duration) }

    /// Milliseconds left, clamped to what poll() accepts; 0 once passed.
    var remainingMilliseconds: Int32 {
        let left = ContinuousClock.now.duration(to: instant)
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: millis)
    }

    var hasPassed: Bool { ContinuousClock.now >= instant }
}
