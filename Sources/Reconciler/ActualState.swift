import Kubernetes

/// The live objects labelled with one cluster's name, as listed from the API, of every kind in
/// `ManagedKinds`: ours and, possibly, others' that merely carry the same labels.
public struct ActualState: Equatable, Sendable {
    /// In the order of `ManagedKinds.all`, then as listed.
    public var objects: [OwnedObject]

    public init(objects: [OwnedObject] = []) { self.objects = objects }

    /// The live objects of one kind; setting them replaces that kind's objects.
    public subscript<Object: ManagedObject>(_ type: Object.Type) -> [Object] {
        get { objects.compactMap { $0.as(Object.self) } }
        set {
            objects.removeAll { $0.as(Object.self) != nil }
            objects += newValue.map(OwnedObject.init)
        }
    }

    public var pods: [Pod] {
        get { self[Pod.self] }
        set { self[Pod.self] = newValue }
    }
    public var persistentVolumeClaims: [PersistentVolumeClaim] {
        get { self[PersistentVolumeClaim.self] }
        set { self[PersistentVolumeClaim.self] = newValue }
    }
}
