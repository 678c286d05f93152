/// Reads a PersistentVolumeClaim's identity: the seam through which an alert that names only a
/// claim (kubelet volume metrics carry `persistentvolumeclaim` and `namespace`) finds its
/// cluster, broker and disk when the claim's name does not say them.
public protocol ClaimLookup: Sendable {
    /// The claim's identity, or nil when no such claim exists.
    func claim(namespace: String, name: String) async throws(ClaimLookupError) -> ClaimIdentity?
}

public enum ClaimLookupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The claim exists, but its labels do not make it a broker disk of a KafkaCluster.
    case notABrokerDisk(namespace: String, name: String, reason: String)
    /// Reading the claim failed; the store error says whether retrying can help.
    case unreadable(namespace: String, name: String, ClusterStoreError)

    public var isRetryable: Bool {
        if case .unreadable(_, _, let error) = self { return error.isRetryable }
        return false
    }

    public var description: String {
        switch self {
        case .notABrokerDisk(let namespace, let name, let reason):
            return "the persistentvolumeclaim \(namespace)/\(name.prefix(64)) is not a broker disk: \(reason)"
        case .unreadable(let namespace, let name, let error):
            return "reading the persistentvolumeclaim \(namespace)/\(name.prefix(64)) failed: \(error)"
        }
    }
}
