/// A KafkaTopic (`kafka.banzaicloud.io/v1alpha1`, Koperator's resource): one Kafka topic of a
/// KafkaCluster, declared in Kubernetes. The spec is the topic's shape and configuration; the
/// status, written through the status subresource, says what the operator made of it.
public struct KafkaTopic: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.kafkaTopics
    public var apiVersion: String? = "kafka.banzaicloud.io/v1alpha1"
    public var kind: String? = "KafkaTopic"
    public var metadata: ObjectMeta
    public var spec: Spec
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec, status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// The KafkaCluster a topic or user belongs to; without a namespace, the object's own.
    public struct ClusterReference: Codable, Equatable, Sendable {
        public var name: String
        public var namespace: String?

        public init(name: String, namespace: String? = nil) {
            self.name = name
            self.namespace = namespace
        }
    }

    public struct Spec: Codable, Equatable, Sendable {
        /// The topic's name in Kafka, which may differ from the object's.
        public var name: String
        /// -1 leaves the count to the broker's `num.partitions`.
        public var partitions: Int32
        /// -1 leaves the factor to the broker's `default.replication.factor`.
        public var replicationFactor: Int32
        /// Topic-level configuration overrides: the topic's whole set of them.
        public var config: [String: String]?
        public var clusterRef: ClusterReference

        public init(
            name: String, partitions: Int32, replicationFactor: Int32, config: [String: String]? = nil,
            clusterRef: ClusterReference
        ) {
            self.name = name
            self.partitions = partitions
            self.replicationFactor = replicationFactor
            self.config = config
            self.clusterRef = clusterRef
        }
    }

    public struct Status: Codable, Equatable, Sendable {
        /// `created`, Koperator's word, once the topic exists as specified; otherwise why not.
        public var state: String
        /// `koperator` once the operator created or adopted the topic (Koperator's value), so
        /// deleting the object deletes the topic; absent while the topic is not the operator's.
        public var managedBy: String?
        /// What Kafka reported at the last pass.
        public var partitionCount: Int32?
        public var replicationFactor: Int32?
        /// The configuration keys the operator set, so removing one from the spec removes it
        /// from the topic even on a broker that does not say where a value comes from.
        public var configKeys: [String]?
        /// Why the spec is not (yet) the topic: a refusal or the failure that keeps it waiting.
        public var message: String?
        /// The `metadata.generation` this status describes.
        public var observedGeneration: Int64?

        public init(
            state: String, managedBy: String? = nil, partitionCount: Int32? = nil,
            replicationFactor: Int32? = nil, configKeys: [String]? = nil, message: String? = nil,
            observedGeneration: Int64? = nil
        ) {
            self.state = state
            self.managedBy = managedBy
            self.partitionCount = partitionCount
            self.replicationFactor = replicationFactor
            self.configKeys = configKeys
            self.message = message
            self.observedGeneration = observedGeneration
        }
    }
}
