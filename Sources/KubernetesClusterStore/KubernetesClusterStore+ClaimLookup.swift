import ClusterModel
import Kubernetes

/// A disk alert's claim, read from the same API the clusters live in.
extension KubernetesClusterStore: ClaimLookup {
    public func claim(namespace: String, name: String) async throws(ClaimLookupError) -> ClaimIdentity? {
        let claim: PersistentVolumeClaim
        do {
            claim = try await api.get(PersistentVolumeClaim.self, namespace: namespace, name: name)
        } catch .notFound {
            return nil
        } catch {
            throw .unreadable(
                namespace: namespace, name: name, Self.storeError(error, namespace: namespace, name: name))
        }
        return try ClaimIdentity(
            namespace: namespace, name: name, labels: claim.metadata.labels ?? [:],
            annotations: claim.metadata.annotations ?? [:])
    }
}
