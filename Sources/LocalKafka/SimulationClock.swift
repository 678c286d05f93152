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
