import Synchronization

/// Faults the local cluster injects on request, for tests of how a client copes: failed and
/// slow API calls, conflicting updates, dropped watches, pods that never become ready, pods
/// that do not stop and containers that crash.
///
/// A `verb` is the API's (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`) and a
/// `resource` its plural (`pods`, `kafkaclusters`); nil matches any.
public final class FaultInjector: Sendable {
    private struct Scope: Sendable {
        var verb: String?
        var resource: String?

        func covers(verb: String, resource: String) -> Bool {
            (self.verb == nil || self.verb == verb) && (self.resource == nil || self.resource == resource)
        }
    }

    private struct State: Sendable {
        var failures: [(scope: Scope, remaining: Int, code: Int)] = []
        var lateFailures: [(scope: Scope, remaining: Int, code: Int)] = []
        var fractions: [(scope: Scope, fraction: Double, code: Int)] = []
        var latencies: [(scope: Scope, delay: Duration)] = []
        var conflicts: [(resource: String?, remaining: Int)] = []
        var unreadyPrefixes: [String] = []
        var unreadyLabels: [(key: String, value: String)] = []
        var stubbornPrefixes: [String] = []
        var injected = 0
    }

    /// What to do to one request.
    struct Decision: Sendable {
        var delay: Duration?
        var failureCode: Int?
        /// Serve the request, then answer with this code instead.
        var lateFailureCode: Int?
        var conflict = false
    }

    private let state = Mutex(State())
    private let dropWatchesAction = Mutex<(@Sendable () async -> Void)?>(nil)
    private let crashAction = Mutex<(@Sendable (String) async -> Int)?>(nil)

    init() {}

    /// Fails the next `count` matching requests with `code` (500 by default).
    public func failNextRequests(_ count: Int, code: Int = 500, verb: String? = nil, resource: String? = nil)
    {
        state.withLock { $0.failures.append((Scope(verb: verb, resource: resource), count, code)) }
    }

    /// Serves the next `count` matching requests, then answers each with `code` (500 by
    /// default) instead of the result, as an API server does whose write reached storage but
    /// whose answer timed out: the client hears a failure for something that happened.
    public func failNextAnswers(_ count: Int, code: Int = 500, verb: String? = nil, resource: String? = nil) {
        state.withLock { $0.lateFailures.append((Scope(verb: verb, resource: resource), count, code)) }
    }

    /// Fails this fraction (0...1) of matching requests with `code`, until `reset()`.
    public func failFraction(
        _ fraction: Double, code: Int = 500, verb: String? = nil, resource: String? = nil
    ) {
        state.withLock { $0.fractions.append((Scope(verb: verb, resource: resource), fraction, code)) }
    }

    /// Delays every matching request by `delay` before it is served, until `reset()`.
    public func addLatency(_ delay: Duration, verb: String? = nil, resource: String? = nil) {
        state.withLock { $0.latencies.append((Scope(verb: verb, resource: resource), delay)) }
    }

    /// Answers the next `count` updates (PUT or PATCH, main resource or status) with 409 Conflict,
    /// as if another writer had got there first.
    public func conflictNextUpdates(_ count: Int, resource: String? = nil) {
        state.withLock { $0.conflicts.append((resource, count)) }
    }

    /// Ends every open watch now; clients see their streams finish and must watch again.
    public func dropAllWatches() async {
        await dropWatchesAction.withLock { $0 }?()
    }

    /// Pods whose name starts with `prefix` start but never become ready.
    public func neverReady(podNamePrefix prefix: String) {
        state.withLock { $0.unreadyPrefixes.append(prefix) }
    }

    /// Pods carrying the label `key=value` start but never become ready.
    public func neverReady(podLabel key: String, value: String) {
        state.withLock { $0.unreadyLabels.append((key, value)) }
    }

    /// Pods whose name starts with `prefix` ignore the signal to stop: once deleted they stay,
    /// terminating, until their grace period is over (or until `reset()`).
    public func ignoreTermination(podNamePrefix prefix: String) {
        state.withLock { $0.stubbornPrefixes.append(prefix) }
    }

    /// Makes the containers of every running pod whose name starts with `prefix` exit with an
    /// error, as a crashed process would: the kubelet restarts them in place under
    /// `restartPolicy: Always` (or `OnFailure`), and under `Never` the pod ends `Failed` and stays
    /// so until someone replaces it. Returns how many pods crashed.
    @discardableResult
    public func crashContainers(podNamePrefix prefix: String) async -> Int {
        guard let action = crashAction.withLock({ $0 }) else { return 0 }
        return await action(prefix)
    }

    /// Removes every fault.
    public func reset() {
        state.withLock { state in
            let injected = state.injected
            state = State()
            state.injected = injected
        }
    }

    /// How many requests were failed or conflicted on purpose so far.
    public var injectedCount: Int { state.withLock { $0.injected } }

    // MARK: - Used by the cluster

    func onDropWatches(_ action: @escaping @Sendable () async -> Void) {
        dropWatchesAction.withLock { $0 = action }
    }

    func onCrash(_ action: @escaping @Sendable (String) async -> Int) {
        crashAction.withLock { $0 = action }
    }

    func decide(verb: String, resource: String) -> Decision {
        state.withLock { state in
            var decision = Decision()
            for latency in state.latencies where latency.scope.covers(verb: verb, resource: resource) {
                decision.delay = (decision.delay ?? .zero) + latency.delay
            }
            if let index = state.failures.firstIndex(where: {
                $0.remaining > 0 && $0.scope.covers(verb: verb, resource: resource)
            }) {
                state.failures[index].remaining -= 1
                decision.failureCode = state.failures[index].code
            } else if let fraction = state.fractions.first(where: {
                $0.scope.covers(verb: verb, resource: resource)
            }),
                Double.random(in: 0..<1) < fraction.fraction
            {
                decision.failureCode = fraction.code
            } else if verb == "update" || verb == "patch",
                let index = state.conflicts.firstIndex(where: {
                    $0.remaining > 0 && ($0.resource == nil || $0.resource == resource)
                })
            {
                state.conflicts[index].remaining -= 1
                decision.conflict = true
            }
            if decision.failureCode == nil, !decision.conflict,
                let index = state.lateFailures.firstIndex(where: {
                    $0.remaining > 0 && $0.scope.covers(verb: verb, resource: resource)
                })
            {
                state.lateFailures[index].remaining -= 1
                decision.lateFailureCode = state.lateFailures[index].code
            }
            if decision.failureCode != nil || decision.lateFailureCode != nil || decision.conflict {
                state.injected += 1
            }
            return decision
        }
    }

    func ignoresTermination(name: String) -> Bool {
        state.withLock { state in state.stubbornPrefixes.contains { name.hasPrefix($0) } }
    }

    func blocksReadiness(name: String, labels: [String: String]) -> Bool {
        state.withLock { state in
            state.unreadyPrefixes.contains { name.hasPrefix($0) }
                || state.unreadyLabels.contains { labels[$0.key] == $0.value }
        }
    }
}
