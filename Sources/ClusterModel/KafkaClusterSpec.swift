import JSON

/// The desired state of a cluster: Koperator's `KafkaClusterSpec` fields the operator uses.
public struct KafkaClusterSpec: Codable, Equatable, Sendable {
    public var clusterImage: String?
    public var headlessServiceEnabled: Bool?
    public var oneBrokerPerNode: Bool?
    /// Read-only broker configuration for every broker, as `server.properties` lines.
    public var readOnlyConfig: String?
    /// Dynamic configuration applied cluster-wide, as `server.properties` lines.
    public var clusterWideConfig: String?
    public var brokerConfigGroups: [String: BrokerConfig]?
    public var brokers: [Broker]
    public var listenersConfig: ListenersConfig?
    /// ZooKeeper `host:port` addresses the brokers register with (`zookeeper.connect`).
    public var zkAddresses: [String]?
    /// The ZooKeeper chroot path appended to `zkAddresses`, e.g. `/kafka`.
    public var zkPath: String?
    public var rollingUpgradeConfig: RollingUpgradeConfig?
    public var alertManagerConfig: AlertManagerConfig?
    public var disruptionBudget: DisruptionBudget?
    /// Passed through to Cruise Control's deployment; the operator reads only what it needs.
    public var cruiseControlConfig: JSONValue?
    /// Passed through to the Envoy deployment.
    public var envoyConfig: JSONValue?

    public init(brokers: [Broker]) {
        self.brokers = brokers
    }
}

/// One broker: its id, the config group it takes defaults from, and its own overrides.
public struct Broker: Codable, Equatable, Sendable {
    public var id: Int32
    public var brokerConfigGroup: String?
    /// Read-only configuration for this broker only, as `server.properties` lines.
    public var readOnlyConfig: String?
    public var brokerConfig: BrokerConfig?

    public init(id: Int32, brokerConfigGroup: String? = nil, brokerConfig: BrokerConfig? = nil) {
        self.id = id
        self.brokerConfigGroup = brokerConfigGroup
        self.brokerConfig = brokerConfig
    }
}

/// Settings of a broker or of a broker config group.
public struct BrokerConfig: Codable, Equatable, Sendable {
    public var image: String?
    /// Per-broker configuration, as `server.properties` lines.
    public var config: String?
    public var storageConfigs: [StorageConfig]?
    /// A Kubernetes `ResourceRequirements` object, kept as written.
    public var resourceRequirements: JSONValue?
    public var nodeSelector: [String: String]?
    /// Annotations for the broker's pod (Koperator's field), e.g. Prometheus scrape settings.
    public var brokerAnnotations: [String: String]?

    public init(image: String? = nil, storageConfigs: [StorageConfig]? = nil) {
        self.image = image
        self.storageConfigs = storageConfigs
    }
}

/// One disk of a broker: where it is mounted and the claim that provides it.
public struct StorageConfig: Codable, Equatable, Sendable {
    public var mountPath: String
    public var pvcSpec: PersistentVolumeClaimSpec?

    public init(mountPath: String, pvcSpec: PersistentVolumeClaimSpec? = nil) {
        self.mountPath = mountPath
        self.pvcSpec = pvcSpec
    }
}

/// The parts of a Kubernetes `PersistentVolumeClaimSpec` the operator sets and checks.
public struct PersistentVolumeClaimSpec: Codable, Equatable, Sendable {
    public struct Resources: Codable, Equatable, Sendable {
        public var requests: [String: String]?
        public init(requests: [String: String]? = nil) { self.requests = requests }
    }

    public var accessModes: [String]?
    public var storageClassName: String?
    public var resources: Resources?

    public init(accessModes: [String]? = nil, storageClassName: String? = nil, storage: String? = nil) {
        self.accessModes = accessModes
        self.storageClassName = storageClassName
        self.resources = storage.map { Resources(requests: ["storage": $0]) }
    }

    /// The requested size, e.g. `10Gi`.
    public var storage: String? { resources?.requests?["storage"] }
}

public struct ListenersConfig: Codable, Equatable, Sendable {
    public var internalListeners: [InternalListener]?
    public var externalListeners: [ExternalListener]?

    public init(internalListeners: [InternalListener]? = nil, externalListeners: [ExternalListener]? = nil) {
        self.internalListeners = internalListeners
        self.externalListeners = externalListeners
    }
}

public struct InternalListener: Codable, Equatable, Sendable {
    public var name: String
    public var type: String
    public var containerPort: Int
    public var usedForInnerBrokerCommunication: Bool?
    public var usedForControllerCommunication: Bool?

    public init(name: String, type: String, containerPort: Int, usedForInnerBrokerCommunication: Bool? = nil)
    {
        self.name = name
        self.type = type
        self.containerPort = containerPort
        self.usedForInnerBrokerCommunication = usedForInnerBrokerCommunication
    }
}

public struct ExternalListener: Codable, Equatable, Sendable {
    public var name: String
    public var type: String
    public var containerPort: Int
    public var externalStartingPort: Int?
    public var accessMethod: String?

    public init(name: String, type: String, containerPort: Int, externalStartingPort: Int? = nil) {
        self.name = name
        self.type = type
        self.containerPort = containerPort
        self.externalStartingPort = externalStartingPort
    }
}

public struct RollingUpgradeConfig: Codable, Equatable, Sendable {
    /// How many alerts labelled `rollingupgrade` a rolling upgrade tolerates before it stops.
    public var failureThreshold: Int

    public init(failureThreshold: Int) { self.failureThreshold = failureThreshold }
}

/// Bounds on what alert-driven actions may do.
public struct AlertManagerConfig: Codable, Equatable, Sendable {
    /// Most brokers an upScale may grow the cluster to.
    public var upScaleLimit: Int?
    /// Fewest brokers a downScale may shrink the cluster to.
    public var downScaleLimit: Int?

    public init(upScaleLimit: Int? = nil, downScaleLimit: Int? = nil) {
        self.upScaleLimit = upScaleLimit
        self.downScaleLimit = downScaleLimit
    }
}
