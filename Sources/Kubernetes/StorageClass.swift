/// A StorageClass (`storage.k8s.io/v1`, cluster-scoped): how claims of the class are
/// provisioned, and whether a bound claim may grow.
public struct StorageClass: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.storageClasses
    /// The annotation that marks the class claims without a `storageClassName` get.
    public static let defaultClassAnnotation = StorageClassAnnotation.isDefaultClass

    public var apiVersion: String? = "storage.k8s.io/v1"
    public var kind: String? = "StorageClass"
    public var metadata: ObjectMeta
    public var provisioner: String
    public var parameters: [String: String]?
    public var reclaimPolicy: String?
    public var volumeBindingMode: String?
    /// Absent means false: the API server refuses to grow a claim of the class.
    public var allowVolumeExpansion: Bool?

    public init(metadata: ObjectMeta, provisioner: String, allowVolumeExpansion: Bool? = nil) {
        self.metadata = metadata
        self.provisioner = provisioner
        self.allowVolumeExpansion = allowVolumeExpansion
    }
}
