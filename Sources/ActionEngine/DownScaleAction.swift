import ClusterModel

/// `downScale`: removes one broker gracefully. The broker named by the `brokerId` label, or
/// else the one `chooseBroker` picks (the broker holding the fewest partition replicas, from
/// live metadata, when a Kafka client is wired in; the highest id otherwise).
///
/// The broker leaves the spec and is marked `GracefulDownscaleRequired` in the status; the
/// reconciler removes its pod and disks only after Cruise Control has moved its data away.
public struct DownScaleAction: Action {
    public let command = "downScale"

    public init() {}

    public func apply(_ request: ActionRequest, to cluster: inout KafkaCluster, context: ActionContext)
        throws(ActionError) -> String
    {
        let named = try request.brokerID("brokerId")
        if let named, !cluster.spec.brokers.contains(where: { $0.id == named }) {
            throw .invalidParameter(
                name: "brokerId", reason: "the cluster has no broker \(named), or it is already leaving")
        }
        let floor = max(context.policy.minimumBrokers, cluster.spec.alertManagerConfig?.downScaleLimit ?? 0)
        guard cluster.spec.brokers.count > floor else {
            throw .limitReached(
                "the cluster has \(cluster.spec.brokers.count) brokers, the downscale limit is \(floor)")
        }
        let id: Int32
        if let named {
            guard cluster.spec.brokers.contains(where: { $0.id == named }) else {
                throw .invalidParameter(
                    name: "brokerId", reason: "the cluster has no broker \(named), or it is already leaving")
            }
            id = named
        } else if let chosen = context.fewestReplicasBroker,
            cluster.spec.brokers.contains(where: { $0.id == chosen })
        {
            id = chosen
        } else {
            // The highest id: the one Koperator's rule ties to, and the newest broker.
            id = cluster.spec.brokers.map(\.id).max() ?? 0
        }
        cluster.spec.brokers.removeAll { $0.id == id }
        var status = cluster.status ?? KafkaClusterStatus()
        var state = status.brokersState?[String(id)] ?? BrokerState()
        var graceful = state.gracefulActionState ?? GracefulActionState()
        graceful.cruiseControlState = GracefulState.downscaleRequired
        state.gracefulActionState = graceful
        status.brokersState = (status.brokersState ?? [:]).merging([String(id): state]) { _, new in new }
        cluster.status = status
        return "removing broker \(id) gracefully"
    }
}

/// Koperator's names for the graceful scaling states kept in `gracefulActionState.cruiseControlState`.
public enum GracefulState {
    public static let upscaleRequired = "GracefulUpscaleRequired"
    public static let upscaleRunning = "GracefulUpscaleRunning"
    public static let upscaleSucceeded = "GracefulUpscaleSucceeded"
    public static let downscaleRequired = "GracefulDownscaleRequired"
    public static let downscaleRunning = "GracefulDownscaleRunning"
    public static let downscaleSucceeded = "GracefulDownscaleSucceeded"
}
