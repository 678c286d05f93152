/// A `ClaimLookup` over claims kept in memory, read with the same rules as the Kubernetes one,
/// for tests: claims are added with their labels and annotations, and the next lookups can be
/// made to fail.
public actor InMemoryClaimLookup: ClaimLookup {
    private var claims: [String: (labels: [String: String], annotations: [String: String])] = [:]
    private var failures: [ClusterStoreError] = []

    public init() {}

    public func add(
        namespace: String, name: String, labels: [String: String], annotations: [String: String] = [:]
    ) {
        claims["\(namespace)/\(name)"] = (labels, annotations)
    }

    /// The next `count` lookups fail with `error`.
    public func failLookups(_ count: Int, with error: ClusterStoreError) {
        failures += Array(repeating: error, count: count)
    }

    public func claim(namespace: String, name: String) throws(ClaimLookupError) -> ClaimIdentity? {
        if !failures.isEmpty { throw .unreadable(namespace: namespace, name: name, failures.removeFirst()) }
        guard let claim = claims["\(namespace)/\(name)"] else { return nil }
        return try ClaimIdentity(
            namespace: namespace, name: name, labels: claim.labels, annotations: claim.annotations)
    }
}
