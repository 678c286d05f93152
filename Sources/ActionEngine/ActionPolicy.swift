/// Operator-wide bounds and pacing for actions; the cluster's `alertManagerConfig` may narrow
/// the broker bounds further.
public struct ActionPolicy: Sendable, Equatable {
    /// Minimum time between two actions of the same command on one cluster, so an alert that
    /// the action does not clear cannot scale in a loop.
    public var cooldown: Duration = .seconds(300)
    public var maximumBrokers: Int = 100
    public var minimumBrokers: Int = 1
    public var maximumDisksPerBroker: Int = 8
    /// Actions kept in a cluster's status; older ones are dropped.
    public var actionLogLimit: Int = 100
    /// Processed alerts remembered per cluster for dedupe.
    public var processedAlertLimit: Int = 500
    /// Report every change without making it (an operator-wide dry run).
    public var dryRun = false

    public init() {}
}
