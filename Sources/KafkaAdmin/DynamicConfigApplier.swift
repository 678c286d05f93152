import ClusterModel
import KafkaProtocol

/// Applies desired dynamic broker configs through IncrementalAlterConfigs and checks each change
/// with DescribeConfigs; read-only changes are returned as brokers that need a restart.
public struct DynamicConfigApplier: Sendable {
    /// What an apply did.
    public struct Outcome: Sendable, Equatable {
        public var plan: DynamicConfigPlan
        /// Brokers whose read-only keys changed: their new values take effect after a restart.
        public var brokersNeedingRestart: [Int32]
        /// Brokers in the plan that are not registered yet; they read their config at start-up.
        public var skippedBrokers: [Int32]
    }

    private let client: any KafkaAdminClient
    private let verifyAttempts: Int
    private let verifyBackoff: Duration
    private let sleep: @Sendable (Duration) async throws -> Void

    /// Brokers apply dynamic configs asynchronously, so a check that fails is repeated up to
    /// `verifyAttempts` times with doubling backoff before the change counts as not applied.
    /// `sleep` waits between checks; tests pass one that records instead of waiting.
    public init(
        client: any KafkaAdminClient, verifyAttempts: Int = 5, verifyBackoff: Duration = .milliseconds(100),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.client = client
        self.verifyAttempts = max(1, verifyAttempts)
        self.verifyBackoff = verifyBackoff
        self.sleep = sleep
    }

    public func apply(
        previousPerBroker: [Int32: [String: String]], desiredPerBroker: [Int32: [String: String]],
        previousClusterWide: [String: String], desiredClusterWide: [String: String],
        classify: (String) -> DynamicConfigMode
    ) async throws -> Outcome {
        let registered = try await client.metadata(topics: []).brokers.map(\.nodeId)
        let plan = try DynamicConfigPlan(
            previousPerBroker: previousPerBroker, desiredPerBroker: desiredPerBroker,
            previousClusterWide: previousClusterWide, desiredClusterWide: desiredClusterWide,
            brokers: registered,
            classify: classify)
        if !plan.clusterWide.isEmpty {
            try await client.incrementalAlterConfigs(.clusterDefault, operations: plan.clusterWide)
            try await verify(.clusterDefault, plan.clusterWide)
        }
        var skipped: [Int32] = []
        for broker in plan.perBroker.keys.sorted() {
            guard registered.contains(broker), let operations = plan.perBroker[broker] else {
                skipped.append(broker)
                continue
            }
            try await client.incrementalAlterConfigs(.broker(broker), operations: operations)
            try await verify(.broker(broker), operations)
        }
        return Outcome(plan: plan, brokersNeedingRestart: plan.brokersNeedingRestart, skippedBrokers: skipped)
    }

    private func verify(_ target: ConfigTarget, _ operations: [ConfigOperation]) async throws {
        var attempt = 0
        while true {
            let entries: [ConfigEntry]
            switch target {
            case .broker(let id): entries = try await client.describeConfigs(broker: id)
            case .clusterDefault: entries = try await client.describeClusterDefaultConfigs()
            }
            guard let mismatch = Self.firstMismatch(operations, entries, target: target) else { return }
            attempt += 1
            if attempt >= verifyAttempts { throw mismatch }
            try await sleep(verifyBackoff * (1 << min(attempt - 1, 6)))
        }
    }

    /// A SET shows as the value (or, for a sensitive key, as a present entry); a DELETE shows as
    /// no entry from this target's own dynamic level.
    static func firstMismatch(_ operations: [ConfigOperation], _ entries: [ConfigEntry], target: ConfigTarget)
        -> KafkaAdminError?
    {
        let ownSource: ConfigEntry.Source = target == .clusterDefault ? .dynamicDefaultBroker : .dynamicBroker
        for operation in operations {
            let entry = entries.first { $0.name == operation.key }
            switch operation {
            case .set(let key, let value):
                guard let entry, entry.isSensitive || entry.value == value else {
                    return .configNotApplied(
                        resource: target.description, key: key, expected: value, actual: entry?.value)
                }
            case .delete(let key):
                if let entry, entry.source == ownSource {
                    return .configNotApplied(
                        resource: target.description, key: key, expected: nil, actual: entry.value)
                }
            case .append, .subtract:
                // List edits: the plan never makes them, and the result is not one value to compare.
                continue
            }
        }
        return nil
    }
}
