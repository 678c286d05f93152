/// A cluster as stored, with the revision an update must name to replace it.
public struct StoredCluster: Equatable, Sendable {
    public var document: ClusterDocument
    /// Opaque; changes with every write (the Kubernetes store uses the resourceVersion).
    public var revision: String

    public init(document: ClusterDocument, revision: String) {
        self.document = document
        self.revision = revision
    }

    public var cluster: KafkaCluster { document.cluster }
}

/// Where clusters live: the seam through which actions read and change them.
///
/// Writes use optimistic concurrency: `update` names the revision it read, and a store whose
/// cluster has changed since refuses with `ClusterStoreError.conflict`, as the Kubernetes API
/// does with a stale resourceVersion.
public protocol ClusterStore: Sendable {
    func get(namespace: String, name: String) async throws(ClusterStoreError) -> StoredCluster
    func list() async throws(ClusterStoreError) -> [StoredCluster]
    func create(_ document: ClusterDocument) async throws(ClusterStoreError) -> StoredCluster
    func update(_ document: ClusterDocument, expectedRevision: String) async throws(ClusterStoreError)
        -> StoredCluster
}

extension ClusterStore {
    /// Reads the cluster, lets `body` change it, and writes it back, retrying from a fresh read
    /// when another writer got there first, at most `maxAttempts` times.
    public func modify<Result>(
        namespace: String, name: String, maxAttempts: Int = 5,
        _ body: (inout ClusterDocument) -> Result
    ) async throws(ClusterStoreError) -> (result: Result, stored: StoredCluster) {
        var attempt = 0
        while true {
            attempt += 1
            let current = try await get(namespace: namespace, name: name)
            var document = current.document
            let result = body(&document)
            do {
                return (result, try await update(document, expectedRevision: current.revision))
            } catch .conflict where attempt < maxAttempts {
                continue
            }
        }
    }
}

public enum ClusterStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(namespace: String, name: String)
    case alreadyExists(namespace: String, name: String)
    /// The cluster changed since it was read; read it again and retry.
    case conflict(namespace: String, name: String)
    /// A stored cluster cannot be read back: never silently replaced.
    case corrupted(location: String, reason: String)
    /// The storage failed in a way that may pass (unreachable, overloaded, a server error);
    /// retrying may help.
    case storage(String)
    /// The storage refused the request for good (no permission, an object it will not accept);
    /// sending it again cannot help until a person changes something.
    case refused(String)
    /// The caller was cancelled before the storage answered; nobody waits for the result.
    case cancelled

    public var isRetryable: Bool {
        switch self {
        case .conflict, .storage: return true
        case .notFound, .alreadyExists, .corrupted, .refused, .cancelled: return false
        }
    }

    public var description: String {
        switch self {
        case .notFound(let namespace, let name): return "KafkaCluster \(namespace)/\(name) does not exist"
        case .alreadyExists(let namespace, let name):
            return "KafkaCluster \(namespace)/\(name) already exists"
        case .conflict(let namespace, let name):
            return "KafkaCluster \(namespace)/\(name) was changed by someone else; read it again and retry"
        case .corrupted(let location, let reason):
            return "the stored cluster at \(location) is unreadable: \(reason)"
        case .storage(let reason): return "cluster storage failed: \(reason)"
        case .refused(let reason): return "cluster storage refused the change: \(reason)"
        case .cancelled: return "the request was cancelled before cluster storage answered"
        }
    }
}

extension ClusterDocument {
    /// The namespace the cluster lives in; `default` when the manifest names none.
    public var namespace: String { cluster.metadata.namespace ?? "default" }
    public var name: String { cluster.metadata.name }
}
