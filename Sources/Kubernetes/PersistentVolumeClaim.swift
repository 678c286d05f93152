/// A PersistentVolumeClaim (`v1`).
public struct PersistentVolumeClaim: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.persistentVolumeClaims
    public var apiVersion: String? = "v1"
    public var kind: String? = "PersistentVolumeClaim"
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    public struct Spec: Codable, Equatable, Sendable {
        public var accessModes: [String]?
        public var storageClassName: String?
        public var resources: ResourceRequirements?
        public var volumeName: String?
        public var volumeMode: String?

        public init(accessModes: [String]? = nil, storageClassName: String? = nil, storage: String? = nil) {
            self.accessModes = accessModes
            self.storageClassName = storageClassName
            self.resources = storage.map { ResourceRequirements(requests: ["storage": $0]) }
        }
    }

    public struct ResourceRequirements: Codable, Equatable, Sendable {
        public var requests: [String: String]?
        public var limits: [String: String]?

        public init(requests: [String: String]? = nil, limits: [String: String]? = nil) {
            self.requests = requests
            self.limits = limits
        }
    }

    public struct Status: Codable, Equatable, Sendable {
        /// `Pending`, `Bound` or `Lost`.
        public var phase: String?
        public var accessModes: [String]?
        public var capacity: [String: String]?

        public init(phase: String? = nil, capacity: [String: String]? = nil) {
            self.phase = phase
            self.capacity = capacity
        }
    }
}
