import JSON
import ResourceQuantity

/// `spec.cruiseControlConfig`: Cruise Control beside the brokers, with Koperator's field names.
/// Present (even empty), the operator runs Cruise Control for the cluster, unless
/// `cruiseControlEndpoint` names one that already runs elsewhere. Kubernetes objects
/// (resources, tolerations, affinity, security contexts, containers, volumes) are kept as
/// written and placed in Cruise Control's pod.
public struct CruiseControlConfig: Codable, Equatable, Sendable {
    /// How long a Cruise Control task may be retried.
    public var cruiseControlTaskSpec: CruiseControlTaskSpec?
    /// What the operator's CruiseControlOperations for this cluster get.
    public var cruiseControlOperationSpec: CruiseControlOperationSpec?
    /// `host:port` of a Cruise Control that runs elsewhere; the operator then renders none.
    public var cruiseControlEndpoint: String?
    /// The Cruise Control container's `ResourceRequirements`.
    public var resourceRequirements: JSONValue?
    public var serviceAccountName: String?
    /// `LocalObjectReference`s.
    public var imagePullSecrets: JSONValue?
    public var nodeSelector: [String: String]?
    /// `Toleration`s.
    public var tolerations: JSONValue?
    /// `cruisecontrol.properties` lines, laid over the operator's defaults.
    public var config: String?
    /// `capacity.json` as written: brokers it names take their capacity from it, the others
    /// get one generated from their disks, CPU and network configuration.
    public var capacityConfig: String?
    /// `clusterConfigs.json`: a JSON object of Kafka cluster configuration Cruise Control assumes.
    public var clusterConfig: String?
    /// Cruise Control's `log4j.properties`.
    public var log4jConfig: String?
    public var image: String?
    /// The metrics topic the brokers' reporter writes to, created by the operator.
    public var topicConfig: TopicConfig?
    /// An `Affinity`.
    public var affinity: JSONValue?
    /// Annotations of Cruise Control's pod.
    public var cruiseControlAnnotations: [String: String]?
    /// `Container`s run before Cruise Control.
    public var initContainers: JSONValue?
    /// Extra pod `Volume`s and container `VolumeMount`s.
    public var volumes: JSONValue?
    public var volumeMounts: JSONValue?
    public var podSecurityContext: JSONValue?
    /// The Cruise Control container's `SecurityContext`.
    public var securityContext: JSONValue?
    public var priorityClassName: String?

    public init(config: String? = nil, topicConfig: TopicConfig? = nil) {
        self.config = config
        self.topicConfig = topicConfig
    }

    /// Koperator's default metrics topic shape when `topicConfig` is absent.
    public static let defaultTopicPartitions: Int32 = 12
    public static let defaultTopicReplicationFactor: Int32 = 3

    /// The metrics topic's partitions and replication factor: `topicConfig`, else Koperator's
    /// defaults.
    public var metricsTopic: TopicConfig {
        topicConfig
            ?? TopicConfig(
                partitions: Self.defaultTopicPartitions, replicationFactor: Self.defaultTopicReplicationFactor
            )
    }

    /// Whether Cruise Control runs elsewhere (`cruiseControlEndpoint` set), so the operator
    /// renders none and creates no metrics topic.
    public var runsElsewhere: Bool { !(cruiseControlEndpoint ?? "").isEmpty }

    /// A size in whole megabytes (10^6 bytes), rounded down, as Cruise Control's capacity
    /// counts disks.
    public static func megabytes(_ quantity: Quantity) -> Int64 {
        quantity.milliValue / 1_000_000_000
    }
}

/// `cruiseControlOperationSpec`: finished CruiseControlOperations are deleted this long after they
/// finished (kept without it).
public struct CruiseControlOperationSpec: Codable, Equatable, Sendable {
    public var ttlSecondsAfterFinished: Int?

    public init(ttlSecondsAfterFinished: Int? = nil) {
        self.ttlSecondsAfterFinished = ttlSecondsAfterFinished
    }
}

/// `cruiseControlTaskSpec`, with Koperator's capitalised field name.
public struct CruiseControlTaskSpec: Codable, Equatable, Sendable {
    /// How long, in minutes, the operator retries a Cruise Control task; 0 means Koperator's
    /// default of 5.
    public var retryDurationMinutes: Int

    public init(retryDurationMinutes: Int) { self.retryDurationMinutes = retryDurationMinutes }

    private enum CodingKeys: String, CodingKey {
        case retryDurationMinutes = "RetryDurationMinutes"
    }

    public static let defaultRetryDurationMinutes = 5

    /// The retry duration in effect.
    public var effectiveRetryDurationMinutes: Int {
        retryDurationMinutes == 0 ? Self.defaultRetryDurationMinutes : retryDurationMinutes
    }
}

/// The shape of Cruise Control's metrics topic.
public struct TopicConfig: Codable, Equatable, Sendable {
    public var partitions: Int32
    public var replicationFactor: Int32

    public init(partitions: Int32, replicationFactor: Int32) {
        self.partitions = partitions
        self.replicationFactor = replicationFactor
    }
}

extension KafkaClusterSpec {
    /// The topic the brokers' Cruise Control metrics reporter writes to and Cruise Control
    /// reads: `cruise.control.metrics.topic` from the cluster's `readOnlyConfig` (Koperator's
    /// way to rename it), else `__CruiseControlMetrics`.
    public var cruiseControlMetricsTopic: String {
        let named = BrokerProperties.parse(readOnlyConfig)["cruise.control.metrics.topic"] ?? ""
        return named.isEmpty ? "__CruiseControlMetrics" : named
    }

    /// Whether the brokers' metrics reporter creates the metrics topic itself
    /// (`cruise.control.metrics.topic.auto.create=true` in the cluster's `readOnlyConfig`,
    /// shaped by its `cruise.control.metrics.topic.num.partitions` and `.replication.factor`):
    /// then the operator does not, as Koperator does not.
    public var cruiseControlReporterCreatesTopic: Bool {
        BrokerProperties.parse(readOnlyConfig)["cruise.control.metrics.topic.auto.create"]?.lowercased()
            == "true"
    }

    /// Whether the operator runs Cruise Control for this cluster: `cruiseControlConfig` is
    /// present and names no Cruise Control running elsewhere.
    public var runsCruiseControl: Bool {
        guard let config = cruiseControlConfig else { return false }
        return !config.runsElsewhere
    }
}
