import ClusterModel

/// The `persistentvolumeclaim` parameter: the claim of one of the cluster's broker disks.
enum ClaimParameter {
    static func name(_ text: String, cluster: String) throws(ActionError) -> BrokerClaimName {
        guard let claim = BrokerClaimName(parsing: text), claim.cluster == cluster else {
            throw .invalidParameter(
                name: "persistentvolumeclaim",
                reason: "'\(text.prefix(64))' is not a disk of cluster \(cluster)")
        }
        return claim
    }
}
