/// A core Event (`v1`): what `kubectl describe` shows under an object.
public struct Event: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.events
    public var apiVersion: String? = "v1"
    public var kind: String? = "Event"
    public var metadata: ObjectMeta
    public var involvedObject: ObjectReference
    /// A short UpperCamelCase machine-readable word: `CreatedPod`, `ActionApplied`.
    public var reason: String?
    public var message: String?
    /// `Normal` or `Warning`.
    public var type: String?
    public var source: Source?
    public var count: Int32?
    /// RFC 3339.
    public var firstTimestamp: String?
    public var lastTimestamp: String?
    public var reportingComponent: String?
    public var reportingInstance: String?

    public init(
        metadata: ObjectMeta, involvedObject: ObjectReference, reason: String?, message: String?,
        type: String? = "Normal"
    ) {
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.type = type
    }

    public struct Source: Codable, Equatable, Sendable {
        public var component: String?
        public var host: String?
        public init(component: String? = nil, host: String? = nil) {
            self.component = component
            self.host = host
        }
    }
}

/// Names one object (`v1.ObjectReference`).
public struct ObjectReference: Codable, Equatable, Hashable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var name: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?

    public init(
        apiVersion: String? = nil, kind: String? = nil, name: String? = nil, namespace: String? = nil,
        uid: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.uid = uid
    }
}
