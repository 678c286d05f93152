import ClusterModel

/// `upScale`: adds one broker with the next free id, from `brokerConfigGroup` (default
/// `default`), honouring `image`, `storageClass`, `mountPath` and `diskSize`.
public struct UpScaleAction: Action {
    public let command = "upScale"

    public init() {}

    public func apply(_ request: ActionRequest, to cluster: inout KafkaCluster, context: ActionContext)
        throws(ActionError) -> String
    {
        let spec = cluster.spec
        let limit = min(context.policy.maximumBrokers, spec.alertManagerConfig?.upScaleLimit ?? .max)
        guard spec.brokers.count < limit else {
            throw .limitReached(
                "the cluster already has \(spec.brokers.count) brokers, the upscale limit is \(limit)")
        }
        let group = request.parameter("brokerConfigGroup") ?? "default"
        guard spec.brokerConfigGroups?[group] != nil else {
            throw .invalidParameter(
                name: "brokerConfigGroup", reason: "no broker config group is called '\(group.prefix(64))'")
        }
        let id = (spec.brokers.map(\.id).max() ?? -1) + 1
        var broker = Broker(id: id, brokerConfigGroup: group)
        var image: String?
        if let text = request.parameter("image") { image = try ActionParameters.image(text) }
        var overrides = BrokerConfig(image: image)
        if request.parameter("diskSize") != nil || request.parameter("mountPath") != nil
            || request.parameter("storageClass") != nil
        {
            let size = try DiskParameters.size(request)
            let storageClass = try DiskParameters.storageClass(request)
            let mountPath = try ActionParameters.absolutePath(
                request.parameter("mountPath") ?? "/kafka-logs", name: "mountPath")
            // A disk given here replaces the group's disk at the same path rather than colliding with it.
            let groupPaths = spec.brokerConfigGroups?[group]?.storageConfigs?.map(\.mountPath) ?? []
            if groupPaths.contains(mountPath) {
                throw .invalidParameter(
                    name: "mountPath", reason: "\(mountPath) is already a disk of config group '\(group)'")
            }
            overrides.storageConfigs = [
                StorageConfig(
                    mountPath: mountPath,
                    pvcSpec: PersistentVolumeClaimSpec(
                        accessModes: ["ReadWriteOnce"], storageClassName: storageClass, storage: size))
            ]
        }
        if overrides != BrokerConfig() { broker.brokerConfig = overrides }
        cluster.spec.brokers.append(broker)
        return "added broker \(id) (config group \(group))"
    }
}

/// Reading and checking the disk parameters shared by upScale and addPvc.
enum DiskParameters {
    static func size(_ request: ActionRequest, default fallback: String = "10Gi") throws(ActionError)
        -> String
    {
        try ActionParameters.diskSize(request.parameter("diskSize") ?? fallback)
    }

    static func storageClass(_ request: ActionRequest) throws(ActionError) -> String? {
        guard let text = request.parameter("storageClass") else { return nil }
        return try ActionParameters.storageClass(text)
    }
}
