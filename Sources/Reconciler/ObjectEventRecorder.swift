import Kubernetes

/// Records core v1 Events on a custom resource the operator reconciles one by one (a
/// KafkaTopic, a KafkaUser), so `kubectl describe` tells what the operator did and why it
/// refused. A Warning is named after the spec's generation and reason, so later passes over
/// the same spec do not repeat it. An event that cannot be written is skipped: it is not worth
/// failing a pass for.
struct ObjectEventRecorder<Object: KubernetesObject>: Sendable {
    let api: any KubernetesAPI
    let object: Object
    let component: String
    let enabled: Bool

    /// Returns how many events were written (0 or 1).
    func record(reason: String, message: String) async -> Int {
        await write(reason: reason, message: message, name: nil, type: "Normal")
    }

    /// A Warning once per generation of the spec and reason.
    func warn(reason: String, message: String) async -> Int {
        let generation = object.metadata.generation ?? 0
        return await write(
            reason: reason, message: message,
            name: "\(object.name).\(reason.lowercased()).\(generation)", type: "Warning")
    }

    private func write(reason: String, message: String, name: String?, type: String) async -> Int {
        await EventWriter(api: api, component: component, enabled: enabled).write(
            about: ObjectReference(
                apiVersion: Object.resourceType.apiVersion, kind: Object.resourceType.kind,
                name: object.name, namespace: object.metadata.namespace ?? "default",
                uid: object.metadata.uid ?? ""),
            reason: reason, message: message, name: name, type: type)
    }
}

typealias TopicEventRecorder = ObjectEventRecorder<KafkaTopic>
typealias UserEventRecorder = ObjectEventRecorder<KafkaUser>
