import Synchronization

/// Faults the simulated Cruise Control injects on request, for tests of how the operator
/// copes: unavailability, a task that ends with an error, slow execution. (A restart that
/// forgets its tasks is `CruiseControlSimulator.restart()`.)
public final class CruiseControlFaults: Sendable {
    private struct State: Sendable {
        var unavailableRequests = 0
        var unavailable = false
        var failNextExecutionAfterMoves: Int?
        var throttleBytesPerSecond: Double?
    }

    private let state = Mutex(State())

    public init() {}

    /// Answers the next `count` requests with 503 Service Unavailable.
    public func failNextRequests(_ count: Int) { state.withLock { $0.unavailableRequests += count } }

    /// Answers every request with 503 until `reset()`.
    public func makeUnavailable() { state.withLock { $0.unavailable = true } }

    /// The next execution ends CompletedWithError once `moves` partition movements have finished.
    public func failNextExecution(afterMoves moves: Int = 0) {
        state.withLock { $0.failNextExecutionAfterMoves = moves }
    }

    /// Executions copy replicas at this rate instead of the cluster's, until `reset()`.
    public func slowExecution(bytesPerSecond: Double) {
        state.withLock { $0.throttleBytesPerSecond = bytesPerSecond }
    }

    public func reset() { state.withLock { $0 = State() } }

    // MARK: - Used by the simulator

    func takeUnavailable() -> Bool {
        state.withLock { state in
            if state.unavailable { return true }
            guard state.unavailableRequests > 0 else { return false }
            state.unavailableRequests -= 1
            return true
        }
    }

    func takeExecutionFailure() -> Int? {
        state.withLock { state in
            defer { state.failNextExecutionAfterMoves = nil }
            return state.failNextExecutionAfterMoves
        }
    }

    var throttle: Double? { state.withLock { $0.throttleBytesPerSecond } }
}
