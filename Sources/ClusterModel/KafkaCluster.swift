/// A `KafkaCluster` resource (`kafka.banzaicloud.io/v1beta1`), read and written with the field
/// names of Koperator's custom resource, so an existing manifest loads unchanged.
///
/// These types model what the operator uses; everything else in a document is kept by
/// `ClusterDocument`, which overlays these fields on the document as it was read.
public struct KafkaCluster: Codable, Equatable, Sendable {
    public static let apiVersion = "kafka.banzaicloud.io/v1beta1"
    public static let kind = "KafkaCluster"

    public var apiVersion: String = KafkaCluster.apiVersion
    public var kind: String = KafkaCluster.kind
    public var metadata: ObjectMeta
    public var spec: KafkaClusterSpec
    public var status: KafkaClusterStatus?

    public init(metadata: ObjectMeta, spec: KafkaClusterSpec, status: KafkaClusterStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec, status
    }

    /// `apiVersion` may be absent (a fragment in a test, say); `kind` is checked by the reader.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? Self.apiVersion
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? Self.kind
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        spec = try container.decode(KafkaClusterSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(KafkaClusterStatus.self, forKey: .status)
    }
}

/// The Kubernetes object metadata the operator reads and writes.
public struct ObjectMeta: Codable, Equatable, Sendable {
    public var name: String
    public var namespace: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var resourceVersion: String?
    public var uid: String?
    public var generation: Int?
    public var creationTimestamp: String?
    /// Set once a delete was accepted; the object waits for its finalizers.
    public var deletionTimestamp: String?

    public init(name: String, namespace: String? = nil) {
        self.name = name
        self.namespace = namespace
    }
}
