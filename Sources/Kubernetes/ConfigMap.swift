/// A ConfigMap (`v1`).
public struct ConfigMap: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.configMaps
    public var apiVersion: String? = "v1"
    public var kind: String? = "ConfigMap"
    public var metadata: ObjectMeta
    public var data: [String: String]?
    /// Base64-encoded values.
    public var binaryData: [String: String]?
    public var immutable: Bool?

    public init(metadata: ObjectMeta, data: [String: String]? = nil) {
        self.metadata = metadata
        self.data = data
    }
}
