import ClusterModel

/// The IncrementalAlterConfigs operations that take brokers from the previous desired configs
/// to the new ones, and the brokers that need a restart for read-only keys.
///
/// A broker missing from the new per-broker map is left alone (it is being removed, or not yet
/// managed); one missing from the previous map has all of its keys set.
public struct DynamicConfigPlan: Sendable, Equatable {
    public var perBroker: [Int32: [ConfigOperation]]
    public var clusterWide: [ConfigOperation]
    public var brokersNeedingRestart: [Int32]

    public init(
        perBroker: [Int32: [ConfigOperation]], clusterWide: [ConfigOperation], brokersNeedingRestart: [Int32]
    ) {
        self.perBroker = perBroker
        self.clusterWide = clusterWide
        self.brokersNeedingRestart = brokersNeedingRestart
    }

    /// Builds the plan, or throws `invalidConfigChange` (before anything is changed) when the
    /// cluster-wide map changes a per-broker-only key. `brokers` are the registered brokers,
    /// which all need a restart when a read-only cluster-wide key changes.
    public init(
        previousPerBroker: [Int32: [String: String]], desiredPerBroker: [Int32: [String: String]],
        previousClusterWide: [String: String], desiredClusterWide: [String: String], brokers: [Int32],
        classify: (String) -> DynamicConfigMode
    ) throws {
        var restart = Set<Int32>()
        var clusterOperations: [ConfigOperation] = []
        for key in Self.changedKeys(previousClusterWide, desiredClusterWide) {
            switch classify(key) {
            case .readOnly:
                restart.formUnion(brokers)
                restart.formUnion(desiredPerBroker.keys)
            case .perBroker:
                throw KafkaAdminError.invalidConfigChange(
                    key: key, reason: "it can only be set per broker, not cluster-wide")
            case .clusterWide:
                clusterOperations.append(Self.operation(key: key, desired: desiredClusterWide[key]))
            }
        }
        var brokerOperations: [Int32: [ConfigOperation]] = [:]
        for (broker, desired) in desiredPerBroker {
            for key in Self.changedKeys(previousPerBroker[broker] ?? [:], desired) {
                if classify(key) == .readOnly {
                    restart.insert(broker)
                } else {
                    brokerOperations[broker, default: []].append(
                        Self.operation(key: key, desired: desired[key]))
                }
            }
        }
        self.init(
            perBroker: brokerOperations, clusterWide: clusterOperations,
            brokersNeedingRestart: restart.sorted())
    }

    public var isEmpty: Bool { perBroker.isEmpty && clusterWide.isEmpty && brokersNeedingRestart.isEmpty }

    private static func changedKeys(_ previous: [String: String], _ desired: [String: String]) -> [String] {
        Set(previous.keys).union(desired.keys).filter { previous[$0] != desired[$0] }.sorted()
    }

    private static func operation(key: String, desired: String?) -> ConfigOperation {
        desired.map { .set(key: key, value: $0) } ?? .delete(key: key)
    }
}
