import ClusterModel

extension ClusterStore {
    /// Writes what the reconciler writes once a cluster has caught up with its spec: the state
    /// `ClusterRunning` and the newest accepted action as taken up. Tests of actions use it where
    /// no reconciler runs, so a scaling action is not held back (`KafkaCluster.scalingHold`).
    public func settle(namespace: String = "kafka", name: String = "kafka") async throws {
        _ = try await modify(namespace: namespace, name: name) { document in
            var status = document.cluster.status ?? KafkaClusterStatus()
            status.state = "ClusterRunning"
            status.announcedActionsThrough = status.actionLog?.last { $0.outcome == "accepted" }?.id
            document.cluster.status = status
        }
    }
}
