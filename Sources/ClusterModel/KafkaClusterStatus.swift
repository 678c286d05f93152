import JSON

/// What the operator observed and did: Koperator's `KafkaClusterStatus` plus the operator's
/// own action log and alert dedupe records (fields Koperator does not know, and ignores).
///
/// Each field has one writer. The reconciler: `state`, `brokerCount`, `rollingUpgradeStatus`, `unsupported`,
/// `unresizedClaims`, `announcedActionsThrough`, `cruiseControlTopicStatus`,
/// `clusterWideConfigKeys`, `dynamicConfigErrors`, `listenerStatuses` (its external listeners),
/// `pendingExternalAddresses`, `certificateExpiry`, `certificateProblems`, `keystoreReloadUntil`, and per broker `configurationState`,
/// `perBrokerConfigurationState`, `dynamicConfigKeys`, `readiness` and the progress of its Cruise Control tasks in
/// `gracefulActionState` (and the removal of a broker's entry once it is gone). Actions:
/// `actionLog`, `processedAlerts`, `alertCount`, `rollingUpgradeAlerts`, and the start of a graceful change (a leaving
/// broker's `GracefulDownscaleRequired`, a new disk's `GracefulDiskRebalanceRequired`, `forced`).
/// `pendingBrokerRemovals` and `pendingRebalance` are hand-offs: actions set them, the
/// reconciler takes them up.
public struct KafkaClusterStatus: Codable, Equatable, Sendable {
    public var state: ClusterState?
    /// How many brokers the spec names (the CRD's printer column).
    public var brokerCount: Int?
    /// What the spec asks for that the operator cannot render yet, each as `path: reason`; no
    /// broker pod is created or replaced while any is listed.
    public var unsupported: [String]?
    /// Claims whose size the spec changes but that keep their size, each as `claim: reason`:
    /// a claim never shrinks, and grows only where its StorageClass allows expansion.
    public var unresizedClaims: [String]?
    public var brokersState: [String: BrokerState]?
    public var rollingUpgradeStatus: RollingUpgradeStatus?
    /// Whether Cruise Control's metrics topic exists; absent without Cruise Control.
    public var cruiseControlTopicStatus: CruiseControlTopicStatus?
    /// How many alerts labelled `rollingupgrade` fire, as `rollingUpgradeAlerts` last said.
    public var alertCount: Int?
    /// The firing alerts labelled `rollingupgrade`, by fingerprint.
    public var rollingUpgradeAlerts: [FiringAlert]?
    /// The keys the operator keeps on Kafka's cluster-wide default (`clusterWideConfig`'s
    /// dynamic keys), names only: a key taken out of the spec is deleted from Kafka only when
    /// it is listed here, so keys others set (Cruise Control's throttles, a person with
    /// kafka-configs) are never deleted, and a restarted operator still knows which are its own.
    public var clusterWideConfigKeys: [String]?
    /// The dynamic keys Kafka refused, or that cannot be set dynamically, each as
    /// `<resource> <key>: <reason>`; the other keys are applied and no broker is restarted.
    public var dynamicConfigErrors: [String]?
    /// Every action taken on this cluster, oldest first, bounded.
    public var actionLog: [ActionRecord]?
    /// Alerts already acted on, so a re-sent notification is not acted on twice.
    public var processedAlerts: [ProcessedAlert]?
    /// downScales accepted without a broker named, whose broker the reconciler has yet to
    /// choose (from live data, off the request path). The action adds one; the reconciler takes
    /// one off in the same write that takes the chosen broker out of the spec.
    public var pendingBrokerRemovals: Int?
    /// A `rebalance` asked for through the action API, which the reconciler has yet to run as a
    /// CruiseControlOperation. The action sets it; the reconciler clears it once the object
    /// exists (the object names the request, so a retried pass never runs it twice).
    public var pendingRebalance: PendingRebalance?
    /// The id of the newest action record the reconciler has taken up and announced by a
    /// Kubernetes Event: it writes this with the status of the first pass planned from the spec
    /// that action changed.
    public var announcedActionsThrough: String?
    /// Where clients reach each listener (Koperator's field): per external listener the
    /// any-cast address (`any-broker`) and each broker's (`broker-<id>`).
    public var listenerStatuses: ListenerStatuses?
    /// External listeners whose load balancer has no address yet, each as `listener: reason`;
    /// brokers advertising such a listener are not created or replaced meanwhile.
    public var pendingExternalAddresses: [String]?
    /// When each TLS certificate the cluster uses expires (RFC 3339), by Secret name: the CA,
    /// the brokers' and the operator's.
    public var certificateExpiry: [String: String]?
    /// What is wrong with the cluster's TLS material (a CA Secret the user brings that is
    /// missing or invalid), one sentence each; no broker pod is created or replaced meanwhile.
    public var certificateProblems: [String]?
    /// After the brokers' certificate was renewed: until when (RFC 3339) the operator asks each
    /// broker to reload its keystore, since the kubelet updates a mounted Secret only within
    /// its sync period.
    public var keystoreReloadUntil: String?

