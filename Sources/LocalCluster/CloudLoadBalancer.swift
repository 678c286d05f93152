import JSON
import Synchronization

/// Plays the cloud's load-balancer controller: a Service of type `LoadBalancer` gets an ingress
/// address in `status.loadBalancer.ingress` after a delay, as a cloud provisions one. The
/// address is loopback: in local mode everything a load balancer fronts is reached there.
final class CloudLoadBalancer: Sendable {
    static let address = "127.0.0.1"

    private let store: ObjectStore
    private let delay: Duration
    private let tasks = Mutex<[String: Task<Void, Never>]>([:])

    init(store: ObjectStore, delay: Duration) {
        self.store = store
        self.delay = delay
    }

    /// Follows the store until the change stream ends.
    func run(_ changes: AsyncStream<StoreChange>, existing: [(ResourceDefinition, JSONValue)]) async {
        for (resource, object) in existing { consider(resource, object, kind: .added) }
        for await change in changes { consider(change.resource, change.object, kind: change.kind) }
        for task in tasks.withLock({ Array($0.values) }) { task.cancel() }
    }

    private func consider(_ resource: ResourceDefinition, _ object: JSONValue, kind: StoreChange.Kind) {
        guard resource.plural == "services", let uid = object.value(at: ["metadata", "uid"])?.stringValue
        else {
            return
        }
        if kind == .deleted {
            tasks.withLock { $0.removeValue(forKey: uid) }?.cancel()
            return
        }
        let reference = ObjectStore.Reference(
            resource: resource, namespace: ObjectStore.namespace(of: object),
            name: ObjectStore.name(of: object))
        let isLoadBalancer = object.value(at: ["spec", "type"])?.stringValue == "LoadBalancer"
        let hasAddress = object.value(at: ["status", "loadBalancer", "ingress"]) != nil
        if isLoadBalancer && !hasAddress {
            tasks.withLock { tasks in
                guard tasks[uid] == nil else { return }
                tasks[uid] = Task { [self, delay] in
                    if delay > .zero { try? await Task.sleep(for: delay) }
                    if !Task.isCancelled {
                        _ = await store.mutate(reference, uid: uid) { service in
                            guard service.value(at: ["spec", "type"])?.stringValue == "LoadBalancer" else {
                                return
                            }
                            service.set(
                                ["status", "loadBalancer"],
                                .object([("ingress", .array([.object([("ip", .string(Self.address))])]))]))
                        }
                    }
                    _ = self.tasks.withLock { $0.removeValue(forKey: uid) }
                }
            }
        }
    }
}
