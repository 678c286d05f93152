/// The optional parameters Cruise Control's goal-based operations share (`add_broker`,
/// `remove_broker`, `rebalance`, and a subset on `proposals`); nil leaves Cruise Control's
/// default.
public struct OptimizationOptions: Equatable, Sendable {
    /// Goal class names, in priority order.
    public var goals: [String]?
    /// A regular expression on whole topic names: those topics are not moved.
    public var excludedTopics: String?
    public var concurrentPartitionMovementsPerBroker: Int?
    public var concurrentLeaderMovements: Int?
    /// Bytes per second for the replication throttle during the execution.
    public var replicationThrottle: Int?
    public var skipHardGoalCheck: Bool?
    public var allowCapacityEstimation: Bool?
    /// Stops an ongoing execution to start this one.
    public var stopOngoingExecution: Bool?
    public var excludeRecentlyRemovedBrokers: Bool?
    /// Includes the proposals (replica movements) in the answer.
    public var verbose: Bool?
    /// Recorded by Cruise Control with the task.
    public var reason: String?

    public init(
        goals: [String]? = nil, excludedTopics: String? = nil,
        concurrentPartitionMovementsPerBroker: Int? = nil,
        concurrentLeaderMovements: Int? = nil, replicationThrottle: Int? = nil,
        skipHardGoalCheck: Bool? = nil,
        allowCapacityEstimation: Bool? = nil, stopOngoingExecution: Bool? = nil,
        excludeRecentlyRemovedBrokers: Bool? = nil, verbose: Bool? = nil, reason: String? = nil
    ) {
        self.goals = goals
        self.excludedTopics = excludedTopics
        self.concurrentPartitionMovementsPerBroker = concurrentPartitionMovementsPerBroker
        self.concurrentLeaderMovements = concurrentLeaderMovements
        self.replicationThrottle = replicationThrottle
        self.skipHardGoalCheck = skipHardGoalCheck
        self.allowCapacityEstimation = allowCapacityEstimation
        self.stopOngoingExecution = stopOngoingExecution
        self.excludeRecentlyRemovedBrokers = excludeRecentlyRemovedBrokers
        self.verbose = verbose
        self.reason = reason
    }

    /// In Cruise Control's names.
    func parameters() -> [CruiseControlRequest.Parameter] {
        typealias Parameter = CruiseControlRequest.Parameter
        var items: [Parameter] = []
        if let goals { items.append(Parameter("goals", goals.joined(separator: ","))) }
        if let excludedTopics { items.append(Parameter("excluded_topics", excludedTopics)) }
        if let concurrentPartitionMovementsPerBroker {
            items.append(
                Parameter(
                    "concurrent_partition_movements_per_broker", String(concurrentPartitionMovementsPerBroker)
                ))
        }
        if let concurrentLeaderMovements {
            items.append(Parameter("concurrent_leader_movements", String(concurrentLeaderMovements)))
        }
        if let replicationThrottle {
            items.append(Parameter("replication_throttle", String(replicationThrottle)))
        }
        if let skipHardGoalCheck {
            items.append(Parameter("skip_hard_goal_check", String(skipHardGoalCheck)))
        }
        if let allowCapacityEstimation {
            items.append(Parameter("allow_capacity_estimation", String(allowCapacityEstimation)))
        }
        if let stopOngoingExecution {
            items.append(Parameter("stop_ongoing_execution", String(stopOngoingExecution)))
        }
        if let excludeRecentlyRemovedBrokers {
            items.append(Parameter("exclude_recently_removed_brokers", String(excludeRecentlyRemovedBrokers)))
        }
        if let verbose { items.append(Parameter("verbose", String(verbose))) }
        if let reason { items.append(Parameter("reason", reason)) }
        return items
    }
}