    public init() {}
}

/// Koperator's `ListenerStatuses`: addresses by listener name.
/// The operator writes the external listeners' addresses; the internal ones are kept as written.
public struct ListenerStatuses: Codable, Equatable, Sendable {
    public var internalListeners: JSONValue?
    public var externalListeners: [String: [ListenerStatus]]?

    public init(internalListeners: JSONValue? = nil, externalListeners: [String: [ListenerStatus]]? = nil) {
        self.internalListeners = internalListeners
        self.externalListeners = externalListeners
    }
}

/// One address of a listener: `any-broker` or `broker-<id>`, and `host:port`.
public struct ListenerStatus: Codable, Equatable, Sendable {
    public var name: String
    public var address: String

    public init(name: String, address: String) {
        self.name = name
        self.address = address
    }
}

/// A rebalance waiting to become a Cruise Control task.
public struct PendingRebalance: Codable, Equatable, Sendable {
    /// When it was asked for (RFC 3339): what names the request on its CruiseControlOperation.
    public var requestedAt: String
    /// The brokers to move replicas onto; all brokers when absent.
    public var destinations: [Int32]?

    public init(requestedAt: String, destinations: [Int32]? = nil) {
        self.requestedAt = requestedAt
        self.destinations = destinations
    }
}

public struct BrokerState: Codable, Equatable, Sendable {
    public var configurationState: ConfigurationState?
    public var perBrokerConfigurationState: PerBrokerConfigurationState?
    /// The per-broker dynamic keys the operator keeps on this broker, names only (see
    /// `KafkaClusterStatus.clusterWideConfigKeys` for why).
    public var dynamicConfigKeys: [String]?
    public var readiness: BrokerReadiness?
    public var gracefulActionState: GracefulActionState?
    public var rollingUpgradeState: String?
    /// Set when the broker refused to reload its renewed keystore or truststore (Kafka cannot
    /// take every change without a restart): the `keystoreReloadUntil` of that renewal. Its pod
    /// carries the value, so the broker restarts, health-gated, to load the files.
    public var keystoreRestart: String?

    public init() {}
}

/// A broker's graceful upscale/downscale progress, with the Cruise Control task that drives it.
public struct GracefulActionState: Codable, Equatable, Sendable {
    public var cruiseControlState: CruiseControlState?
    public var cruiseControlOperationReference: JSONValue?
    public var errorMessage: String?
    public var volumeStates: [String: JSONValue]?
    /// A `downScale` with `force`: without Cruise Control the broker goes even while Kafka's
    /// metadata lists replicas on it (they are lost with its disks).
    public var forced: Bool?

    public init(cruiseControlState: CruiseControlState? = nil) {
        self.cruiseControlState = cruiseControlState
    }
}

/// Where a rolling upgrade stands. `lastSuccess` and `errorCount` are Koperator's; the rest
/// are the operator's own, written by the reconciler with the rest of this object.
public struct RollingUpgradeStatus: Codable, Equatable, Sendable {
    /// When the last restarted broker was back: Ready and in every ISR (RFC 3339).
    public var lastSuccess: String?
    /// Failing checks (brokers with offline or out-of-sync replicas, Kafka unreadable) plus
    /// firing alerts labelled `rollingupgrade`, as of the last pass that looked.
    public var errorCount: Int?
    /// The brokers restarted last, until they are back.
    public var restarting: [Int32]?
    /// Why the upgrade waits (a `RollingUpgrade.PauseReason` code), and since when (RFC 3339).
    public var pauseReason: String?
    public var pausedSince: String?
    /// The pause outlasted the operator's limit and a Warning said so.
    public var pauseReported: Bool?

    public init() {}
}

/// A firing alert labelled `rollingupgrade`, counted against the rolling upgrade until a
/// resolved notification for its fingerprint arrives or its `endsAt` passes.
public struct FiringAlert: Codable, Equatable, Sendable {
    public var fingerprint: String
    public var startsAt: String
    /// When the sender considers it resolved unless it says otherwise (RFC 3339); nil when the
    /// sender gave none.
    public var endsAt: String?

    public init(fingerprint: String, startsAt: String, endsAt: String? = nil) {
        self.fingerprint = fingerprint
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// Still firing at `now` (milliseconds since the epoch).
    public func isFiring(at now: Int64) -> Bool {
        guard let endsAt, let end = UTCTimestamp.milliseconds(of: endsAt) else { return true }
        return end > now
    }
}

/// One action as recorded with the cluster.
public struct ActionRecord: Codable, Equatable, Sendable {
    public var id: String
    public var command: String
    /// `alert:<fingerprint>` or `manual:<caller>`.
    public var source: String
    /// RFC 3339.
    public var time: String
    public var change: String
    public var outcome: String

