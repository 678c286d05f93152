import LocalKafka
import Synchronization

/// A simulation clock a test moves by hand.
final class ManualClock: SimulationClock {
    private let now: Mutex<Int64>

    init(_ start: Int64 = 1_700_000_000_000) { now = Mutex(start) }

    func nowMilliseconds() -> Int64 { now.withLock { $0 } }

    func advance(milliseconds: Int64) { now.withLock { $0 += milliseconds } }
}
