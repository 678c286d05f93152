import ClusterModel

/// `downScale`: removes one broker gracefully.
///
/// With a `brokerId` label, that broker leaves the spec and is marked `GracefulDownscaleRequired`
/// in the status; the reconciler removes its pod and disks only after its data has moved away.
/// Without one, the action only records that one broker is to go (`pendingBrokerRemovals`):
/// choosing which needs live data (the broker holding the fewest replicas), which the
/// reconciler asks for, so the alert's request never waits on Kafka.
///
/// `force=true` (with a `brokerId`) lets a cluster without Cruise Control remove a broker that
/// still holds partition replicas; it is recorded with the broker, and the action's change says
/// so. With Cruise Control it changes nothing: the broker is drained first either way.
public struct DownScaleAction: Action {
    public let command = "downScale"

    public init() {}

    public func apply(_ request: ActionRequest, to cluster: inout KafkaCluster, context: ActionContext)
        throws(ActionError) -> String
    {
        let named = try request.brokerID("brokerId")
        let force = try ActionParameters.flag(request.parameters["force"], name: "force")
        if force, named == nil {
            throw .invalidParameter(
                name: "force", reason: "needs a brokerId: only a named broker is removed by force")
        }
        if let named, !cluster.spec.brokers.contains(where: { $0.id == named }) {
            throw .invalidParameter(
                name: "brokerId", reason: "the cluster has no broker \(named), or it is already leaving")
        }
        var status = cluster.status ?? KafkaClusterStatus()
        let pending = status.pendingBrokerRemovals ?? 0
        let remaining = cluster.spec.brokers.count - pending
        let floor = max(context.policy.minimumBrokers, cluster.spec.alertManagerConfig?.downScaleLimit ?? 0)
        guard remaining > floor else {
            throw .limitReached("the cluster has \(remaining) brokers, the downscale limit is \(floor)")
        }
        guard let id = named else {
            status.pendingBrokerRemovals = pending + 1
            cluster.status = status
            return "removing one broker gracefully, the one the reconciler chooses"
        }
        cluster.removeBrokerGracefully(id)
        guard force else { return "removing broker \(id) gracefully" }
        cluster.status?.brokersState?[String(id)]?.gracefulActionState?.forced = true
        return
            "removing broker \(id), by force if it still holds replicas without Cruise Control to move them"
    }
}
