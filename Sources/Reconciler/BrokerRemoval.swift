import ClusterModel

/// The removal of one broker that is no longer in the spec, as a state machine over what is
/// persisted and observed: the broker's `gracefulActionState.cruiseControlState` in the status,
/// and which of its objects still exist.
///
/// ```
/// GracefulDownscaleRequired ──drained──▶ delete Pod, ConfigMap, Service
///        ──pod gone──▶ delete PVCs ──PVCs gone──▶ forget the brokersState entry
/// ```
///
/// **Disk policy.** A removed broker's PVCs are deleted, as Koperator does, but only after its
/// pod is gone (not merely terminating), so a volume is never pulled from a running broker
/// and a pod that takes long to stop keeps its data until it has. Disks of brokers that stay
/// in the spec are never deleted by the reconciler.
///
/// **When a broker counts as drained** (`Observation.drained`) is `RemovalGate`'s answer, from
/// `GracefulRemoval`: with Cruise Control, once the broker's `remove_broker` task completed and
/// Kafka's metadata lists no replica on it; without, once the metadata lists none (or the
/// downScale was forced).
public struct BrokerRemoval: Equatable, Sendable {
    public enum Phase: String, Equatable, Sendable {
        /// Waiting for the broker's data to move to other brokers.
        case awaitingDrain
        /// Deleting the broker's pod, ConfigMap and Service.
        case deletingBroker
        /// The pod was told to stop; its disks wait until it is gone.
        case awaitingPodTermination
        case deletingVolumes
        /// Nothing is left: the status entry goes.
        case forgetting
        /// Nothing is left and there is no status entry.
        case finished
    }

    /// What the reconciler saw of the broker in this pass.
    public struct Observation: Equatable, Sendable {
        public var drained: Bool
        /// The broker's pods, ConfigMaps and Services still present.
        public var brokerObjects: [OwnedObject]
        public var volumes: [OwnedObject]
        public var hasStatusEntry: Bool

        public init(drained: Bool, brokerObjects: [OwnedObject], volumes: [OwnedObject], hasStatusEntry: Bool)
        {
            self.drained = drained
            self.brokerObjects = brokerObjects
            self.volumes = volumes
            self.hasStatusEntry = hasStatusEntry
        }
    }

    public enum Step: Equatable, Sendable {
        case wait
        case delete([DeletionTarget])
        case forget
        case none
    }

    public let brokerID: Int32
    /// The persisted `cruiseControlState`, if any.
    public let cruiseControlState: CruiseControlState?
    public private(set) var phase: Phase

    public init(brokerID: Int32, cruiseControlState: CruiseControlState?) {
        self.brokerID = brokerID
        self.cruiseControlState = cruiseControlState
        self.phase = .awaitingDrain
    }

    public mutating func next(observed: Observation) -> Step {
        let pods = observed.brokerObjects.filter { $0.resourceType == .pods }
        if !observed.brokerObjects.isEmpty || !observed.volumes.isEmpty {
            guard observed.drained else {
                phase = .awaitingDrain
                return .wait
            }
        }
        let deletable = observed.brokerObjects.filter { !$0.isTerminating }
        if !deletable.isEmpty {
            phase = .deletingBroker
            return .delete(deletable.map(\.deletionTarget))
        }
        if !pods.isEmpty {
            phase = .awaitingPodTermination
            return .wait
        }
        let volumes = observed.volumes.filter { !$0.isTerminating }
        if !volumes.isEmpty {
            phase = .deletingVolumes
            return .delete(volumes.map(\.deletionTarget))
        }
        if !observed.volumes.isEmpty {
            phase = .deletingVolumes
            return .wait
        }
        if observed.hasStatusEntry {
            phase = .forgetting
            return .forget
        }
        phase = .finished
        return .none
    }
}

/// What decides that a leaving broker's data has moved and its objects may go.
public enum RemovalGate: Equatable, Sendable {
    /// No way to ask (no Cruise Control and no Kafka client): every leaving broker counts as
    /// drained.
    case noCruiseControl
    /// Only these brokers have finished moving their data.
    case drained(Set<Int32>)

    public func isDrained(_ broker: Int32) -> Bool {
        switch self {
        case .noCruiseControl: return true
        case .drained(let brokers): return brokers.contains(broker)
        }
    }
}
