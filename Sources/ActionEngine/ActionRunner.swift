import ClusterModel
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Runs action requests against the cluster store: checks policies, applies the action, and
/// records it with the cluster, all in one optimistic write, so an accepted action is durable
/// before anyone is told it was accepted, and an alert is acted on at most once.
public actor ActionRunner {
    private let store: any ClusterStore
    private let registry: ActionRegistry
    private let policy: ActionPolicy
    private let time: any TimeSource
    /// Alert firings known to be processed, so a storm of re-sends is answered without I/O or
    /// even a hop onto this actor. Only an optimisation: the durable record is the cluster's
    /// `processedAlerts`.
    private let processed = Mutex<Set<String>>([])

    public init(
        store: any ClusterStore, registry: ActionRegistry = .builtIn, policy: ActionPolicy = ActionPolicy(),
        time: any TimeSource = SystemTime()
    ) {
        self.store = store
        self.registry = registry
        self.policy = policy
        self.time = time
    }

    /// Writes to one cluster from this process take turns, so they never conflict with each other.
    private let turns = ClusterWriteTurns()
    /// Attempts of one read-modify-write when writers outside the process (the reconciler,
    /// `kubectl edit`) keep changing the cluster under it.
    public static let maxWriteAttempts = 10

    /// Runs one request. Throws only when retrying can help (the store failed for now) or the
    /// request was cancelled; every other result, a store's permanent refusal included, is an
    /// outcome.
    public func run(_ request: ActionRequest) async throws(ClusterStoreError) -> ActionOutcome {
        if isKnownDuplicate(request.source) { return .duplicate }
        guard let action = registry.action(for: request.command) else {
            return .rejected(
                reason:
                    "unknown command '\(request.command.prefix(64))'; known: \(registry.commands.joined(separator: ", "))"
            )
        }
        return try await inTurn(namespace: request.namespace, cluster: request.cluster) {
            () async throws(ClusterStoreError) in
            try await self.apply(action, request)
        }
    }

    /// Reads, decides and writes, retrying from a fresh read when a writer outside the process
    /// got there first. Runs in the cluster's turn.
    private func apply(_ action: any Action, _ request: ActionRequest) async throws(ClusterStoreError)
        -> ActionOutcome
    {
        let dedupeKey = Self.dedupeKey(request.source)
        // Another writer may have acted on this firing while this one waited for its turn.
        if isKnownDuplicate(request.source) { return .duplicate }
        var stored = try await store.get(namespace: request.namespace, name: request.cluster)
        let context = ActionContext(policy: policy)
        var attempt = 0
        while true {
            attempt += 1
            var document = stored.document
            let now = time.now()
            let decision = decide(action, request, &document.cluster, context: context, now: now)
            guard case .accepted(_, let change) = decision else {
                if case .duplicate = decision, let dedupeKey { remember(dedupeKey) }
                return decision
            }
            if request.dryRun || policy.dryRun { return .planned(change: change) }
            do {
                _ = try await store.update(document, expectedRevision: stored.revision)
                if let dedupeKey { remember(dedupeKey) }
                return decision
            } catch .conflict where attempt < Self.maxWriteAttempts {
                stored = try await store.get(namespace: request.namespace, name: request.cluster)
            }
        }
    }

    /// Counts an alert labelled `rollingupgrade` against the cluster's rolling upgrade while it
    /// fires: no action. The cluster keeps the firing ones by fingerprint
    /// (`status.rollingUpgradeAlerts`, bounded); a resolved notification takes its alert out,
    /// and so does the passing of an alert's `endsAt`. `alertCount` is how many are left.
    public func countRollingUpgradeAlert(
        namespace: String, cluster: String, alert: FiringAlert, firing: Bool
    ) async throws(ClusterStoreError) -> ActionOutcome {
        let now = Int64((time.now().timeIntervalSince1970 * 1000).rounded())
        return try await inTurn(namespace: namespace, cluster: cluster) {
            () async throws(ClusterStoreError) in
            _ = try await self.store.modify(
                namespace: namespace, name: cluster, maxAttempts: Self.maxWriteAttempts
            ) { document in
                var status = document.cluster.status ?? KafkaClusterStatus()
                var alerts = (status.rollingUpgradeAlerts ?? []).filter {
                    $0.fingerprint != alert.fingerprint && $0.isFiring(at: now)
                }
                if firing, alert.isFiring(at: now) { alerts.append(alert) }
                alerts = Array(alerts.suffix(Self.maxRollingUpgradeAlerts))
                status.rollingUpgradeAlerts = alerts.isEmpty ? nil : alerts
                status.alertCount = alerts.count
                document.cluster.status = status
            }
            return .recorded(
                reason: firing
                    ? "counted against the rolling upgrade's failure threshold"
                    : "resolved: no longer counted against the rolling upgrade")
        }
    }

    /// More firing rolling-upgrade alerts than this are not kept (the oldest go): any count
    /// this high is far past every sensible failure threshold.
    static let maxRollingUpgradeAlerts = 64

    /// Runs `body` in the cluster's turn and turns the store's answers into outcomes where
    /// retrying cannot help: a missing cluster, or a store that refuses for good (no
    /// permission, an object it will not accept, an unreadable object). Only failures a retry
    /// may cure, and cancellation, are thrown.
    private func inTurn(
        namespace: String, cluster: String,
        _ body: () async throws(ClusterStoreError) -> ActionOutcome
    ) async throws(ClusterStoreError) -> ActionOutcome {
        let key = "\(namespace)/\(cluster)"
        await turns.begin(key)
        let result: Result<ActionOutcome, ClusterStoreError>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        await turns.finish(key)
        switch result {
        case .success(let outcome): return outcome
        case .failure(.notFound):
            return .unknownCluster(reason: "KafkaCluster \(namespace)/\(cluster) does not exist")
        case .failure(.cancelled): throw .cancelled
        case .failure(let error) where error.isRetryable: throw error
        case .failure(let error): return .rejected(reason: error.description)
        }
    }

    /// The actions recorded with a cluster, oldest first.
    public func actionLog(namespace: String, cluster: String) async throws(ClusterStoreError)
        -> [ActionRecord]
    {
        try await store.get(namespace: namespace, name: cluster).cluster.status?.actionLog ?? []
    }

    /// Applies the action to a copy of `cluster`, then checks every policy, and only then
    /// records the change there. A request that is wrong is rejected whatever the cluster is
    /// doing; a right one waits (deferred, not marked processed) while the cluster is busy
    /// or the command's cooldown runs. A dry run gets the same answer the real request would.
    private func decide(
        _ action: any Action, _ request: ActionRequest, _ cluster: inout KafkaCluster, context: ActionContext,
        now: Date
    ) -> ActionOutcome {
        if Self.wasProcessed(request.source, in: cluster) { return .duplicate }
        var changed = cluster
        let change: String
        do {
            change = try action.apply(request, to: &changed, context: context)
        } catch {
            if case .unknownClaim = error { return .unknownClaim(reason: error.description) }
            return .rejected(reason: error.description)
        }
        let problems = ClusterValidator.problems(in: changed)
        guard problems.isEmpty else {
            return .rejected(reason: ActionError.invalidResult(problems).description)
        }
        if action.scalesCluster, let hold = cluster.scalingHold {
            return .deferred(reason: hold)
        }
        var status = changed.status ?? KafkaClusterStatus()
        let lastSame = status.actionLog?.last {
            $0.command.lowercased() == action.command.lowercased() && $0.outcome == "accepted"
        }
        if let lastSame, let at = Date(rfc3339: lastSame.time) {
            let elapsed = now.timeIntervalSince(at)
            let cooldown = Double(policy.cooldown.components.seconds)
            if elapsed < cooldown {
                return .deferred(
                    reason: "\(action.command) ran \(Int(elapsed)) s ago; the cooldown is \(Int(cooldown)) s")
            }
        }

        let id = "\(action.command)-\(Int(now.timeIntervalSince1970 * 1000))"
        let record = ActionRecord(
            id: id, command: action.command, source: request.source.description, time: now.rfc3339,
            change: change,
            outcome: "accepted")
        status.actionLog = Array(((status.actionLog ?? []) + [record]).suffix(policy.actionLogLimit))
        if case .alert(let fingerprint, let startsAt) = request.source {
            let entry = ProcessedAlert(fingerprint: fingerprint, startsAt: startsAt, processedAt: now.rfc3339)
            status.processedAlerts = Array(
                ((status.processedAlerts ?? []) + [entry]).suffix(policy.processedAlertLimit))
        }
        changed.status = status
        cluster = changed
        return .accepted(id: id, change: change)
    }

    /// Whether the cluster records this alert firing as acted on.
    private static func wasProcessed(_ source: ActionSource, in cluster: KafkaCluster) -> Bool {
        guard case .alert(let fingerprint, let startsAt) = source else { return false }
        return cluster.status?.processedAlerts?.contains {
            $0.fingerprint == fingerprint && $0.startsAt == startsAt
        } == true
    }

    /// Whether this alert firing is already known to be acted on; answers from memory, so a
    /// caller can skip the asynchronous `run` for re-sends.
    public nonisolated func isKnownDuplicate(_ source: ActionSource) -> Bool {
        guard let key = Self.dedupeKey(source) else { return false }
        return processed.withLock { $0.contains(key) }
    }

    private func remember(_ key: String) {
        processed.withLock { processed in
            // Bounded: the store's processedAlerts stays the authority for anything forgotten here.
            if processed.count >= 10_000 { processed.removeAll(keepingCapacity: true) }
            processed.insert(key)
        }
    }

    private static func dedupeKey(_ source: ActionSource) -> String? {
        guard case .alert(let fingerprint, let startsAt) = source else { return nil }
        return "\(fingerprint)@\(startsAt)"
    }
}
