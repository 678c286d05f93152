import Kubernetes

/// One object of a kind the reconciler manages (`ManagedKinds`), desired or live.
public struct OwnedObject: Equatable, Sendable {
    public private(set) var base: any ManagedObject

    public init(_ base: some ManagedObject) { self.base = base }

    public static func == (lhs: OwnedObject, rhs: OwnedObject) -> Bool {
        func equal<Object: ManagedObject>(_ left: Object, _ right: any ManagedObject) -> Bool {
            (right as? Object) == left
        }
        return equal(lhs.base, rhs.base)
    }

    /// The object as `type`, or nil when it is of another kind.
    public func `as`<Object: ManagedObject>(_ type: Object.Type) -> Object? { base as? Object }

    public var resourceType: ResourceType { type(of: base).resourceType }
    public var isReplacedNotUpdated: Bool { type(of: base).isReplacedNotUpdated }
    public var outlivesItsBroker: Bool { type(of: base).outlivesItsBroker }

    public var metadata: Kubernetes.ObjectMeta {
        get { base.metadata }
        set { base.metadata = newValue }
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

    /// Whether the live object has ended for good and must be replaced.
    public var hasEnded: Bool { base.hasEnded }

    /// True once a delete was accepted and the object waits for its finalizers or grace period.
    public var isTerminating: Bool { metadata.deletionTimestamp != nil }

    /// Whether someone changed what we rendered (`desired`) in this live object without
    /// touching the hash annotation: our labels, or fields the kind compares.
    public func drifted(from desired: OwnedObject) -> Bool {
        let labels = metadata.labels ?? [:]
        if (desired.metadata.labels ?? [:]).contains(where: { labels[$0.key] != $0.value }) { return true }
        func compare<Object: ManagedObject>(_ live: Object) -> Bool {
            desired.as(Object.self).map { live.drifted(from: $0) } ?? false
        }
        return compare(base)
    }

    /// This rendered object laid over the live one: server-owned metadata (uid,
    /// resourceVersion, finalizers) and the fields the kind keeps are the live object's; labels
    /// and annotations others added stay unless we set them.
    public func laid(over live: OwnedObject) -> OwnedObject {
        func keep<Object: ManagedObject>(_ rendered: Object) -> OwnedObject {
            OwnedObject(live.as(Object.self).map { rendered.keepingServerFields(of: $0) } ?? rendered)
        }
        var result = keep(base)
        var metadata = live.metadata
        metadata.labels = (live.metadata.labels ?? [:]).merging(self.metadata.labels ?? [:]) { _, ours in ours
        }
        metadata.annotations = (live.metadata.annotations ?? [:]).merging(self.metadata.annotations ?? [:]) {
            _, ours in ours
        }
        metadata.ownerReferences = self.metadata.ownerReferences
        result.metadata = metadata
        return result
    }

    func create(with api: any KubernetesAPI) async throws(KubernetesError) -> OwnedObject {
        func create<Object: ManagedObject>(_ object: Object) async throws(KubernetesError) -> OwnedObject {
            OwnedObject(try await api.create(object))
        }
        return try await create(base)
    }

    func update(with api: any KubernetesAPI) async throws(KubernetesError) -> OwnedObject {
        func update<Object: ManagedObject>(_ object: Object) async throws(KubernetesError) -> OwnedObject {
            OwnedObject(try await api.update(object))
        }
        return try await update(base)
    }

    /// The live object of the same kind and name.
    func read(with api: any KubernetesAPI) async throws(KubernetesError) -> OwnedObject {
        func read<Object: ManagedObject>(_ object: Object) async throws(KubernetesError) -> OwnedObject {
            OwnedObject(
                try await api.get(Object.self, namespace: object.metadata.namespace, name: object.name))
        }
        return try await read(base)
    }
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
