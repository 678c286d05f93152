import ClusterModel

/// A downScale that named no broker, carried out in the cluster model: the broker chosen from
/// live data (or, with none, the highest id, the newest broker and the one Koperator's rule ties
/// to) leaves the spec marked `GracefulDownscaleRequired`, and one pending removal is taken off.
/// Pure; the reconciler writes the result in one update.
enum PendingBrokerRemoval {
    /// The broker that leaves; nil when nothing was pending or no broker is left to remove.
    static func carryOut(choosing chosen: Int32?, in cluster: inout KafkaCluster) -> Int32? {
        guard takeOne(from: &cluster) else { return nil }
        let ids = cluster.spec.brokers.map(\.id)
        guard let id = chosen.flatMap({ ids.contains($0) ? $0 : nil }) ?? ids.max() else { return nil }
        cluster.removeBrokerGracefully(id)
        return id
    }

    /// Drops one pending removal without removing a broker: the choice failed for good.
    /// Returns whether one was pending.
    @discardableResult
    static func takeOne(from cluster: inout KafkaCluster) -> Bool {
        guard var status = cluster.status, let pending = status.pendingBrokerRemovals, pending > 0 else {
            return false
        }
        // Zero, not nil: the document keeps a field the typed model leaves out.
        status.pendingBrokerRemovals = pending - 1
        cluster.status = status
        return true
    }
}
