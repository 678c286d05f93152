import ClusterModel

/// `upScale`: adds one broker with the next free id.
///
/// From `brokerConfigGroup` (default `default`) when the cluster has that group, honouring
/// `image`, `storageClass`, `mountPath` and `diskSize` as the broker's own settings. When it
/// has no such group, as Koperator does, the broker is built from the alert alone: `diskSize`
/// (required then), `mountPath` (default `/kafka-logs`), `storageClass` and `image` (default the
/// cluster's). Either way `brokerAnnotations`, a JSON object of strings, become the annotations
/// of the broker's pod.
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
        let groupName = request.parameter("brokerConfigGroup") ?? "default"
        let group = spec.brokerConfigGroups?[groupName] == nil ? nil : groupName
        if group == nil, request.parameter("diskSize") == nil {
            throw .invalidParameter(
                name: "brokerConfigGroup",
                reason:
                    "no broker config group is called '\(groupName.prefix(64))'; without one, give diskSize (and optionally image, mountPath, storageClass) to build the broker from"
            )
        }
        let id = (spec.brokers.map(\.id).max() ?? -1) + 1
        var broker = Broker(id: id, brokerConfigGroup: group)
        var settings = BrokerConfig()
        if let text = request.parameter("image") { settings.image = try ActionParameters.image(text) }
        if group == nil || request.parameter("diskSize") != nil || request.parameter("mountPath") != nil
            || request.parameter("storageClass") != nil
        {
            // A disk at one of the group's mount paths replaces the group's disk for this broker.
            let size = try DiskParameters.size(request, context: context)
            let storageClass = try DiskParameters.storageClass(request)
            let mountPath = try ActionParameters.absolutePath(
                request.parameter("mountPath") ?? "/kafka-logs", name: "mountPath")
            settings.storageConfigs = [
                StorageConfig(
                    mountPath: mountPath,
                    pvcSpec: PersistentVolumeClaimSpec(
                        accessModes: ["ReadWriteOnce"], storageClassName: storageClass, storage: size))
            ]
        }
        if let text = request.parameter("brokerAnnotations") {
            do {
                settings.brokerAnnotations = try PodAnnotations.parse(json: text)
            } catch {
                throw .invalidParameter(name: "brokerAnnotations", reason: error.description)
            }
        }
        if settings != BrokerConfig() { broker.brokerConfig = settings }
        cluster.spec.brokers.append(broker)
        if let group { return "added broker \(id) (config group \(group))" }
        return "added broker \(id) from the alert's settings (no config group '\(groupName.prefix(64))')"
    }
}

/// Reading and checking the disk parameters shared by upScale and addPvc.
enum DiskParameters {
    static func size(_ request: ActionRequest, context: ActionContext, default fallback: String = "10Gi")
        throws(ActionError) -> String
    {
        let text = request.parameter("diskSize") ?? fallback
        _ = try ActionParameters.diskSize(text, maximum: context.policy.maximumDiskSize)
        return text
    }

    static func storageClass(_ request: ActionRequest) throws(ActionError) -> String? {
        guard let text = request.parameter("storageClass") else { return nil }
        return try ActionParameters.storageClass(text)
    }
}
