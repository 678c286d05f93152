/// A list answer (`PodList`, `ConfigMapList`, ...): its items and the resourceVersion to watch from.
public struct ObjectList<Object: KubernetesObject>: Codable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ListMeta
    public var items: [Object]

    public init(metadata: ListMeta = ListMeta(), items: [Object]) {
        self.apiVersion = Object.resourceType.apiVersion
        self.kind = Object.resourceType.kind + "List"
        self.metadata = metadata
        self.items = items
    }
}

/// What a watch event says happened.
public enum WatchEventKind: String, Codable, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    /// Carries only a newer `resourceVersion` to resume from.
    case bookmark = "BOOKMARK"
    /// The object is a `Status`; a 410 here means: list again.
    case error = "ERROR"
}

/// One change seen by a watch.
public struct WatchEvent<Object: Sendable>: Sendable {
    public var type: WatchEventKind
    public var object: Object

    public init(type: WatchEventKind, object: Object) {
        self.type = type
        self.object = object
    }
}
