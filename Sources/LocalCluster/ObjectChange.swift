import JSON

/// A stored object as it changed, for what follows the cluster from beside it in the same
/// process (the simulated Kafka brokers follow their pods and ConfigMaps).
public struct ObjectChange: Sendable {
    public enum Kind: Sendable, Equatable {
        case added, modified, deleted
    }

    public let kind: Kind
    /// The resource's plural name: `pods`, `configmaps`.
    public let resource: String
    /// The object after the change; for a deletion, as it was when deleted.
    public let object: JSONValue

    public init(kind: Kind, resource: String, object: JSONValue) {
        self.kind = kind
        self.resource = resource
        self.object = object
    }

    init(_ change: StoreChange) {
        let kind: Kind =
            switch change.kind {
            case .added: .added
            case .modified: .modified
            case .deleted: .deleted
            }
        self.init(kind: kind, resource: change.resource.plural, object: change.object)
    }
}
