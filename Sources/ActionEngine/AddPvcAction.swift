import ClusterModel

/// `addPvc`: adds a disk to the broker named by the `brokerId` label, or by the
/// `persistentvolumeclaim` label (by the claim's `brokerId` label when it was read, else by its
/// name, `<cluster>-<broker>-storage-<n>-<suffix>`), mounted at
/// `mountPathPrefix` with the next free numeric suffix (`/kafka-logs-1`, `-2`, ...). With Cruise
/// Control the disk is marked `GracefulDiskRebalanceRequired`: once the broker's pod runs with it,
/// the reconciler moves data onto it.
public struct AddPvcAction: Action {
    public let command = "addPvc"

    public init() {}

    public func apply(_ request: ActionRequest, to cluster: inout KafkaCluster, context: ActionContext)
        throws(ActionError) -> String
    {
        let id = try brokerID(request, cluster: cluster.metadata.name)
        guard let index = cluster.spec.brokers.firstIndex(where: { $0.id == id }) else {
            throw .invalidParameter(name: "brokerId", reason: "the cluster has no broker \(id)")
        }
        let existing = cluster.spec.effectiveStorage(of: cluster.spec.brokers[index])
        guard existing.count < context.policy.maximumDisksPerBroker else {
            throw .limitReached(
                "broker \(id) already has \(existing.count) disks, the limit is \(context.policy.maximumDisksPerBroker)"
            )
        }
        let prefix = try ActionParameters.absolutePath(
            request.parameter("mountPathPrefix") ?? "/kafka-logs", name: "mountPathPrefix")
        let used = Set(existing.map(\.mountPath))
        let mountPath = (1...).lazy.map { "\(prefix)-\($0)" }.first { !used.contains($0) } ?? prefix
        let size = try DiskParameters.size(request, context: context)
        let storageClass = try DiskParameters.storageClass(request)
        var config = cluster.spec.brokers[index].brokerConfig ?? BrokerConfig()
        config.storageConfigs =
            (config.storageConfigs ?? []) + [
                StorageConfig(
                    mountPath: mountPath,
                    pvcSpec: PersistentVolumeClaimSpec(
                        accessModes: ["ReadWriteOnce"], storageClassName: storageClass, storage: size))
            ]
        cluster.spec.brokers[index].brokerConfig = config
        cluster.markDiskRebalanceRequired(broker: id, mountPath: mountPath)
        return "added a \(size) disk at \(mountPath) to broker \(id)"
    }

    private func brokerID(_ request: ActionRequest, cluster: String) throws(ActionError) -> Int32 {
        if let id = try request.brokerID("brokerId") { return id }
        guard let claim = try ClaimParameter(request, cluster: cluster) else {
            throw .invalidParameter(name: "brokerId", reason: "give brokerId or persistentvolumeclaim")
        }
        return claim.broker
    }
}