    public init(id: String, command: String, source: String, time: String, change: String, outcome: String) {
        self.id = id
        self.command = command
        self.source = source
        self.time = time
        self.change = change
        self.outcome = outcome
    }
}

/// An alert firing (fingerprint and start) that was acted on.
public struct ProcessedAlert: Codable, Equatable, Sendable {
    public var fingerprint: String
    public var startsAt: String
    public var processedAt: String

    public init(fingerprint: String, startsAt: String, processedAt: String) {
        self.fingerprint = fingerprint
        self.startsAt = startsAt
        self.processedAt = processedAt
    }
}

extension KafkaCluster {
    /// Takes the broker out of the spec and marks it `GracefulDownscaleRequired`: the reconciler
    /// removes its objects once its data has moved away.
    public mutating func removeBrokerGracefully(_ id: Int32) {
        spec.brokers.removeAll { $0.id == id }
        var status = status ?? KafkaClusterStatus()
        status.markDownscaleRequired(id)
        self.status = status
    }
}

extension GracefulActionState {
    /// The graceful state of the disk mounted at `mountPath`, if it has one.
    public func volumeState(_ mountPath: String) -> CruiseControlVolumeState? {
        if case .string(let state)? = volumeStates?[mountPath]?["cruiseControlVolumeState"] {
            return CruiseControlVolumeState(rawValue: state)
        }
        return nil
    }

    /// The disks in `state`, sorted.
    public func volumes(in state: CruiseControlVolumeState) -> [String] {
        (volumeStates ?? [:]).keys.filter { volumeState($0) == state }.sorted()
    }

    /// Sets the disk's state, the CruiseControlOperation of its task and the last error, as
    /// Koperator writes a `VolumeState`.
    public mutating func setVolume(
        _ mountPath: String, state: CruiseControlVolumeState, operation: String? = nil,
        errorMessage: String? = nil
    ) {
        var members: [(String, JSONValue)] = [("cruiseControlVolumeState", .string(state.rawValue))]
        if let operation {
            members.append(("cruiseControlOperationReference", Self.reference(to: operation)))
        }
        if let errorMessage { members.append(("errorMessage", .string(errorMessage))) }
        var states = volumeStates ?? [:]
        states[mountPath] = .object(members)
        volumeStates = states
    }

    /// Forgets the disk's state (its removal is done, or it is back in the spec).
    public mutating func clearVolume(_ mountPath: String) {
        volumeStates?[mountPath] = nil
        if volumeStates?.isEmpty == true { volumeStates = nil }
    }

    /// The CruiseControlOperation of the disk's task.
    public func volumeOperation(_ mountPath: String) -> String? {
        Self.referencedName(volumeStates?[mountPath]?["cruiseControlOperationReference"])
    }

    /// The CruiseControlOperation of the broker's task.
    public var operationName: String? { Self.referencedName(cruiseControlOperationReference) }

    /// Names `operation` as the broker's task.
    public mutating func setOperation(_ operation: String) {
        cruiseControlOperationReference = Self.reference(to: operation)
    }

    /// A `LocalObjectReference`, as Koperator writes `cruiseControlOperationReference`.
    private static func reference(to name: String) -> JSONValue { .object([("name", .string(name))]) }

    private static func referencedName(_ reference: JSONValue?) -> String? {
        if case .string(let name)? = reference?["name"] { return name }
        return nil
    }
}

extension KafkaCluster {
    /// Marks the disk just added to broker `id` for a disk rebalance, when the cluster has
    /// Cruise Control to run one.
    public mutating func markDiskRebalanceRequired(broker id: Int32, mountPath: String) {
        guard spec.cruiseControlConfig != nil else { return }
        var status = status ?? KafkaClusterStatus()
        var state = status.brokersState?[String(id)] ?? BrokerState()
        var graceful = state.gracefulActionState ?? GracefulActionState()
        graceful.setVolume(mountPath, state: .diskRebalanceRequired)
        state.gracefulActionState = graceful
        status.brokersState = (status.brokersState ?? [:]).merging([String(id): state]) { _, new in new }
        self.status = status
    }
}

extension KafkaClusterStatus {
    /// Sets the broker's graceful state to `GracefulDownscaleRequired`, keeping the rest of its
    /// entry.
    public mutating func markDownscaleRequired(_ id: Int32) {
        var state = brokersState?[String(id)] ?? BrokerState()
        var graceful = state.gracefulActionState ?? GracefulActionState()
        graceful.cruiseControlState = .downscaleRequired
        state.gracefulActionState = graceful
        brokersState = (brokersState ?? [:]).merging([String(id): state]) { _, new in new }
    }
}
