import ClusterModel
import KafkaProtocol
import Kubernetes

/// Records core v1 Events on a KafkaCluster for what the reconciler did to its objects, so
/// `kubectl describe kafkacluster` tells the story. An event that cannot be written is not
/// worth failing a reconcile for: it is skipped.
struct EventRecorder: Sendable {
    let api: any KubernetesAPI
    let cluster: KafkaCluster
    let uid: String
    let component: String
    let enabled: Bool

    /// Returns how many events were written (0 or 1).
    func record(created object: OwnedObject) async -> Int {
        let owner = object.brokerID.map { " for broker \($0)" } ?? ""
        return await record(
            reason: "Created\(object.resourceType.kind)",
            message: "Created \(object.resourceType.kind) \(object.name)\(owner)")
    }

    func record(deleted target: DeletionTarget) async -> Int {
        let owner = target.brokerID.map { " of broker \($0)" } ?? ""
        return await record(
            reason: "Deleted\(target.type.kind)",
            message: "Deleted \(target.type.kind) \(target.name)\(owner)")
    }

    /// Announces an action the action engine recorded. A repeat (same record) is refused by
    /// the API as AlreadyExists and counts as done.
    func record(action: ActionRecord) async -> Int {
        await record(
            reason: "ActionApplied",
            message: "\(action.command) from \(action.source): \(action.change)",
            name: ActionAnnouncements.eventName(cluster: cluster.metadata.name, record: action))
    }

    /// Says, once per generation of the spec, why the reconciler will not render it: a Warning
    /// named after the generation, so later passes over the same spec are refused as duplicates.
    func record(invalidSpec problems: String, generation: Int) async -> Int {
        await record(
            reason: "InvalidSpec", message: "The spec is not reconciled until it is fixed: \(problems)",
            name: "\(cluster.metadata.name).invalid-spec.\(generation)", type: "Warning")
    }

    /// Says, once per generation of the spec, which parts of it the operator cannot render yet,
    /// so no broker pod is created or replaced until they are taken out.
    func record(refused refusals: [RenderRefusal], generation: Int) async -> Int {
        await record(
            reason: "UnsupportedFeature",
            message: "No broker pod is created or replaced while the spec asks for what the operator "
                + "cannot render yet: \(refusals.map(\.description).joined(separator: "; "))",
            name: "\(cluster.metadata.name).unsupported.\(generation)", type: "Warning")
    }

    /// Says, once per generation of the spec, which claims keep their size although the spec
    /// changes it: the API server would refuse the change (a shrink, a class without expansion).
    func record(unresizedClaims reasons: [String], generation: Int) async -> Int {
        await record(
            reason: "ClaimNotExpandable",
            message: "Claims keep their size: \(reasons.joined(separator: "; "))",
            name: "\(cluster.metadata.name).claim-not-expandable.\(generation)", type: "Warning")
    }

    /// Says what is wrong with the cluster's TLS material, once per generation of the spec.
    func record(certificateProblems problems: [String], generation: Int) async -> Int {
        await record(
            reason: "CertificatesInvalid",
            message: "No broker pod is created or replaced until the TLS material is fixed: "
                + problems.joined(separator: "; "),
            name: "\(cluster.metadata.name).certificates-invalid.\(generation)", type: "Warning")
    }

    /// Warns that a certificate the user brought expires soon (the operator cannot renew it),
    /// once per certificate: the Event is named after the Secret and the expiry.
    func record(expiringCertificate secret: String, notAfter: String) async -> Int {
        await record(
            reason: "CertificateExpiring",
            message: "The certificate in Secret \(secret) expires at \(notAfter); replace it before then",
            name: "\(cluster.metadata.name).certificate-expiring.\(StableHash(secret + notAfter).short)",
            type: "Warning")
    }

    /// Says which certificates were issued (a new CA, a new or renewed leaf).
    func record(issuedCertificates secrets: [String]) async -> Int {
        await record(
            reason: "CertificateIssued",
            message:
                "Issued the certificates in Secret \(secrets.joined(separator: ", ")) from the cluster CA")
    }

    /// Warns that a broker refused to reload its renewed keystore, so it restarts to load it.
    func record(keystoreReloadRefused broker: Int32, reason: String) async -> Int {
        await record(
            reason: "KeystoreReloadRefused",
            message:
                "Broker \(broker) cannot reload its renewed keystore without a restart (\(reason)); it restarts, health-gated, to load it",
            type: "Warning")
    }

