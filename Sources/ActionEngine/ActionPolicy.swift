/// Operator-wide bounds and pacing for actions; the cluster's `alertManagerConfig` may narrow
/// the broker bounds further.
public struct ActionPolicy: Sendable, Equatable {
    /// Minimum time between two actions of the same command on one cluster, so an alert that
    /// the action does not clear cannot scale in a loop.
    public var cooldown: Duration = .seconds(300)
    public var maximumBrokers: Int = 100
    public var minimumBrokers: Int = 1
    public var maximumDisksPerBroker: Int = 8
    /// The largest disk, in bytes, an action may add or grow a disk to (`serve --max-disk-size`).
    public var maximumDiskSize: Int64 = 16 << 40
    /// Actions kept in a cluster's status; older ones are dropped.
    public var actionLogLimit: Int = 100
    /// Processed alerts remembered per cluster for dedupe.
    public var processedAlertLimit: Int = 500
    /// Report every change without making it (an operator-wide dry run).
    public var dryRun = false

    public init() {}
}

extension ActionPolicy {
    /// Reads a `--max-disk-size` value: a whole number of bytes within the sizes any disk may
    /// have (`ActionParameters`' absolute bounds).
    public static func maximumDiskSize(parsing text: String) throws(ActionError) -> Int64 {
        try ActionParameters.diskSize(
            text, name: "max-disk-size", maximum: ActionParameters.maximumDiskSize.bytes
        )
        .value
    }
}
