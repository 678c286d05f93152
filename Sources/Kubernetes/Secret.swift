/// A Secret (`v1`). `data` values are base64, as on the wire.
public struct Secret: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.secrets
    public var apiVersion: String? = "v1"
    public var kind: String? = "Secret"
    public var metadata: ObjectMeta
    /// `Opaque`, `kubernetes.io/tls`, ...
    public var type: String?
    public var data: [String: String]?
    /// Write-only plain-text values; the server merges them into `data`.
    public var stringData: [String: String]?
    public var immutable: Bool?

    public init(metadata: ObjectMeta, type: String? = nil, data: [String: String]? = nil) {
        self.metadata = metadata
        self.type = type
        self.data = data
    }
}
