import JSON

/// The desired state of a cluster: Koperator's `KafkaClusterSpec` fields the operator uses.
public struct KafkaClusterSpec: Codable, Equatable, Sendable {
    /// KRaft mode (`node.id`, `process.roles`, a controller quorum) instead of ZooKeeper. Absent
    /// means ZooKeeper, as in Koperator's released CRD, which has no such field.
    public var kRaft: Bool?
    public var clusterImage: String?
    /// The image the Cruise Control metrics reporter jar is copied from; the cluster image when
    /// absent (Koperator's images carry the jar).
    public var clusterMetricsReporterImage: String?
    public var headlessServiceEnabled: Bool?
    /// Pods of one cluster must not share a node (a required anti-affinity) rather than
    /// merely prefer not to. A broker's own `affinity` replaces this rule.
    public var oneBrokerPerNode: Bool?
    /// The cluster's DNS domain in broker addresses; `cluster.local` when absent.
    public var kubernetesClusterDomain: String?
    /// Environment of every broker container, before its group's and its own `envs`.
    public var envs: [EnvironmentVariable]?
    /// Extra container ports (Kubernetes `ContainerPort` objects), kept as written.
    public var additionalPorts: JSONValue?
    public var monitoringConfig: MonitoringConfig?
    /// Koperator's `rackAwareness` (node labels to `broker.rack`), kept as written.
    public var rackAwareness: JSONValue?
    /// A client certificate for the operator and Cruise Control on a TLS inter-broker listener.
    public var clientSSLCertSecret: JSONValue?
    public var disruptionBudget: DisruptionBudget?
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
    /// Cruise Control beside the brokers; none when absent.
    public var cruiseControlConfig: CruiseControlConfig?
    /// What carries external listeners' traffic: `envoy` (the default) or `istioingress`.
    public var ingressController: String?
    /// The Envoy in front of each external listener.
    public var envoyConfig: EnvoyConfig?

    public init(brokers: [Broker]) {
        self.brokers = brokers
    }

    /// KRaft mode; ZooKeeper settings are then ignored, as Koperator does.
    public var usesKRaft: Bool { kRaft == true }

    /// `ingressController`, `envoy` when absent.
    public var effectiveIngressController: String {
        ingressController.flatMap { $0.isEmpty ? nil : $0 } ?? "envoy"
    }

