import ClusterModel
import Kubernetes

/// Which brokers a rolling upgrade concerns, read from the pods, and the plan cut down to the
/// brokers it restarts now. Pure.
///
/// A broker is *outdated* when it runs a pod of ours (not terminating, not ended) whose name is
/// not the rendered one: pods are named by the hash of their content, so that pod must be
/// replaced. A broker without a pod yet (new) or whose pod ended (`Failed`) is not part of the
/// roll: its pod is created or replaced at once, as before.
struct RollingRestartScope: Equatable, Sendable {
    /// Brokers in the spec whose running pod is out of date.
    var outdated: Set<Int32>
    /// Brokers in the spec without a Ready, non-terminating pod of the rendered name.
    var unavailable: Set<Int32>
    /// Each broker's `broker.rack`, from its read-only configuration.
    var racks: [Int32: String]

    init(desired: DesiredState, actual: ActualState, spec: KafkaClusterSpec, uid: String) {
        let pods = actual.objects.filter {
            $0.resourceType == .pods && $0.isControlled(byUID: uid) && !$0.isTerminating
        }
        let readyNames = Set(
            actual.pods.filter { $0.metadata.deletionTimestamp == nil && $0.isReady }.map(\.name))
        var outdated: Set<Int32> = []
        var unavailable: Set<Int32> = []
        for broker in desired.brokers {
            let id = broker.brokerID
            let running = pods.filter { $0.brokerID == id && !$0.hasEnded }
            if running.contains(where: { $0.name != broker.pod.name }) { outdated.insert(id) }
            if !readyNames.contains(broker.pod.name) { unavailable.insert(id) }
        }
        self.outdated = outdated
        // An outdated broker still serves from its old pod; it is unavailable only when that
        // pod is not Ready either.
        let oldReady = Set(
            pods.filter { $0.brokerID.map(outdated.contains) == true && readyNames.contains($0.name) }
                .compactMap(\.brokerID))
        self.unavailable = unavailable.subtracting(oldReady)
        var racks: [Int32: String] = [:]
        for broker in spec.brokers {
            if let rack = BrokerProperties.parse(broker.readOnlyConfig)["broker.rack"], !rack.isEmpty {
                racks[broker.id] = rack
            }
        }
        self.racks = racks
    }

    /// `steps` without the pod replacements of outdated brokers outside `restarting`.
    func holding(_ steps: [ReconcileStep], restarting: Set<Int32>) -> [ReconcileStep] {
        let held = outdated.subtracting(restarting)
        guard !held.isEmpty else { return steps }
        return steps.filter { step in
            switch step {
            case .create(let object), .update(let object):
                return !(object.isReplacedNotUpdated && object.brokerID.map(held.contains) == true)
            case .delete(let target):
                return !(target.type == .pods && target.brokerID.map(held.contains) == true)
            case .forgetBroker, .waitForBroker:
                return true
            }
        }
    }
}