    /// Says why a downScale's broker could not be chosen, once per generation of the spec.
    func record(brokerChoiceFailed failure: BrokerChoiceFailure, generation: Int) async -> Int {
        await record(
            reason: "BrokerChoiceFailed",
            message: failure.isRetryable
                ? "A downScale waits: \(failure)" : "A downScale is dropped: \(failure)",
            name: "\(cluster.metadata.name).broker-choice.\(generation)", type: "Warning")
    }

    func record(createdTopic topic: CreateTopicsRequest.Topic) async -> Int {
        await record(
            reason: "CruiseControlTopicCreated",
            message:
                "Created topic \(topic.name) for Cruise Control's metrics (\(topic.partitions) partitions, "
                + "replication factor \(topic.replicationFactor))")
    }

    /// Says, once per generation of the spec, why Cruise Control's metrics topic is missing.
    func record(topicNotCreated topic: CreateTopicsRequest.Topic, reason: String, generation: Int) async
        -> Int
    {
        await record(
            reason: "CruiseControlTopicNotReady",
            message: "Topic \(topic.name) for Cruise Control's metrics could not be created: \(reason)",
            name: "\(cluster.metadata.name).cruise-control-topic.\(generation)", type: "Warning")
    }

    /// A Cruise Control task's transition, on the cluster.
    func record(_ transition: GracefulTask.Transition, of task: GracefulTask) async -> Int {
        let subject = "Cruise Control task \(task.intent) (CruiseControlOperation \(task.name))"
        let id = task.status.currentTask?.id ?? ""
        switch transition {
        case .started(let id, let adopted):
            return await record(
                reason: "CruiseControlTaskStarted",
                message: "\(subject) \(adopted ? "found running" : "started") as user task \(id)")
        case .stateChanged(_, let to):
            return await record(reason: "CruiseControlTaskProgress", message: "\(subject) is \(to)")
        case .completed:
            return await record(reason: "CruiseControlTaskCompleted", message: "\(subject) completed (\(id))")
        case .failed(let reason, _):
            let next =
                task.retryAt != nil
                ? "; it runs again in \(GracefulTask.retryDelayMilliseconds / 1_000) s" : ""
            return await record(
                reason: "CruiseControlTaskFailed", message: "\(subject) failed (\(id)): \(reason)\(next)",
                type: "Warning")
        case .retried(let count):
            return await record(
                reason: "CruiseControlTaskRetried", message: "\(subject) runs again (retry \(count))",
                type: "Warning")
        case .stopped(let reason):
            return await record(reason: "CruiseControlTaskStopped", message: "\(subject) stopped: \(reason)")
        }
    }

    /// Cruise Control could not be asked about a task: at most one Warning a minute per object.
    func record(cruiseControlUnavailable reason: String, operation: String, now: Int64) async -> Int {
        await record(
            reason: "CruiseControlUnavailable",
            message: "Cruise Control could not be asked about \(operation): \(reason.prefix(512))",
            name: "\(operation).unavailable.\(now / 60_000)", type: "Warning")
    }

    /// A leaving broker whose removal completed still holds replicas, or holds replicas while
    /// there is no Cruise Control to move them: it is kept. Once per broker and generation.
    func record(
        brokerHoldsReplicas broker: Int32, replicas: Int, reason: String, kept: Bool = true, generation: Int
    ) async -> Int {
        await record(
            reason: "BrokerHoldsReplicas",
            message:
                "Broker \(broker) still holds \(replicas) partition replicas; it is \(kept ? "kept" : "removed"): \(reason)",
            name:
                "\(cluster.metadata.name).broker-\(broker)-holds-replicas.\(kept ? "" : "forced.")\(generation)",
            type: "Warning")
    }

    /// A disk out of the spec still holds replicas: it stays mounted.
    func record(
        diskHoldsReplicas broker: Int32, mountPath: String, replicas: Int, reason: String, generation: Int
    ) async -> Int {
        await record(
            reason: "DiskHoldsReplicas",
            message:
                "The disk \(mountPath) of broker \(broker) still holds \(replicas) partition replicas; it is kept: \(reason)",
            name:
                "\(cluster.metadata.name).broker-\(broker)-disk-\(StableHash(mountPath).short)-holds-replicas.\(generation)",
            type: "Warning")
    }

    func record(reason: String, message: String, name: String? = nil, type: String = "Normal") async
        -> Int
    {
        let namespace = cluster.metadata.namespace ?? "default"
        return await EventWriter(api: api, component: component, enabled: enabled).write(
            about: ObjectReference(
                apiVersion: KafkaCluster.apiVersion, kind: KafkaCluster.kind, name: cluster.metadata.name,
                namespace: namespace, uid: uid),
            reason: reason, message: message, name: name, type: type)
    }
}
