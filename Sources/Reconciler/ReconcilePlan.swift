import ClusterModel
import Kubernetes

/// The steps from what is to what should be, for one cluster. Pure, so every rule can be
/// tested without an API server.
///
/// - Only objects whose controlling owner is this KafkaCluster (by uid) are touched; an object
///   that merely carries our labels is someone else's and is left alone, even when it stands
///   where a rendered object would.
/// - A rendered object that is missing is created; one whose spec-hash annotation differs is
///   updated; one whose hash matches is left alone, so an unchanged cluster plans nothing.
/// - Pods are immutable and named by the hash of their content: a changed pod is a new name.
///   A pod that ended (`Failed` under `restartPolicy: Never`, as Koperator renders brokers) is
///   deleted, and created again once gone.
///   The old pod is deleted before the new one is created, so two brokers with one id never
///   run at once. Which running brokers are replaced in a pass is the rolling upgrade's choice
///   (`RollingUpgrade`, applied by `RollingRestartScope.holding`).
/// - Objects of brokers in the spec that are no longer rendered (a replaced pod, a cluster
///   Service of the other kind) are deleted, except PVCs: a staying broker's disks are kept.
/// - Brokers absent from the spec are removed by `BrokerRemoval`, whatever their status says;
///   brokers in the spec are never removed.
public enum ReconcilePlan {
    public static func make(
        desired: DesiredState, actual: ActualState, brokerStates: [String: BrokerState],
        gate: RemovalGate = .noCruiseControl
    ) -> [ReconcileStep] {
        let uid = desired.owner.uid
        let owned = actual.objects.filter { $0.isControlled(byUID: uid) }
        let foreign = Set(actual.objects.filter { !$0.isControlled(byUID: uid) }.map(\.key))
        let live = Dictionary(owned.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let desiredKeys = Set(desired.objects.map(\.key))
        let staying = desired.brokerIDs
        // Indexed once, so a pass costs time linear in the number of objects.
        let ownedByBroker = Dictionary(grouping: owned, by: \.brokerID)
        var steps: [ReconcileStep] = []

        func converge(_ object: OwnedObject) {
            guard !foreign.contains(object.key) else { return }
            guard let current = live[object.key] else {
                steps.append(.create(object))
                return
            }
            if current.hasEnded {
                // Under restartPolicy Never a crashed broker's pod stays Failed: it goes, and the
                // pass after its deletion creates it again.
                if !current.isTerminating { steps.append(.delete(current.deletionTarget)) }
                return
            }
            guard !object.isReplacedNotUpdated else { return }
            if current.specHash != object.specHash || current.drifted(from: object) {
                steps.append(.update(object.laid(over: current)))
            }
        }

        func stale(brokerID: Int32?) -> [OwnedObject] {
            (ownedByBroker[brokerID] ?? []).filter {
                !desiredKeys.contains($0.key)
                    && !$0.outlivesItsBroker
                    && !$0.isTerminating
            }
        }

        for object in desired.clusterObjects { converge(object) }
        steps += stale(brokerID: nil).map { .delete($0.deletionTarget) }

        for broker in desired.brokers {
            let replaced = stale(brokerID: broker.brokerID)
            for object in broker.objects {
                if object.isReplacedNotUpdated {
                    // The replaced pod goes first: its successor takes the same disks and id.
                    steps += replaced.filter { $0.resourceType == object.resourceType }.map {
                        .delete($0.deletionTarget)
                    }
                }
                converge(object)
            }
            steps += replaced.filter { !$0.isReplacedNotUpdated }.map { .delete($0.deletionTarget) }
        }

        let leaving = Set(owned.compactMap(\.brokerID)).union(brokerStates.keys.compactMap { Int32($0) })
            .subtracting(staying)
        for id in leaving.sorted() {
            let objects = ownedByBroker[id] ?? []
            var removal = BrokerRemoval(
                brokerID: id,
                cruiseControlState: brokerStates[String(id)]?.gracefulActionState?.cruiseControlState)
            let step = removal.next(
                observed: BrokerRemoval.Observation(
                    drained: gate.isDrained(id),
                    brokerObjects: objects.filter { !$0.outlivesItsBroker },
                    volumes: objects.filter { $0.outlivesItsBroker },
                    hasStatusEntry: brokerStates[String(id)] != nil))
            switch step {
            case .wait: steps.append(.waitForBroker(id, removal.phase))
            case .delete(let targets): steps += targets.map { .delete($0) }
            case .forget: steps.append(.forgetBroker(id))
            case .none: break
            }
        }
        return steps
    }

    /// The steps without those that create, replace or delete a pod of a broker that stays: what
    /// a pass may still do while part of the spec cannot be rendered (`RenderRefusals`). Leaving
    /// brokers are still removed.
    public static func holdingBrokerPods(_ steps: [ReconcileStep], staying: Set<Int32>) -> [ReconcileStep] {
        steps.filter { step in
            switch step {
            case .create(let object), .update(let object):
                return !(object.isReplacedNotUpdated && object.brokerID.map(staying.contains) == true)
            case .delete(let target):
                return !(target.type == .pods && target.brokerID.map(staying.contains) == true)
            case .forgetBroker, .waitForBroker:
                return true
            }
        }
    }
}
