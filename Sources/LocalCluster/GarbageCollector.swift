import JSON

/// Deletes dependents whose owner is gone (background propagation), and finishes foreground
/// deletions once an owner has no dependents left, following `metadata.ownerReferences`.
struct GarbageCollector: Sendable {
    let store: ObjectStore

    func run(_ changes: AsyncStream<StoreChange>) async {
        for await change in changes {
            guard let uid = change.object.value(at: ["metadata", "uid"])?.stringValue else { continue }
            switch change.kind {
            case .deleted:
                await deleteDependents(of: uid)
                // An owner waiting in foreground deletion may have lost its last dependent.
                for owner in ObjectStore.ownerUIDs(change.object) { await finishForeground(owner) }
            case .added, .modified:
                if Self.isDeletingInForeground(change.object) {
                    await deleteDependents(of: uid)
                    await finishForeground(uid)
                }
            }
        }
    }

    private func deleteDependents(of uid: String) async {
        for dependent in await store.dependents(of: uid) {
            _ = try? await store.delete(
                dependent.resource, namespace: dependent.resource.namespaced ? dependent.namespace : nil,
                name: dependent.name, request: ObjectStore.DeleteRequest())
        }
    }

    private func finishForeground(_ uid: String) async {
        guard let (_, owner) = await store.object(uid: uid), Self.isDeletingInForeground(owner) else {
            return
        }
        if await store.dependents(of: uid).isEmpty {
            await store.removeFinalizer("foregroundDeletion", uid: uid)
        }
    }

    static func isDeletingInForeground(_ object: JSONValue) -> Bool {
        guard object.value(at: ["metadata", "deletionTimestamp"]) != nil,
            case .array(let finalizers)? = object.value(at: ["metadata", "finalizers"])
        else { return false }
        return finalizers.contains(.string("foregroundDeletion"))
    }
}
