/// A KafkaUser (`kafka.banzaicloud.io/v1alpha1`, Koperator's resource): a Kafka client of a
/// KafkaCluster, declared in Kubernetes. The operator issues its client certificate into the
/// Secret `spec.secretName` and grants it the ACLs `spec.topicGrants` name; the status, written
/// through the status subresource, says what was applied.
public struct KafkaUser: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.kafkaUsers
    public var apiVersion: String? = "kafka.banzaicloud.io/v1alpha1"
    public var kind: String? = "KafkaUser"
    public var metadata: ObjectMeta
    public var spec: Spec
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec, status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    public struct Spec: Codable, Equatable, Sendable {
        /// The Secret, in the user's namespace, that holds the user's certificate.
        public var secretName: String
        public var clusterRef: KafkaTopic.ClusterReference
        /// Without a value, true: the operator issues the certificate (Koperator's default).
        public var createCert: Bool?
        public var topicGrants: [TopicGrant]?
        /// Extra DNS names for the certificate.
        public var dnsNames: [String]?
        /// Koperator's JKS keystore; Kafka reads PEM here, so it is accepted and not made.
        public var includeJKS: Bool?
        /// The certificate's lifetime; without a value 90 days, as Koperator's.
        public var expirationSeconds: Int32?

        public init(
            secretName: String, clusterRef: KafkaTopic.ClusterReference, createCert: Bool? = nil,
            topicGrants: [TopicGrant]? = nil, dnsNames: [String]? = nil, includeJKS: Bool? = nil,
            expirationSeconds: Int32? = nil
        ) {
            self.secretName = secretName
            self.clusterRef = clusterRef
            self.createCert = createCert
            self.topicGrants = topicGrants
            self.dnsNames = dnsNames
            self.includeJKS = includeJKS
            self.expirationSeconds = expirationSeconds
        }

        public var issuesCertificate: Bool { createCert ?? true }
    }

    /// Access to topics: `accessType` `read` or `write`, `patternType` `literal` (the default),
    /// `prefixed`, `match` or `any`, as Kafka's resource pattern types.
    public struct TopicGrant: Codable, Equatable, Sendable {
        public var topicName: String
        public var accessType: String
        public var patternType: String?

        public init(topicName: String, accessType: String, patternType: String? = nil) {
            self.topicName = topicName
            self.accessType = accessType
            self.patternType = patternType
        }
    }

    public struct Status: Codable, Equatable, Sendable {
        /// `created`, Koperator's word, once the certificate and ACLs are in place; otherwise why not.
        public var state: String
        /// The ACL bindings the operator applied for the user, one line each.
        public var acls: [String]?
        /// Why the spec is not (yet) applied.
        public var message: String?
        /// When the certificate in the user's Secret expires (RFC 3339).
        public var certificateNotAfter: String?
        /// The `metadata.generation` this status describes.
        public var observedGeneration: Int64?

        public init(
            state: String, acls: [String]? = nil, message: String? = nil, certificateNotAfter: String? = nil,
            observedGeneration: Int64? = nil
        ) {
            self.state = state
            self.acls = acls
            self.message = message
            self.certificateNotAfter = certificateNotAfter
            self.observedGeneration = observedGeneration
        }
    }
}
