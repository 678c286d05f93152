/// A `ClusterStore` in memory, with the same semantics as the durable ones (conflicts, not
/// found, already exists), for tests and for trying the operator without a disk or cluster.
public actor InMemoryClusterStore: ClusterStore {
    private var clusters: [String: StoredCluster] = [:]
    private var nextRevision = 1

    public init() {}

    private static func key(_ namespace: String, _ name: String) -> String { "\(namespace)/\(name)" }

    public func get(namespace: String, name: String) throws(ClusterStoreError) -> StoredCluster {
        guard let stored = clusters[Self.key(namespace, name)] else {
            throw .notFound(namespace: namespace, name: name)
        }
        return stored
    }

    public func list() -> [StoredCluster] {
        clusters.keys.sorted().compactMap { clusters[$0] }
    }

    public func create(_ document: ClusterDocument) throws(ClusterStoreError) -> StoredCluster {
        let key = Self.key(document.namespace, document.name)
        guard clusters[key] == nil else {
            throw .alreadyExists(namespace: document.namespace, name: document.name)
        }
        return store(document, at: key)
    }

    public func update(_ document: ClusterDocument, expectedRevision: String) throws(ClusterStoreError)
        -> StoredCluster
    {
        let key = Self.key(document.namespace, document.name)
        guard let current = clusters[key] else {
            throw .notFound(namespace: document.namespace, name: document.name)
        }
        guard current.revision == expectedRevision else {
            throw .conflict(namespace: document.namespace, name: document.name)
        }
        return store(document, at: key)
    }

    private func store(_ document: ClusterDocument, at key: String) -> StoredCluster {
        var document = document
        let revision = String(nextRevision)
        nextRevision += 1
        document.cluster.metadata.resourceVersion = revision
        let stored = StoredCluster(document: document, revision: revision)
        clusters[key] = stored
        return stored
    }
}