    /// The DNS domain of broker addresses.
    public var clusterDomain: String {
        guard let domain = kubernetesClusterDomain, !domain.isEmpty else { return "cluster.local" }
        return domain
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

/// Settings of a broker or of a broker config group. Kubernetes objects (affinity,
/// tolerations, security contexts, containers, volumes) are kept as written: the renderer
/// places them in the pod.
public struct BrokerConfig: Codable, Equatable, Sendable {
    /// KRaft roles of the node: `broker`, `controller` or both. Ignored in ZooKeeper mode.
    public var processRoles: [String]?
    public var image: String?
    /// The image the Cruise Control metrics reporter jar is copied from.
    public var metricsReporterImage: String?
    /// Per-broker configuration, as `server.properties` lines.
    public var config: String?
    public var storageConfigs: [StorageConfig]?
    public var serviceAccountName: String?
    /// A Kubernetes `ResourceRequirements` object, kept as written.
    public var resourceRequirements: JSONValue?
    /// `LocalObjectReference`s, kept as written.
    public var imagePullSecrets: JSONValue?
    public var nodeSelector: [String: String]?
    /// `Toleration`s, kept as written.
    public var tolerations: JSONValue?
    /// `KAFKA_HEAP_OPTS`; `-Xmx2G -Xms2G` when absent.
    public var kafkaHeapOpts: String?
    /// `KAFKA_JVM_PERFORMANCE_OPTS`; Koperator's G1 settings when absent.
    public var kafkaJvmPerfOpts: String?
    /// A `log4j.properties` replacing the image's.
    public var log4jConfig: String?
    /// Annotations of the broker's pod.
    public var brokerAnnotations: [String: String]?
    /// Labels of the broker's pod; they never replace the operator's own labels.
    public var brokerLabels: [String: String]?
    /// Network capacity for Cruise Control, kept as written.
    public var networkConfig: JSONValue?
    /// Per external listener, the IP a NodePort listener advertises.
    public var nodePortExternalIP: [String: String]?
    public var nodePortNodeAddressType: String?
    /// An `Affinity`, kept as written; it replaces the default anti-affinity between brokers.
    public var affinity: JSONValue?
    public var podSecurityContext: JSONValue?
    /// The kafka container's `SecurityContext`.
    public var securityContext: JSONValue?
    public var brokerIngressMapping: [String]?
    /// `Container`s run before the broker, kept as written.
    public var initContainers: JSONValue?
    /// Sidecar `Container`s, kept as written.
    public var containers: JSONValue?
    /// Extra pod `Volume`s and kafka container `VolumeMount`s, kept as written.
    public var volumes: JSONValue?
    public var volumeMounts: JSONValue?
    public var envs: [EnvironmentVariable]?
    public var terminationGracePeriodSeconds: Int64?
    public var priorityClassName: String?

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
    /// The CA Secret and whether the operator creates it, kept as written.
    public var sslSecrets: JSONValue?

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
    public var sslClientAuth: String?
    /// A Secret holding this listener's server certificate, kept as written.
    public var serverSSLCertSecret: JSONValue?

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
    /// Broker N is reached from outside on `externalStartingPort + N`.
    public var externalStartingPort: Int?
    /// `LoadBalancer` (the default) or `NodePort`.
    public var accessMethod: String?
    /// The port reaching any broker; 29092 when absent.
    public var anyCastPort: Int?
    /// Envoy's container port for the any-cast listener; 29092 when absent.
    public var ingressControllerTargetPort: Int?
    /// Advertised instead of the load balancer's address (a DNS name pointing at it).
    public var hostnameOverride: String?
    public var serviceAnnotations: [String: String]?
    /// `Cluster` or `Local`.
    public var externalTrafficPolicy: String?
    public var serviceType: String?
    /// Per-listener ingress configurations (Koperator's `config`), kept as written.
    public var config: JSONValue?
    /// A Secret holding this listener's server certificate, kept as written.
    public var serverSSLCertSecret: JSONValue?

    public init(name: String, type: String, containerPort: Int, externalStartingPort: Int? = nil) {
        self.name = name
        self.type = type
        self.containerPort = containerPort
        self.externalStartingPort = externalStartingPort
    }

    public static let defaultAnyCastPort = 29092
    public static let defaultIngressControllerTargetPort = 29092

    /// `accessMethod`, `LoadBalancer` when absent.
    public var effectiveAccessMethod: String {
        accessMethod.flatMap { $0.isEmpty ? nil : $0 } ?? "LoadBalancer"
    }
    public var effectiveAnyCastPort: Int { anyCastPort ?? Self.defaultAnyCastPort }
    public var effectiveIngressControllerTargetPort: Int {
        ingressControllerTargetPort ?? Self.defaultIngressControllerTargetPort
    }
    /// The external port of broker `id`.
    public func externalPort(of id: Int32) -> Int { (externalStartingPort ?? 0) + Int(id) }
}

public struct RollingUpgradeConfig: Codable, Equatable, Sendable {
    /// The error count (brokers with offline or out-of-sync replicas, plus firing alerts
    /// labelled `rollingupgrade`) at which a rolling upgrade pauses before its next broker.
    public var failureThreshold: Int
    /// How many brokers of one rack (`broker.rack` in each broker's `readOnlyConfig`) may
    /// restart together; 1 when absent, and always 1 unless every broker names its rack.
    public var concurrentBrokerRestartCountPerRack: Int?

    public init(failureThreshold: Int, concurrentBrokerRestartCountPerRack: Int? = nil) {
        self.failureThreshold = failureThreshold
        self.concurrentBrokerRestartCountPerRack = concurrentBrokerRestartCountPerRack
    }
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

/// A container environment variable (`EnvVar`). A name starting with `+` prepends its value to
/// the variable's earlier value, one ending with `+` appends it (Koperator's rule).
public struct EnvironmentVariable: Codable, Equatable, Sendable {
    public var name: String
    public var value: String?
    /// An `EnvVarSource`, kept as written.
    public var valueFrom: JSONValue?

    public init(name: String, value: String? = nil, valueFrom: JSONValue? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}

/// How brokers export JMX metrics to Prometheus.
public struct MonitoringConfig: Codable, Equatable, Sendable {
    /// The image holding the Prometheus JMX exporter java agent.
    public var jmxImage: String?
    /// Where the agent jar is inside `jmxImage`.
    public var pathToJar: String?
    /// The exporter's YAML configuration for brokers.
    public var kafkaJMXExporterConfig: String?
    public var cCJMXExporterConfig: String?

    public init(jmxImage: String? = nil, pathToJar: String? = nil, kafkaJMXExporterConfig: String? = nil) {
        self.jmxImage = jmxImage
        self.pathToJar = pathToJar
        self.kafkaJMXExporterConfig = kafkaJMXExporterConfig
    }
}
