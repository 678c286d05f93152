/// A word of the status vocabulary: Koperator's spelling on the wire, typed in code. A word
/// this version does not know (written by a newer operator, or by Koperator) is kept as read
/// rather than failing the whole status.
public protocol StatusWord: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
where RawValue == String {
    init(rawValue: String)
}

extension StatusWord {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
}

/// `status.state`: where the cluster as a whole stands.
public struct ClusterState: StatusWord {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Every broker's objects are as rendered and every broker's pod is ready.
    public static let running: ClusterState = "ClusterRunning"
    /// Objects are still being created, changed or removed, or a pod is not ready.
    public static let reconciling: ClusterState = "ClusterReconciling"
    /// Brokers are being restarted one at a time.
    public static let rollingUpgrading: ClusterState = "ClusterRollingUpgrading"
}

/// `status.brokersState[id].configurationState`: whether the broker's objects are as rendered.
public struct ConfigurationState: StatusWord {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let inSync: ConfigurationState = "ConfigInSync"
    public static let outOfSync: ConfigurationState = "ConfigOutOfSync"
}

/// `status.brokersState[id].perBrokerConfigurationState`: whether the broker's dynamic
/// configuration (the per-broker keys Kafka changes without a restart) is what the spec asks.
public struct PerBrokerConfigurationState: StatusWord {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Kafka reports every dynamic key of the broker's spec with the spec's value.
    public static let inSync: PerBrokerConfigurationState = "PerBrokerConfigInSync"
    /// Not applied yet: the broker is not Ready or not registered, Kafka was not reachable, or
    /// reading back did not show the change yet. The reconciler tries again.
    public static let outOfSync: PerBrokerConfigurationState = "PerBrokerConfigOutOfSync"
    /// Kafka refused a key (`status.dynamicConfigErrors` says which and why); the broker's
    /// other keys are applied.
    public static let error: PerBrokerConfigurationState = "PerBrokerConfigError"
}

/// `status.brokersState[id].readiness`: the broker's pod, as the kubelet reports it.
public struct BrokerReadiness: StatusWord {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let ready: BrokerReadiness = "Ready"
    public static let notReady: BrokerReadiness = "NotReady"
    /// No pod of the broker exists (yet).
    public static let missing: BrokerReadiness = "Missing"
}

/// `status.brokersState[id].gracefulActionState.cruiseControlState`: a broker's graceful
/// upscale or downscale, in Koperator's words.
public struct CruiseControlState: StatusWord {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let upscaleRequired: CruiseControlState = "GracefulUpscaleRequired"
    /// Its CruiseControlOperation exists; Cruise Control has not accepted the task yet (it did
    /// not answer, or the operator stopped in between).
    public static let upscaleScheduled: CruiseControlState = "GracefulUpscaleScheduled"
    public static let upscaleRunning: CruiseControlState = "GracefulUpscaleRunning"
    public static let upscaleSucceeded: CruiseControlState = "GracefulUpscaleSucceeded"
    /// The last run failed; it runs again 30 s later (`errorPolicy: retry`).
    public static let upscaleCompletedWithError: CruiseControlState = "GracefulUpscaleCompletedWithError"
    /// Its CruiseControlOperation carries the label `pause: "true"`: not run again until removed.
    public static let upscalePaused: CruiseControlState = "GracefulUpscalePaused"
    public static let downscaleRequired: CruiseControlState = "GracefulDownscaleRequired"
    public static let downscaleScheduled: CruiseControlState = "GracefulDownscaleScheduled"
    public static let downscaleRunning: CruiseControlState = "GracefulDownscaleRunning"
    public static let downscaleSucceeded: CruiseControlState = "GracefulDownscaleSucceeded"
    public static let downscaleCompletedWithError: CruiseControlState = "GracefulDownscaleCompletedWithError"
    public static let downscalePaused: CruiseControlState = "GracefulDownscalePaused"

    /// Whether the graceful operation finished well. Any other state (paused, completed with an
    /// error, one this version does not know) still needs the operator or a person.
    public var hasSucceeded: Bool { self == .upscaleSucceeded || self == .downscaleSucceeded }
}

