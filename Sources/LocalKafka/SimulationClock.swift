import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where the simulation reads the time, in milliseconds since the Unix epoch: the wall clock
/// in local mode, a clock a test moves by hand otherwise.
public protocol SimulationClock: Sendable {
    func nowMilliseconds() -> Int64
}

/// The wall clock.
public struct WallClock: SimulationClock {
    public init() {}
    public func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

/// A clock a test or a benchmark moves by hand, so simulated time passes without waiting.
public final class ManualClock: SimulationClock {
    private let now: Mutex<Int64>

    public init(_ start: Int64 = 1_700_000_000_000) { now = Mutex(start) }

    public func nowMilliseconds() -> Int64 { now.withLock { $0 } }

    public func advance(milliseconds: Int64) { now.withLock { $0 += milliseconds } }
}
