import ClusterModel
import Kubernetes

/// The disks taken out of staying brokers' specs, and what a pass may do with them: a disk
/// stays mounted (`DesiredStateRenderer`) until its volume state is
/// `GracefulDiskRemovalSucceeded`, which is written only once Kafka's DescribeLogDirs shows no
/// replica in its log directory; its claim goes once no pod mounts it, and its state once the
/// claim is gone.
struct GracefulDiskRemoval {
    /// Staying broker → mount paths of its disks that left the spec but whose claims remain.
    let removed: [Int32: Set<String>]
    /// Staying broker → mount path → claim name, for the removed disks.
    let claims: [Int32: [String: String]]

    init(_ cluster: KafkaCluster, claimsInUse: [Int32: [String: String]]) {
        var removed: [Int32: Set<String>] = [:]
        var claims: [Int32: [String: String]] = [:]
        for broker in cluster.spec.brokers {
            let inSpec = Set(cluster.spec.effectiveStorage(of: broker).map(\.mountPath))
            for (mountPath, claim) in claimsInUse[broker.id] ?? [:] where !inSpec.contains(mountPath) {
                removed[broker.id, default: []].insert(mountPath)
                claims[broker.id, default: [:]][mountPath] = claim
            }
        }
        self.removed = removed
        self.claims = claims
    }

    /// What Kafka says of one removed disk.
    enum Finding: Equatable {
        case empty
        case holds(Int)
        case unknown(String)
    }

    /// The claims of disks recorded `GracefulDiskRemovalSucceeded` (so this pass renders the
    /// pod without them) that no pod mounts any more.
    func releasable(recorded: [String: BrokerState], actual: ActualState, uid: String) -> [DeletionTarget] {
        let mounted = Set(
            actual.pods.flatMap { pod in
                (pod.spec?.volumes ?? []).compactMap { $0.persistentVolumeClaim?.claimName }
            })
        var targets: [DeletionTarget] = []
        for (id, mountPaths) in removed.sorted(by: { $0.key < $1.key }) {
            let graceful = recorded[String(id)]?.gracefulActionState
            for mountPath in mountPaths.sorted()
            where graceful?.volumeState(mountPath) == .diskRemovalSucceeded {
                guard let name = claims[id]?[mountPath], !mounted.contains(name),
                    let claim = actual.persistentVolumeClaims.first(where: { $0.name == name })
                else { continue }
                let object = OwnedObject(claim)
                if object.isControlled(byUID: uid), !object.isTerminating {
                    targets.append(object.deletionTarget)
                }
            }
        }
        return targets
    }
}

extension ClusterReconciler {
    /// Asks Kafka how many replicas the log directory of broker `id`'s disk at `mountPath` holds.
    func replicasOnDisk(_ cluster: KafkaCluster, broker id: Int32, mountPath: String) async
        -> GracefulDiskRemoval.Finding
    {
        guard let count = configuration.logDirReplicas else { return .empty }
        do {
            let held = try await count(cluster, id)[ServerProperties.logDir(mountPath: mountPath)] ?? 0
            return held > 0 ? .holds(held) : .empty
        } catch {
            return .unknown("\(error)")
        }
    }

    /// Checks the disks whose removal task completed this pass against Kafka: one whose log
    /// directory still holds replicas needs a new `remove_disks` (a Warning says so); one Kafka
    /// cannot be asked about waits in `GracefulDiskRemovalRunning`.
    func confirmRemovedDisks(
        _ disks: GracefulDiskRemoval, cluster: KafkaCluster, events: EventRecorder,
        states: inout [Int32: GracefulActionState?], result: inout ReconcileResult, requeue: inout Duration?
    ) async {
        let recorded = cluster.status?.brokersState ?? [:]
        for (id, mountPaths) in disks.removed.sorted(by: { $0.key < $1.key }) {
            guard var graceful = states[id].flatMap({ $0 }) else { continue }
            let before = recorded[String(id)]?.gracefulActionState
            for mountPath in mountPaths.sorted()
            where graceful.volumeState(mountPath) == .diskRemovalSucceeded
                && before?.volumeState(mountPath) != .diskRemovalSucceeded
            {
                let operation = graceful.volumeOperation(mountPath)
                switch await replicasOnDisk(cluster, broker: id, mountPath: mountPath) {
                case .empty:
                    continue
                case .holds(let replicas):
                    graceful.setVolume(
                        mountPath, state: .diskRemovalRequired,
                        errorMessage: "Kafka lists \(replicas) replicas in it after its removal")
                    result.eventsRecorded += await events.record(
                        diskHoldsReplicas: id, mountPath: mountPath, replicas: replicas,
                        reason: "its remove_disks task completed but Kafka still lists them; it runs again",
                        generation: cluster.metadata.generation ?? 0)
                case .unknown(let reason):
                    graceful.setVolume(
                        mountPath, state: .diskRemovalRunning, operation: operation,
                        errorMessage: "Kafka's log directories could not be read: \(reason.prefix(256))")
                }
                requeue = min(requeue ?? configuration.waitInterval, configuration.waitInterval)
            }
            states[id] = graceful
        }
    }

    /// Without Cruise Control no one moves a removed disk's data: a disk whose log directory
    /// holds no replica goes (`GracefulDiskRemovalSucceeded`), one that holds replicas is kept
    /// mounted, with a Warning saying why. Returns the brokers' changed states.
    func settleRemovedDisksWithoutCruiseControl(
        _ disks: GracefulDiskRemoval, cluster: KafkaCluster, events: EventRecorder,
        result: inout ReconcileResult, requeue: inout Duration?
    ) async -> [Int32: GracefulActionState?] {
        var changed: [Int32: GracefulActionState?] = [:]
        for (key, state) in cluster.status?.brokersState ?? [:] {
            guard let id = Int32(key), var graceful = state.gracefulActionState else { continue }
            let before = graceful
            let removed = disks.removed[id] ?? []
            for mountPath in (graceful.volumeStates ?? [:]).keys.sorted() where !removed.contains(mountPath) {
                if let volume = graceful.volumeState(mountPath),
                    volume.isRemovalUnderWay || volume == .diskRemovalSucceeded
                {
                    graceful.clearVolume(mountPath)
                }
            }
            if graceful != before { changed[id] = graceful }
        }
        for (id, mountPaths) in disks.removed.sorted(by: { $0.key < $1.key }) {
            guard let state = cluster.status?.brokersState?[String(id)] else { continue }
            var graceful = changed[id].flatMap { $0 } ?? state.gracefulActionState ?? GracefulActionState()
            let before = graceful
            for mountPath in mountPaths.sorted()
            where graceful.volumeState(mountPath) != .diskRemovalSucceeded {
                switch await replicasOnDisk(cluster, broker: id, mountPath: mountPath) {
                case .empty:
                    graceful.setVolume(mountPath, state: .diskRemovalSucceeded)
                case .holds(let replicas):
                    result.eventsRecorded += await events.record(
                        diskHoldsReplicas: id, mountPath: mountPath, replicas: replicas,
                        reason: "there is no Cruise Control to move them; move them to the broker's other "
                            + "disks or put the disk back in the spec",
                        generation: cluster.metadata.generation ?? 0)
                    requeue = min(requeue ?? configuration.waitInterval, configuration.waitInterval)
                case .unknown:
                    requeue = min(requeue ?? configuration.waitInterval, configuration.waitInterval)
                }
            }
            if graceful != before { changed[id] = graceful }
        }
        return changed
    }
}