/// A disk's graceful progress (`gracefulActionState.volumeStates.<mountPath>.cruiseControlVolumeState`),
/// in Koperator's words: a disk added to a running broker has data moved onto it by a disk
/// rebalance of that broker; a disk taken out of a staying broker's spec has its data moved off
/// by `remove_disks` before the pod loses it and its claim is deleted.
public struct CruiseControlVolumeState: StatusWord {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let diskRebalanceRequired: CruiseControlVolumeState = "GracefulDiskRebalanceRequired"
    public static let diskRebalanceRunning: CruiseControlVolumeState = "GracefulDiskRebalanceRunning"
    public static let diskRebalanceSucceeded: CruiseControlVolumeState = "GracefulDiskRebalanceSucceeded"

    /// The disk left the spec; its `remove_disks` task has not started.
    public static let diskRemovalRequired: CruiseControlVolumeState = "GracefulDiskRemovalRequired"
    /// Its CruiseControlOperation exists; Cruise Control has not accepted the task yet.
    public static let diskRemovalScheduled: CruiseControlVolumeState = "GracefulDiskRemovalScheduled"
    public static let diskRemovalRunning: CruiseControlVolumeState = "GracefulDiskRemovalRunning"
    /// The last run failed; it runs again 30 s later. The disk stays mounted.
    public static let diskRemovalCompletedWithError: CruiseControlVolumeState =
        "GracefulDiskRemovalCompletedWithError"
    /// The last run failed and its CruiseControlOperation is labelled `pause: "true"`.
    public static let diskRemovalPaused: CruiseControlVolumeState = "GracefulDiskRemovalPaused"
    /// The disk holds no replica: the pod is rendered without it, then its claim is deleted.
    public static let diskRemovalSucceeded: CruiseControlVolumeState = "GracefulDiskRemovalSucceeded"

    /// A removal under way: the disk stays mounted and in `log.dirs`.
    public var isRemovalUnderWay: Bool {
        [
            .diskRemovalRequired, .diskRemovalScheduled, .diskRemovalRunning, .diskRemovalCompletedWithError,
            .diskRemovalPaused,
        ].contains(self)
    }
}

/// `status.cruiseControlTopicStatus`: whether Cruise Control's metrics topic exists, in
/// Koperator's words. Absent while the operator runs no Cruise Control for the cluster.
public struct CruiseControlTopicStatus: StatusWord {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The topic was created, or found to exist.
    public static let ready: CruiseControlTopicStatus = "CruiseControlTopicReady"
    /// The topic could not be created yet (brokers not running, too few brokers for its
    /// replication factor, Kafka unreachable); the reconciler tries again.
    public static let notReady: CruiseControlTopicStatus = "CruiseControlTopicNotReady"
}

/// A KafkaTopic's `status.state`: `created` is Koperator's word; the others say why the topic
/// is not (yet) as specified, with `status.message` giving the details.
public struct TopicState: StatusWord {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The topic exists in Kafka with the spec's partitions, replication factor and configuration.
    public static let created: TopicState = "created"
    /// Not there yet: the cluster, its brokers or Kafka cannot be reached; the operator retries.
    public static let pending: TopicState = "pending"
    /// The spec asks for what Kafka cannot do (fewer partitions, another replication factor) or
    /// names a topic that exists outside the operator in another shape; nothing is changed
    /// until the spec is fixed.
    public static let refused: TopicState = "refused"
}

/// A KafkaUser's `status.state`: `created` is Koperator's word; the others say why the user's
/// certificate or ACLs are not (yet) as specified, with `status.message` giving the details.
public struct UserState: StatusWord {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The user's Secret holds a valid certificate (when asked for) and its ACLs are Kafka's.
    public static let created: UserState = "created"
    /// Not there yet: the cluster, its CA or Kafka cannot be reached; the operator retries.
    public static let pending: UserState = "pending"
    /// The spec or Kafka refuses what is asked (a bad grant, a Secret of the same name that is
    /// not the user's, no authorizer); nothing is changed until something is fixed.
    public static let refused: UserState = "refused"
}
