import Kubernetes

/// Records core v1 Events on a KafkaUser, so `kubectl describe kafkauser` tells what the
/// operator issued and granted and why it refused. A Warning is named after the spec's
/// generation and reason, so later passes over the same spec do not repeat it.
struct UserEventRecorder: Sendable {
    let api: any KubernetesAPI
    let user: KafkaUser
    let component: String
    let enabled: Bool

    /// Returns how many events were written (0 or 1).
    func record(reason: String, message: String) async -> Int {
        await write(reason: reason, message: message, name: nil, type: "Normal")
    }

    /// A Warning once per generation of the spec and reason.
    func warn(reason: String, message: String) async -> Int {
        let generation = user.metadata.generation ?? 0
        return await write(
            reason: reason, message: message,
            name: "\(user.name).\(reason.lowercased()).\(generation)", type: "Warning")
    }

    private func write(reason: String, message: String, name: String?, type: String) async -> Int {
        await EventWriter(api: api, component: component, enabled: enabled).write(
            about: ObjectReference(
                apiVersion: KafkaUser.resourceType.apiVersion, kind: KafkaUser.resourceType.kind,
                name: user.name, namespace: user.metadata.namespace ?? "default", uid: user.metadata.uid ?? ""
            ),
            reason: reason, message: message, name: name, type: type)
    }
}
