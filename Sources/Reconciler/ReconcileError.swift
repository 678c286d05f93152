import Kubernetes

/// Why a reconcile could not finish.
public enum ReconcileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The KafkaCluster cannot be read as one; it stays so until someone fixes it.
    case unreadableCluster(namespace: String, name: String, reason: String)
    /// The object has no uid, so owner references cannot name it.
    case clusterWithoutUID(namespace: String, name: String)
    /// The API server refused or failed a call.
    case api(KubernetesError, during: String)
    /// Another object, not owned by this cluster, already has a name the cluster needs.
    case nameTaken(kind: String, namespace: String, name: String)

    /// Whether trying again later may succeed without anyone changing anything.
    public var isRetryable: Bool {
        switch self {
        case .api(let error, _):
            if case .conflict = error { return true }
            return error.isRetryable
        case .unreadableCluster, .clusterWithoutUID, .nameTaken: return false
        }
    }

    /// A write met a newer version of the object: read again and retry at once.
    public var isConflict: Bool {
        if case .api(.conflict, _) = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .unreadableCluster(let namespace, let name, let reason):
            return "KafkaCluster \(namespace)/\(name) cannot be reconciled: \(reason)"
        case .clusterWithoutUID(let namespace, let name):
            return "KafkaCluster \(namespace)/\(name) has no uid, so its objects cannot name their owner"
        case .api(let error, let during):
            return "the Kubernetes API failed while \(during): \(error)"
        case .nameTaken(let kind, let namespace, let name):
            return
                "\(kind) \(namespace)/\(name) exists but is not owned by the KafkaCluster; rename or delete it so the broker can use the name"
        }
    }
}
