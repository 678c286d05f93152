import Kubernetes

/// Names one KafkaCluster: the unit of work of the reconcile loop.
public struct ClusterKey: Hashable, Sendable, CustomStringConvertible {
    public let namespace: String
    public let name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }

    /// The cluster a KafkaTopic's or KafkaUser's `clusterRef` names: in the referring object's
    /// `namespace` unless the reference names one (an empty one names none).
    public init(_ reference: KafkaTopic.ClusterReference, from namespace: String) {
        self.init(
            namespace: reference.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? namespace,
            name: reference.name)
    }

    /// The cluster an owned object belongs to: its controlling KafkaCluster owner, else its
    /// `kafka_cr` label.
    public init?(owning metadata: Kubernetes.ObjectMeta) {
        guard let namespace = metadata.namespace else { return nil }
        if let owner = metadata.ownerReferences?.first(where: {
            $0.kind == "KafkaCluster" && $0.controller == true
        }) {
            self.init(namespace: namespace, name: owner.name)
        } else if let name = metadata.labels?[ResourceConventions.clusterLabel], !name.isEmpty {
            self.init(namespace: namespace, name: name)
        } else {
            return nil
        }
    }
}

/// A KafkaCluster as the loop watches it: only its metadata, which names the work. The
/// reconciler reads the whole object afresh for every pass.
struct WatchedKafkaCluster: KubernetesObject {
    static let resourceType = ResourceType.kafkaClusters
    var apiVersion: String?
    var kind: String?
    var metadata: Kubernetes.ObjectMeta
}
