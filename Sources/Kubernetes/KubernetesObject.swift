/// A typed Kubernetes object: Codable in the API's JSON field names, and knowing its type.
///
/// `apiVersion` and `kind` are optional because the API leaves them out of list items; the
/// typed operations fill them in before sending an object and after reading one.
public protocol KubernetesObject: Codable, Sendable {
    static var resourceType: ResourceType { get }
    var apiVersion: String? { get set }
    var kind: String? { get set }
    var metadata: ObjectMeta { get set }
}

extension KubernetesObject {
    /// Sets `apiVersion` and `kind` from the type.
    public mutating func stampTypeMeta() {
        apiVersion = Self.resourceType.apiVersion
        kind = Self.resourceType.kind
    }

    public var name: String { metadata.name ?? "" }
    public var namespace: String? { metadata.namespace }
}
