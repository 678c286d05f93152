import ClusterModel
import JSON
import Kubernetes

/// The part of a KafkaCluster's status the reconciler owns, as a JSON merge patch of only the
/// fields that differ from the current status, or nil when nothing does.
///
/// Owned fields: `status.state`, `status.announcedActionsThrough`, and per broker `configurationState`, `readiness` and (for a
/// leaving broker that has none) `gracefulActionState.cruiseControlState`. A broker whose
/// removal finished has its entry removed (`null` in the patch). Everything else in the
/// status, such as the action log and processed alerts, is never part of the patch, so a
/// merge patch cannot clobber it.
public enum ClusterStatusPatch {
    public static let running = "ClusterRunning"
    public static let reconciling = "ClusterReconciling"
    public static let configInSync = "ConfigInSync"
    public static let configOutOfSync = "ConfigOutOfSync"
    public static let downscaleRequired = "GracefulDownscaleRequired"

    /// Readiness of a broker's pod.
    public enum Readiness: String, Sendable {
        case ready = "Ready"
        case notReady = "NotReady"
        case missing = "Missing"
    }

    /// `status` is the current `status` object of the KafkaCluster, as stored;
    /// `announcedActionsThrough` the id of the newest action record announced by an Event.
    public static func make(
        desired: DesiredState, actual: ActualState, steps: [ReconcileStep], status: JSONValue?,
        announcedActionsThrough: String? = nil
    ) -> JSONValue? {
        var brokersState: [String: JSONValue] = [:]
        if case .object(let members)? = status?["brokersState"] {
            for member in members { brokersState[member.key] = member.value }
        }
        let livePods = Dictionary(
            actual.pods.filter { $0.metadata.deletionTimestamp == nil }.map { ($0.name, $0) },
            uniquingKeysWith: { first, _ in first })
        var brokerPatches: [(key: String, value: JSONValue)] = []
        var allReady = true
        let touched = Set(
            steps.compactMap { step -> Int32? in
                switch step {
                case .create(let object), .update(let object): return object.brokerID
                case .delete(let target): return target.brokerID
                case .forgetBroker, .waitForBroker: return nil
                }
            })

        for broker in desired.brokers {
            let key = String(broker.brokerID)
            let current = brokersState[key]
            let configuration = touched.contains(broker.brokerID) ? configOutOfSync : configInSync
            let readiness: Readiness
            if let pod = livePods[broker.pod.name] {
                readiness = pod.isReady ? .ready : .notReady
            } else {
                readiness = .missing
            }
            if readiness != .ready { allReady = false }
            var fields: [(key: String, value: JSONValue)] = []
            if current?["configurationState"] != .string(configuration) {
                fields.append(("configurationState", .string(configuration)))
            }
            if current?["readiness"] != .string(readiness.rawValue) {
                fields.append(("readiness", .string(readiness.rawValue)))
            }
            if !fields.isEmpty { brokerPatches.append((key, .object(fields))) }
        }

        var leaving: Set<Int32> = []
        for step in steps {
            switch step {
            case .forgetBroker(let id):
                if brokersState[String(id)] != nil { brokerPatches.append((String(id), .null)) }
            case .waitForBroker(let id, _): leaving.insert(id)
            case .delete(let target):
                if let id = target.brokerID, !desired.brokerIDs.contains(id) { leaving.insert(id) }
            case .create, .update: break
            }
        }
        for id in leaving.sorted() {
            let current = brokersState[String(id)]
            if current?["gracefulActionState"]?["cruiseControlState"] == nil {
                brokerPatches.append(
                    (
                        String(id),
                        .object([
                            (
                                "gracefulActionState",
                                .object([("cruiseControlState", .string(downscaleRequired))])
                            )
                        ])
                    ))
            }
        }

        // Forgetting a removed broker is this patch's own work, not something still to do.
        let pending = steps.contains { if case .forgetBroker = $0 { false } else { true } }
        let state = !pending && allReady ? running : reconciling
        var patch: [(key: String, value: JSONValue)] = []
        if status?["state"] != .string(state) { patch.append(("state", .string(state))) }
        if !brokerPatches.isEmpty { patch.append(("brokersState", .object(brokerPatches))) }
        if let announcedActionsThrough,
            status?[ActionAnnouncements.markerField] != .string(announcedActionsThrough)
        {
            patch.append((ActionAnnouncements.markerField, .string(announcedActionsThrough)))
        }
        return patch.isEmpty ? nil : .object([("status", .object(patch))])
    }
}
