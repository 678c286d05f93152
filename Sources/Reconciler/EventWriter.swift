import ClusterModel
import Kubernetes

/// Writes one core v1 Event about an object, as the operator's component. An event that cannot
/// be written is not worth failing a pass for: it is skipped. A named event written twice is
/// refused by the API as AlreadyExists, which is how a Warning is said once.
struct EventWriter: Sendable {
    let api: any KubernetesAPI
    let component: String
    let enabled: Bool

    /// Returns how many events were written (0 or 1).
    func write(
        about involved: ObjectReference, reason: String, message: String, name: String?, type: String
    ) async -> Int {
        guard enabled else { return 0 }
        let namespace = involved.namespace ?? "default"
        let now = String(UTCTimestamp.now().prefix(19)) + "Z"
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        var event = Event(
            metadata: ObjectMeta(
                name: name ?? "\(involved.name ?? "object").\(suffix)", namespace: namespace),
            involvedObject: involved, reason: reason, message: message, type: type)
        event.source = Event.Source(component: component)
        event.reportingComponent = component
        event.count = 1
        event.firstTimestamp = now
        event.lastTimestamp = now
        do {
            _ = try await api.create(event)
            return 1
        } catch {
            return 0
        }
    }
}
