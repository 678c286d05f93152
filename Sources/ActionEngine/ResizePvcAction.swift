import ClusterModel
import ResourceQuantity

/// `resizePvc`: grows the disk whose claim the `persistentvolumeclaim` label names by
/// `incrementBy` (a quantity such as `10Gi`), up to the policy's largest disk.
///
/// The claim's labels and `mountPath` annotation, when they were read, say the broker and the
/// disk; otherwise its name does, by the hash of the mount path in it. The new
/// size becomes the broker's own setting for that disk, so a disk the broker has from its config
/// group grows for this broker only, as Koperator does. The reconciler grows the claim itself,
/// where the storage class allows volume expansion.
public struct ResizePvcAction: Action {
    public let command = "resizePvc"

    public init() {}

    public func apply(_ request: ActionRequest, to cluster: inout KafkaCluster, context: ActionContext)
        throws(ActionError) -> String
    {
        guard let claim = try ClaimParameter(request, cluster: cluster.metadata.name) else {
            throw .invalidParameter(
                name: "persistentvolumeclaim", reason: "give the claim of the disk to grow")
        }
        guard let increment = request.parameter("incrementBy") else {
            throw .invalidParameter(
                name: "incrementBy", reason: "give how much to grow the disk by, such as 10Gi")
        }
        let growth = try ActionParameters.increment(increment)
        guard let index = cluster.spec.brokers.firstIndex(where: { $0.id == claim.broker }) else {
            throw .invalidParameter(
                name: "persistentvolumeclaim",
                reason:
                    "'\(claim.text)' belongs to broker \(claim.broker), which the cluster does not have")
        }
        let broker = cluster.spec.brokers[index]
        var disk = try claim.disk(among: cluster.spec.effectiveStorage(of: broker))
        guard var pvcSpec = disk.pvcSpec, let currentText = pvcSpec.storage,
            let current = try? Quantity(parsing: currentText)
        else {
            throw .invalidParameter(
                name: "persistentvolumeclaim",
                reason: "the disk at \(disk.mountPath) of broker \(claim.broker) has no size to grow from")
        }
        let limit = context.policy.maximumDiskSize
        let grown = current.value.addingReportingOverflow(growth)
        guard !grown.overflow, grown.partialValue <= limit else {
            throw .limitReached(
                "growing the disk at \(disk.mountPath) of broker \(claim.broker) from \(currentText) by \(increment.prefix(32)) would pass the limit of \(Quantity.text(units: limit))"
            )
        }
        let size = Quantity.text(units: grown.partialValue)
        pvcSpec.resources = PersistentVolumeClaimSpec.Resources(
            requests: (pvcSpec.resources?.requests ?? [:]).merging(["storage": size]) { _, new in new })
        disk.pvcSpec = pvcSpec
        var config = broker.brokerConfig ?? BrokerConfig()
        var own = config.storageConfigs ?? []
        if let position = own.firstIndex(where: { $0.mountPath == disk.mountPath }) {
            own[position] = disk
        } else {
            own.append(disk)
        }
        config.storageConfigs = own
        cluster.spec.brokers[index].brokerConfig = config
        return "grew the disk at \(disk.mountPath) of broker \(claim.broker) from \(currentText) to \(size)"
    }
}
