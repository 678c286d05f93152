import ClusterModel

/// `rebalance`: asks Cruise Control to even out the cluster's load, onto the brokers named by
/// `destinationBrokerIds` (`1,3`) when given. The reconciler runs it as a CruiseControlOperation
/// when no other task is under way, after adds, removals and disk rebalances. Only for a
/// cluster with Cruise Control; one at a time.
public struct RebalanceAction: Action {
    public let command = "rebalance"

    public init() {}

    public func apply(_ request: ActionRequest, to cluster: inout KafkaCluster, context: ActionContext)
        throws(ActionError) -> String
    {
        guard cluster.spec.cruiseControlConfig != nil else {
            throw .invalidParameter(
                name: "command",
                reason: "the cluster has no Cruise Control (spec.cruiseControlConfig) to rebalance it")
        }
        var destinations: [Int32]?
        if let list = request.parameter("destinationBrokerIds") {
            var ids: [Int32] = []
            for part in list.split(separator: ",", omittingEmptySubsequences: false) {
                let id = try ActionRequest.brokerID(String(part), name: "destinationBrokerIds")
                guard cluster.spec.brokers.contains(where: { $0.id == id }) else {
                    throw .invalidParameter(
                        name: "destinationBrokerIds",
                        reason: "'\(part.prefix(16))' is not a broker of the cluster")
                }
                ids.append(id)
            }
            destinations = Array(Set(ids)).sorted()
        }
        var status = cluster.status ?? KafkaClusterStatus()
        if status.pendingRebalance != nil {
            throw .limitReached("a rebalance already waits to run")
        }
        status.pendingRebalance = PendingRebalance(
            requestedAt: UTCTimestamp.now(), destinations: destinations)
        cluster.status = status
        let onto = destinations.map { " onto broker \($0.map(String.init).joined(separator: ","))" } ?? ""
        return "rebalancing the cluster\(onto) through Cruise Control"
    }
}
