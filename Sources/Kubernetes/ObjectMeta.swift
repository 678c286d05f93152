/// Standard object metadata (`metav1.ObjectMeta`): the fields the operator and the local
/// cluster read and write. The server owns `uid`, `resourceVersion`, `generation` and
/// `creationTimestamp`; a client sends them back unchanged or leaves them out.
public struct ObjectMeta: Codable, Equatable, Hashable, Sendable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    /// RFC 3339, seconds precision, UTC.
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?

    public init(
        name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil,
        annotations: [String: String]? = nil, ownerReferences: [OwnerReference]? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.ownerReferences = ownerReferences
    }
}

/// Points from a dependent object to its owner, for garbage collection (`metav1.OwnerReference`).
public struct OwnerReference: Codable, Equatable, Hashable, Sendable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    /// The owner that manages this object; at most one reference may say so.
    public var controller: Bool?
    /// Foreground deletion of the owner waits for this dependent.
    public var blockOwnerDeletion: Bool?

    public init(
        apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil,
        blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}
