extension KafkaCluster {
    /// Why a scaling action (a broker or disk added, removed or grown) must wait now, or nil when
    /// the cluster can take one. The one place that reads the status for this.
    ///
    /// A cluster takes one change at a time: the reconciler must have planned from the last
    /// accepted action (it writes `announcedActionsThrough` with the status of that pass, so
    /// until then `state` describes the cluster before the change), the cluster must be
    /// `ClusterRunning` (not reconciling, not in a rolling upgrade), and no broker may be in a
    /// graceful upscale or downscale that has not succeeded (Koperator counts a paused one or
    /// one completed with an error as still under way: it needs a person or a retry), nor have a
    /// disk whose removal has not succeeded.
    public var scalingHold: String? {
        let status = status ?? KafkaClusterStatus()
        if let pending = status.pendingBrokerRemovals, pending > 0 {
            return "a downScale waits for the reconciler to choose its broker"
        }
        if let newest = status.actionLog?.last(where: { $0.outcome == "accepted" }),
            newest.id != status.announcedActionsThrough
        {
            return "the reconciler has not yet taken up action \(newest.id)"
        }
        guard let state = status.state else {
            return "the cluster has no state yet; it must be ClusterRunning"
        }
        guard state == .running else {
            return "the cluster is \(state.rawValue.prefix(64)), not ClusterRunning"
        }
        let busy = (status.brokersState ?? [:]).compactMap { id, broker -> (String, String)? in
            guard let graceful = broker.gracefulActionState?.cruiseControlState, !graceful.rawValue.isEmpty,
                !graceful.hasSucceeded
            else { return nil }
            return (id, graceful.rawValue)
        }
        if let (id, graceful) = busy.min(by: { (Int($0.0) ?? .max, $0.0) < (Int($1.0) ?? .max, $1.0) }) {
            return "broker \(id.prefix(16)) is still in \(graceful.prefix(64))"
        }
        // A disk leaving a broker is a graceful operation too, until its data has moved off.
        for (id, broker) in (status.brokersState ?? [:]).sorted(by: {
            (Int($0.key) ?? .max) < (Int($1.key) ?? .max)
        }) {
            guard let graceful = broker.gracefulActionState else { continue }
            for mountPath in (graceful.volumeStates ?? [:]).keys.sorted() {
                guard let state = graceful.volumeState(mountPath), state.isRemovalUnderWay else { continue }
                return
                    "the disk \(mountPath.prefix(64)) of broker \(id.prefix(16)) is still in \(state.rawValue)"
            }
        }
        return nil
    }
}
