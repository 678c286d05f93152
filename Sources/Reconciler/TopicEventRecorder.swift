import ClusterModel
import Kubernetes

/// Records core v1 Events on a KafkaTopic, so `kubectl describe kafkatopic` tells what the
/// operator did to the topic and why it refused. A Warning is named after the spec's
/// generation, so later passes over the same spec do not repeat it. An event that cannot be
/// written is skipped: it is not worth failing a pass for.
struct TopicEventRecorder: Sendable {
    let api: any KubernetesAPI
    let topic: KafkaTopic
    let component: String
    let enabled: Bool

    /// Returns how many events were written (0 or 1).
    func record(reason: String, message: String) async -> Int {
        await write(reason: reason, message: message, name: nil, type: "Normal")
    }

    /// A Warning once per generation of the spec and reason.
    func warn(reason: String, message: String) async -> Int {
        let generation = topic.metadata.generation ?? 0
        return await write(
            reason: reason, message: message,
            name: "\(topic.name).\(reason.lowercased()).\(generation)", type: "Warning")
    }

    private func write(reason: String, message: String, name: String?, type: String) async -> Int {
        let namespace = topic.metadata.namespace ?? "default"
        return await EventWriter(api: api, component: component, enabled: enabled).write(
            about: ObjectReference(
                apiVersion: KafkaTopic.resourceType.apiVersion, kind: KafkaTopic.resourceType.kind,
                name: topic.name, namespace: namespace, uid: topic.metadata.uid ?? ""),
            reason: reason, message: message, name: name, type: type)
    }
}
