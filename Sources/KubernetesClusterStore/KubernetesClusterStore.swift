import ClusterModel
import JSON
import Kubernetes

/// A `ClusterStore` whose clusters are `KafkaCluster` objects in the Kubernetes API: the
/// object's `resourceVersion` is the revision, so an action's read-modify-write is refused
/// with a conflict when anyone (the reconciler, `kubectl edit`, another replica) wrote first.
///
/// Documents travel as raw JSON through `ClusterDocument`, so fields the typed model does not
/// know survive every write. An action changes the spec and records itself (action log,
/// processed alerts) in the status in one `PUT` of the whole object: the operator's CRD does
/// not enable the status subresource, because splitting that write in two would let a crash
/// between them either lose the action or lose the record that stops it running twice.
public struct KubernetesClusterStore: ClusterStore {
    let api: any KubernetesAPI
    /// Limits `list()` to one namespace; nil lists every namespace.
    private let namespace: String?

    public init(api: any KubernetesAPI, namespace: String? = nil) {
        self.api = api
        self.namespace = namespace
    }

    private static let type = ResourceType.kafkaClusters

    public func get(namespace: String, name: String) async throws(ClusterStoreError) -> StoredCluster {
        let path = Self.type.path(namespace: namespace, name: name)
        let bytes = try await call(namespace, name) { () async throws(KubernetesError) in
            try await api.send(APIRequest(method: "GET", path: path))
        }
        return try Self.stored(from: bytes, location: path)
    }

    public func list() async throws(ClusterStoreError) -> [StoredCluster] {
        let path = Self.type.path(namespace: namespace)
        let bytes = try await call(namespace ?? "", "") { () async throws(KubernetesError) in
            try await api.send(APIRequest(method: "GET", path: path))
        }
        guard case .array(let items)? = try Self.parse(bytes, location: path)["items"] else {
            throw .corrupted(location: path, reason: "the list has no items array")
        }
        var result: [StoredCluster] = []
        for item in items {
            // List items come without apiVersion and kind; the document reader needs the kind.
            result.append(try Self.stored(from: Self.withTypeMeta(item), location: path))
        }
        return result.sorted {
            ($0.document.namespace, $0.document.name) < ($1.document.namespace, $1.document.name)
        }
    }

    public func create(_ document: ClusterDocument) async throws(ClusterStoreError) -> StoredCluster {
        var document = document
        document.cluster.metadata.namespace = document.namespace
        let path = Self.type.path(namespace: document.namespace)
        let body = Self.withoutServerFields(document.value).encoded()
        let bytes = try await call(document.namespace, document.name) { () async throws(KubernetesError) in
            try await api.send(
                APIRequest(method: "POST", path: path, body: body, contentType: "application/json"))
        }
        return try Self.stored(from: bytes, location: path)
    }

    public func update(_ document: ClusterDocument, expectedRevision: String) async throws(ClusterStoreError)
        -> StoredCluster
    {
        var document = document
        document.cluster.metadata.resourceVersion = expectedRevision
        let path = Self.type.path(namespace: document.namespace, name: document.name)
        let body = document.json()
        let bytes = try await call(document.namespace, document.name) { () async throws(KubernetesError) in
            try await api.send(
                APIRequest(method: "PUT", path: path, body: body, contentType: "application/json"))
        }
        return try Self.stored(from: bytes, location: path)
    }

    /// Runs one API call and says what its failure means for the store.
    private func call(
        _ namespace: String, _ name: String, _ body: () async throws(KubernetesError) -> [UInt8]
    ) async throws(ClusterStoreError) -> [UInt8] {
        do {
            return try await body()
        } catch {
            throw Self.storeError(error, namespace: namespace, name: name)
        }
    }

    /// What an API failure means for the store, keeping whether a retry can help: throttling,
    /// server errors and transport failures may pass; a refusal (forbidden, invalid, any other
    /// 4xx) or a broken configuration stays until a person changes something.
    static func storeError(_ error: KubernetesError, namespace: String, name: String) -> ClusterStoreError {
        switch error {
        case .notFound: return .notFound(namespace: namespace, name: name)
        case .alreadyExists: return .alreadyExists(namespace: namespace, name: name)
        case .conflict: return .conflict(namespace: namespace, name: name)
        case .cancelled: return .cancelled
        case .tooManyRequests, .transport: return .storage(error.description)
        case .server(let code, _) where code >= 500: return .storage(error.description)
        case .decoding: return .storage(error.description)
        case .invalid, .unauthorized, .forbidden, .gone, .server, .configuration:
            return .refused(error.description)
        }
    }

    private static func stored(from bytes: [UInt8], location: String) throws(ClusterStoreError)
        -> StoredCluster
    {
        try stored(from: parse(bytes, location: location), location: location)
    }

    private static func stored(from value: JSONValue, location: String) throws(ClusterStoreError)
        -> StoredCluster
    {
        let document: ClusterDocument
        do {
            document = try ClusterDocument(value: value)
        } catch {
            throw .corrupted(location: location, reason: error.description)
        }
        guard let revision = document.cluster.metadata.resourceVersion else {
            throw .corrupted(location: location, reason: "the object has no metadata.resourceVersion")
        }
        return StoredCluster(document: document, revision: revision)
    }

    private static func parse(_ bytes: [UInt8], location: String) throws(ClusterStoreError) -> JSONValue {
        do {
            return try JSONReader.parse(bytes)
        } catch {
            throw .corrupted(location: location, reason: "the API answered with unreadable JSON: \(error)")
        }
    }

    private static func withTypeMeta(_ item: JSONValue) -> JSONValue {
        guard case .object(var members) = item else { return item }
        members.removeAll { $0.key == "apiVersion" || $0.key == "kind" }
        members.insert(("kind", .string(KafkaCluster.kind)), at: 0)
        members.insert(("apiVersion", .string(KafkaCluster.apiVersion)), at: 0)
        return .object(members)
    }

    /// A manifest read from a file may carry a resourceVersion or uid from another cluster;
    /// a create must not send them.
    private static func withoutServerFields(_ value: JSONValue) -> JSONValue {
        guard case .object(var members) = value,
            let index = members.firstIndex(where: { $0.key == "metadata" }),
            case .object(var metadata) = members[index].value
        else { return value }
        metadata.removeAll { ["resourceVersion", "uid", "creationTimestamp", "generation"].contains($0.key) }
        members[index].value = .object(metadata)
        return .object(members)
    }
}
