import ClusterModel

extension DynamicConfigApplier {
    /// Applies the dynamic configuration change from `previous` to `desired` (two KafkaCluster
    /// specs) with the key classification of `KafkaConfigCatalog`.
    ///
    /// Brokers whose `readOnlyConfig` sections changed are added to the restart list whatever
    /// their keys: those sections go into server.properties, read only at start-up.
    public func apply(previous: KafkaClusterSpec, desired: KafkaClusterSpec) async throws -> Outcome {
        var outcome = try await apply(
            previousPerBroker: Self.perBrokerMaps(previous), desiredPerBroker: Self.perBrokerMaps(desired),
            previousClusterWide: previous.clusterWideProperties,
            desiredClusterWide: desired.clusterWideProperties,
            classify: KafkaConfigCatalog.mode(of:))
        let restarts = Set(outcome.brokersNeedingRestart).union(
            desired.brokersWithChangedReadOnlyProperties(since: previous))
        outcome.brokersNeedingRestart = restarts.sorted()
        return outcome
    }

    static func perBrokerMaps(_ spec: KafkaClusterSpec) -> [Int32: [String: String]] {
        Dictionary(uniqueKeysWithValues: spec.brokers.map { ($0.id, spec.perBrokerProperties(of: $0)) })
    }
}
