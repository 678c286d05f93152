import ClusterModel
import CruiseControl
import Kubernetes

/// What the graceful step of a pass decided: which leaving brokers may go, and the brokers'
/// graceful states.
struct GracefulRemoval {
    var gate: RemovalGate
    var brokerStates: [Int32: GracefulActionState?] = [:]
    var requeueAfter: Duration?
    /// The pending rebalance request has its CruiseControlOperation.
    var rebalanceTakenUp = false
    /// A Cruise Control task is under way: a rolling upgrade waits for it.
    var taskUnderWay = false
    /// Claims of disks out of the spec whose data moved off and that no pod mounts any more.
    var releasedClaims: [DeletionTarget] = []
}

extension ClusterReconciler {
    /// Runs the cluster's Cruise Control tasks (`GracefulOperations`) when it has Cruise
    /// Control, then lets a leaving broker go only when Kafka's metadata shows it holds no
    /// replica: after its removal task completed with Cruise Control, at once without it. A
    /// broker that still holds replicas is kept, with a Warning saying why; with Cruise Control
    /// its removal runs again. While a rolling upgrade is under way (`holdingNewTasks`) no new
    /// task starts.
    func gracefulRemoval(
        _ cluster: KafkaCluster, uid: String, desired: DesiredState, actual: ActualState,
        holdingNewTasks: Bool = false, events: EventRecorder,
        result: inout ReconcileResult
    ) async throws(ReconcileError) -> GracefulRemoval {
        let staying = desired.brokerIDs
        let livePods = Set(
            actual.pods.filter { $0.metadata.deletionTimestamp == nil && $0.isReady }.map(\.name))
        let ready = Set(desired.brokers.filter { livePods.contains($0.pod.name) }.map(\.brokerID))
        let owned = actual.objects.filter { $0.isControlled(byUID: uid) }.compactMap(\.brokerID)
        let recorded = (cluster.status?.brokersState ?? [:]).keys.compactMap { Int32($0) }
        let leaving = Set(owned + recorded).subtracting(staying)
        let key = "\(cluster.metadata.namespace ?? "")/\(cluster.metadata.name)"

        var removal = GracefulRemoval(gate: .drained([]))
        var moved = leaving
        let hasCruiseControl = cluster.spec.cruiseControlConfig != nil
        let disks = GracefulDiskRemoval(cluster, claimsInUse: Self.claimsByMountPath(actual, uid: uid))
        removal.releasedClaims = disks.releasable(
            recorded: cluster.status?.brokersState ?? [:], actual: actual, uid: uid)
        if !hasCruiseControl {
            removal.brokerStates = await settleRemovedDisksWithoutCruiseControl(
                disks, cluster: cluster, events: events, result: &result, requeue: &removal.requeueAfter)
        }
        if hasCruiseControl {
            guard let client = await configuration.cruiseControl(cluster) else {
                if !leaving.isEmpty {
                    logger.warning(
                        "no Cruise Control client for the cluster; leaving brokers wait",
                        metadata: ["cluster": "\(key)", "brokers": "\(leaving.sorted())"])
                    removal.requeueAfter = configuration.polling.maximum
                }
                return removal
            }
            let graceful = GracefulOperations(
                api: api, client: client, cluster: cluster, uid: uid, events: events,
                metrics: configuration.metrics, polling: configuration.polling, now: configuration.now,
                logger: logger)
            let outcome = try await graceful.advance(
                .init(
                    staying: staying, ready: ready, leaving: leaving, removedDisks: disks.removed,
                    holdNewTasks: holdingNewTasks))
            result.updated += outcome.writes
            result.eventsRecorded += outcome.eventsRecorded
            removal.brokerStates = outcome.brokerStates
            removal.requeueAfter = outcome.requeueAfter
            await confirmRemovedDisks(
                disks, cluster: cluster, events: events, states: &removal.brokerStates, result: &result,
                requeue: &removal.requeueAfter)
            removal.rebalanceTakenUp = outcome.rebalanceTakenUp
            removal.taskUnderWay = outcome.taskUnderWay
            moved = outcome.removed
        }
        guard !moved.isEmpty else { return removal }
        guard let count = configuration.replicaCounts else {
            // No Kafka client to ask: Cruise Control's word, or none, is all there is.
            removal.gate = hasCruiseControl ? .drained(moved) : .noCruiseControl
            return removal
        }
        let held: [Int32: Int]
        do {
            held = try await count(cluster)
        } catch {
            logger.warning(
                "Kafka's metadata could not be read; leaving brokers wait",
                metadata: ["cluster": "\(key)", "brokers": "\(moved.sorted())", "error": "\(error)"])
            removal.requeueAfter = configuration.waitInterval
            return removal
        }
        var drained: Set<Int32> = []
        for id in moved.sorted() {
            let replicas = held[id] ?? 0
            let forced =
                !hasCruiseControl
                && cluster.status?.brokersState?[String(id)]?.gracefulActionState?.forced == true
            guard replicas > 0, !forced else {
                if replicas > 0 {
                    result.eventsRecorded += await events.record(
                        brokerHoldsReplicas: id, replicas: replicas,
                        reason: "downScale with force=true; its replicas go with it", kept: false,
                        generation: cluster.metadata.generation ?? 0)
                }
                drained.insert(id)
                continue
            }
            let reason =
                hasCruiseControl
                ? "its removal task completed but Kafka's metadata still lists it; the removal runs again"
                : "there is no Cruise Control to move them; move its partitions, put it back in the spec, "
                    + "or downScale it with force=true"
            result.eventsRecorded += await events.record(
                brokerHoldsReplicas: id, replicas: replicas, reason: reason,
                generation: cluster.metadata.generation ?? 0)
            if hasCruiseControl {
                var state = removal.brokerStates[id].flatMap { $0 } ?? GracefulActionState()
                state.cruiseControlState = .downscaleRequired
                state.errorMessage =
                    "Kafka's metadata lists \(replicas) replicas on the broker after its removal"
                removal.brokerStates[id] = state
                removal.requeueAfter = configuration.polling.maximum
            } else {
                removal.requeueAfter = configuration.waitInterval
            }
        }
        removal.gate = .drained(drained)
        return removal
    }
}
