import Kubernetes

/// One object of a kind the reconciler manages, desired or live.
public enum OwnedObject: Equatable, Sendable {
    case pod(Pod)
    case configMap(ConfigMap)
    case persistentVolumeClaim(PersistentVolumeClaim)
    case service(Service)

    public var resourceType: ResourceType {
        switch self {
        case .pod: return .pods
        case .configMap: return .configMaps
        case .persistentVolumeClaim: return .persistentVolumeClaims
        case .service: return .services
        }
    }

    public var metadata: Kubernetes.ObjectMeta {
        get {
            switch self {
            case .pod(let object): return object.metadata
            case .configMap(let object): return object.metadata
            case .persistentVolumeClaim(let object): return object.metadata
            case .service(let object): return object.metadata
            }
        }
        set {
            switch self {
            case .pod(var object):
                object.metadata = newValue
                self = .pod(object)
            case .configMap(var object):
                object.metadata = newValue
                self = .configMap(object)
            case .persistentVolumeClaim(var object):
                object.metadata = newValue
                self = .persistentVolumeClaim(object)
            case .service(var object):
                object.metadata = newValue
                self = .service(object)
            }
        }
    }

    public var name: String { metadata.name ?? "" }
    public var key: ObjectKey { ObjectKey(type: resourceType, name: name) }

    /// The broker this object belongs to, from its `brokerId` label; nil for cluster-wide objects.
    public var brokerID: Int32? { metadata.labels?[ResourceConventions.brokerLabel].flatMap { Int32($0) } }

    public var specHash: String? { metadata.annotations?[ResourceConventions.specHashAnnotation] }

    /// Whether the KafkaCluster with `uid` is this object's controlling owner. Objects that only
    /// carry our labels are someone else's and are never changed.
    public func isControlled(byUID uid: String) -> Bool {
        metadata.ownerReferences?.contains {
            $0.uid == uid && $0.kind == "KafkaCluster" && $0.controller == true
        } ?? false
    }

    /// The delete that removes exactly this object, and no later one that takes its name.
    public var deletionTarget: DeletionTarget {
        DeletionTarget(
            type: resourceType, namespace: metadata.namespace ?? "", name: name, uid: metadata.uid,
            brokerID: brokerID)
    }

    /// True once a delete was accepted and the object waits for its finalizers or grace period.
    public var isTerminating: Bool { metadata.deletionTimestamp != nil }
}

/// Identifies an object within one namespace.
public struct ObjectKey: Hashable, Sendable, CustomStringConvertible {
    public let type: ResourceType
    public let name: String

    public init(type: ResourceType, name: String) {
        self.type = type
        self.name = name
    }

    public var description: String { "\(type.kind) \(name)" }
}

/// An object to delete, with the uid its delete is preconditioned on.
public struct DeletionTarget: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let type: ResourceType
    public let namespace: String
    public let name: String
    public let uid: String?
    public let brokerID: Int32?

    public init(type: ResourceType, namespace: String, name: String, uid: String?, brokerID: Int32?) {
        self.type = type
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.brokerID = brokerID
    }

    public var description: String { "\(type.kind) \(name)" }
}
