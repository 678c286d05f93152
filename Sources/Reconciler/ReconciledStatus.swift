import ClusterModel
import Kubernetes

/// The status fields the reconciler owns, as one pass leaves them: `state`, `brokerCount`,
/// `announcedActionsThrough`, per broker `configurationState` and `readiness`, a leaving
/// broker's `gracefulActionState.cruiseControlState` when it has none, and the removal of a
/// finished broker's entry. Every other field is the actions' and is passed through as read.
enum ReconciledStatus {
    static func make(
        from status: KafkaClusterStatus, desired: DesiredState, actual: ActualState, steps: [ReconcileStep],
        announcedActionsThrough: String?
    ) -> KafkaClusterStatus {
        var status = status
        var brokersState = status.brokersState ?? [:]
        let livePods = Dictionary(
            actual.pods.filter { $0.metadata.deletionTimestamp == nil }.map { ($0.name, $0) },
            uniquingKeysWith: { first, _ in first })
        let touched = Set(steps.compactMap { $0.isWrite ? $0.brokerID : nil })

        var allReady = true
        for broker in desired.brokers {
            var state = brokersState[String(broker.brokerID)] ?? BrokerState()
            state.configurationState = touched.contains(broker.brokerID) ? .outOfSync : .inSync
            let readiness: BrokerReadiness =
                livePods[broker.pod.name].map { $0.isReady ? .ready : .notReady } ?? .missing
            if readiness != .ready { allReady = false }
            state.readiness = readiness
            brokersState[String(broker.brokerID)] = state
        }
        status.brokersState = brokersState

        for step in steps {
            switch step {
            case .forgetBroker(let id): status.brokersState?[String(id)] = nil
            case .waitForBroker(let id, _): markLeaving(id, in: &status)
            case .delete(let target):
                if let id = target.brokerID, !desired.brokerIDs.contains(id) {
                    markLeaving(id, in: &status)
                }
            case .create, .update: break
            }
        }

        if status.brokersState?.isEmpty == true { status.brokersState = nil }
        // Forgetting a removed broker is this pass's own work, not something still to do.
        let pending = steps.contains { if case .forgetBroker = $0 { false } else { true } }
        status.state = !pending && allReady ? .running : .reconciling
        status.brokerCount = desired.brokers.count
        if let announcedActionsThrough { status.announcedActionsThrough = announcedActionsThrough }
        return status
    }

    /// A broker leaving without a recorded graceful state (removed from the spec by hand) is
    /// marked as a downscale the reconciler carries out.
    private static func markLeaving(_ id: Int32, in status: inout KafkaClusterStatus) {
        guard status.brokersState?[String(id)]?.gracefulActionState?.cruiseControlState == nil else { return }
        status.markDownscaleRequired(id)
    }
}
