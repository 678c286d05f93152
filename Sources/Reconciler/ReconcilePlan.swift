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
///   The old pod is deleted before the new one is created, so two brokers with one id never
///   run at once. (A health-gated rolling restart, one broker at a time, comes later.)
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
            guard object.resourceType != .pods else { return }
            if current.specHash != object.specHash || drifted(current, from: object) {
                steps.append(.update(updated(object, over: current)))
            }
        }

        func stale(brokerID: Int32?) -> [OwnedObject] {
            (ownedByBroker[brokerID] ?? []).filter {
                !desiredKeys.contains($0.key)
                    && $0.resourceType != .persistentVolumeClaims
                    && !$0.isTerminating
            }
        }

        for service in desired.clusterServices { converge(.service(service)) }
        steps += stale(brokerID: nil).map { .delete($0.deletionTarget) }

        for broker in desired.brokers {
            let replaced = stale(brokerID: broker.brokerID)
            for object in broker.objects {
                if case .pod = object {
                    // The replaced pod goes first: its successor takes the same disks and id.
                    steps += replaced.filter { $0.resourceType == .pods }.map { .delete($0.deletionTarget) }
                }
                converge(object)
            }
            steps += replaced.filter { $0.resourceType != .pods }.map { .delete($0.deletionTarget) }
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
                    brokerObjects: objects.filter { $0.resourceType != .persistentVolumeClaims },
                    volumes: objects.filter { $0.resourceType == .persistentVolumeClaims },
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

    /// Whether someone changed what we rendered without touching the hash annotation: a
    /// ConfigMap's data, a Service's selector, ports or type, a claim's requested size, or our
    /// labels. Fields the server fills in (a cluster IP, defaults) are not compared.
    static func drifted(_ live: OwnedObject, from desired: OwnedObject) -> Bool {
        let labels = live.metadata.labels ?? [:]
        if (desired.metadata.labels ?? [:]).contains(where: { labels[$0.key] != $0.value }) { return true }
        switch (live, desired) {
        case (.configMap(let live), .configMap(let desired)):
            return live.data != desired.data
        case (.service(let live), .service(let desired)):
            return live.spec?.selector != desired.spec?.selector || live.spec?.ports != desired.spec?.ports
                || (desired.spec?.type.map { $0 != live.spec?.type } ?? false)
                || (desired.spec?.clusterIP == "None" && live.spec?.clusterIP != "None")
        case (.persistentVolumeClaim(let live), .persistentVolumeClaim(let desired)):
            return live.spec?.resources?.requests != desired.spec?.resources?.requests
        default:
            return false
        }
    }

    /// The rendered object laid over the live one: server-owned metadata (uid, resourceVersion,
    /// finalizers) and fields the server assigns (a Service's cluster IP, a claim's bound
    /// volume) are kept; labels and annotations others added stay unless we set them.
    static func updated(_ object: OwnedObject, over current: OwnedObject) -> OwnedObject {
        var result = object
        var metadata = current.metadata
        metadata.labels = (current.metadata.labels ?? [:]).merging(object.metadata.labels ?? [:]) { _, ours in
            ours
        }
        metadata.annotations = (current.metadata.annotations ?? [:]).merging(
            object.metadata.annotations ?? [:]
        ) {
            _, ours in ours
        }
        metadata.ownerReferences = object.metadata.ownerReferences
        switch (object, current) {
        case (.service(var service), .service(let live)):
            if service.spec?.clusterIP == nil {
                service.spec?.clusterIP = live.spec?.clusterIP
                service.spec?.clusterIPs = live.spec?.clusterIPs
            }
            result = .service(service)
        case (.persistentVolumeClaim(var claim), .persistentVolumeClaim(let live)):
            // Only the requested size of a claim may change; the rest stays as it was bound.
            var spec = live.spec ?? claim.spec
            spec?.resources = claim.spec?.resources
            claim.spec = spec
            claim.status = live.status
            result = .persistentVolumeClaim(claim)
        default: break
        }
        result.metadata = metadata
        return result
    }
}
