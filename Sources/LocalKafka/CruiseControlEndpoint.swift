import HTTPServer

/// The Cruise Control endpoints the simulator serves, with the HTTP method and the query
/// parameters Cruise Control's OpenAPI spec lists for each (any other is refused, as Cruise
/// Control refuses it).
public enum CruiseControlEndpoint: String, CaseIterable, Sendable {
    case state
    case kafkaClusterState = "kafka_cluster_state"
    case load
    case partitionLoad = "partition_load"
    case userTasks = "user_tasks"
    case proposals
    case addBroker = "add_broker"
    case removeBroker = "remove_broker"
    case removeDisks = "remove_disks"
    case rebalance
    case stopProposalExecution = "stop_proposal_execution"

    public var method: HTTPMethod {
        switch self {
        case .state, .kafkaClusterState, .load, .partitionLoad, .userTasks, .proposals: .get
        default: .post
        }
    }

    /// Cruise Control's spelling in messages and `user_tasks` filters: `REBALANCE`.
    public var upperName: String { rawValue.uppercased() }

    /// Whether the request becomes a user task that is computed asynchronously (202 until done).
    public var isAsync: Bool {
        switch self {
        case .kafkaClusterState, .userTasks, .stopProposalExecution: false
        default: true
        }
    }

    /// Whether the endpoint computes a proposal (and, without `dryrun`, executes it).
    public var computesProposal: Bool {
        switch self {
        case .proposals, .addBroker, .removeBroker, .removeDisks, .rebalance: true
        default: false
        }
    }

    private static let common: Set<String> = ["json", "get_response_schema", "doAs", "reason"]
    private static let optimization: Set<String> = [
        "dryrun", "goals", "allow_capacity_estimation", "concurrent_partition_movements_per_broker",
        "max_partition_movements_in_cluster", "concurrent_leader_movements",
        "broker_concurrent_leader_movements",
        "skip_hard_goal_check", "excluded_topics", "kafka_assigner", "use_ready_default_goals", "verbose",
        "exclude_recently_demoted_brokers", "exclude_recently_removed_brokers", "replica_movement_strategies",
        "execution_progress_check_interval_ms", "stop_ongoing_execution", "review_id", "data_from",
        "replication_throttle", "fast_mode",
    ]

    /// Parameter names as the spec writes them; Cruise Control compares them ignoring case.
    public var parameters: Set<String> {
        switch self {
        case .state: Self.common.union(["substates", "verbose", "super_verbose"])
        case .kafkaClusterState: Self.common.union(["topic", "verbose"])
        case .load:
            Self.common.union([
                "start", "end", "time", "allow_capacity_estimation", "populate_disk_info", "capacity_only",
            ])
        case .partitionLoad:
            Self.common.union([
                "resource", "start", "end", "entries", "topic", "partition", "min_valid_partition_ratio",
                "allow_capacity_estimation", "max_load", "avg_load", "brokerid",
            ])
        case .userTasks:
            Self.common.union([
                "client_ids", "endpoints", "entries", "types", "user_task_ids", "fetch_completed_task",
            ])
        case .proposals:
            Self.common.union([
                "kafka_assigner", "destination_broker_ids", "ignore_proposal_cache", "rebalance_disk",
                "data_from",
                "use_ready_default_goals", "excluded_topics", "exclude_recently_removed_brokers", "goals",
                "allow_capacity_estimation", "verbose", "exclude_recently_demoted_brokers", "fast_mode",
            ])
        case .addBroker: Self.common.union(Self.optimization).union(["brokerid", "throttle_added_broker"])
        case .removeBroker:
            Self.common.union(Self.optimization).union([
                "brokerid", "throttle_removed_broker", "destination_broker_ids",
            ])
        case .removeDisks: ["dryrun", "stop_ongoing_execution", "reason", "brokerid_and_logdirs", "json"]
        case .rebalance:
            Self.common.union(Self.optimization).union([
                "concurrent_intra_broker_partition_movements", "ignore_proposal_cache",
                "destination_broker_ids",
                "rebalance_disk",
            ])
        case .stopProposalExecution:
            Self.common.union(["force_stop", "stop_external_agent", "review_id"])
        }
    }
}
