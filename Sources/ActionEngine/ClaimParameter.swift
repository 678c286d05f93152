import ClusterModel

/// The `persistentvolumeclaim` parameter: the claim of one of the cluster's broker disks, known
/// by its labels when they were read (`ActionRequest.claim`), else by its name
/// (`<cluster>-<broker>-storage-<n>-<hash of the mount path>`).
struct ClaimParameter {
    private enum Identity {
        case labels(ClaimIdentity)
        case name(BrokerClaimName)
    }

    /// The parameter as given, for messages.
    let text: String
    private let identity: Identity

    /// Nil when the request has no `persistentvolumeclaim`.
    init?(_ request: ActionRequest, cluster: String) throws(ActionError) {
        guard let text = request.parameter("persistentvolumeclaim") else { return nil }
        self.text = String(text.prefix(64))
        if let claim = request.claim {
            guard claim.cluster == cluster else {
                throw .invalidParameter(
                    name: "persistentvolumeclaim",
                    reason: "'\(self.text)' is labelled for cluster \(claim.cluster), not \(cluster)")
            }
            identity = .labels(claim)
        } else {
            guard let claim = BrokerClaimName(parsing: text), claim.cluster == cluster else {
                throw .unknownClaim("'\(self.text)' is not a disk of cluster \(cluster)")
            }
            identity = .name(claim)
        }
    }

    var broker: Int32 {
        switch identity {
        case .labels(let claim): return claim.broker
        case .name(let claim): return claim.broker
        }
    }

    /// The broker's disk this claim is, among `disks`: the one at the annotated mount path, or
    /// the one whose mount path hashes to the name's suffix.
    func disk(among disks: [StorageConfig]) throws(ActionError) -> StorageConfig {
        switch identity {
        case .labels(let claim):
            guard let disk = disks.first(where: { $0.mountPath == claim.mountPath }) else {
                throw .invalidParameter(
                    name: "persistentvolumeclaim",
                    reason:
                        "'\(text)' is annotated as mounted at \(claim.mountPath.prefix(128)), where broker \(claim.broker) has no disk"
                )
            }
            return disk
        case .name(let claim):
            guard let disk = disks.first(where: { claim.names(mountPath: $0.mountPath) }) else {
                throw .unknownClaim(
                    "'\(text)' is not the operator's name for a disk of broker \(claim.broker) (<cluster>-<broker>-storage-<n>-<hash of the mount path>)"
                )
            }
            return disk
        }
    }
}
