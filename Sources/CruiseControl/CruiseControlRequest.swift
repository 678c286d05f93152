/// One request to Cruise Control's REST API, as sent: endpoint and query parameters, `json=true`
/// always. An asynchronous request is repeated, with the `User-Task-ID` header, to follow the
/// task it started, so its parameters are kept as they were (`parameters` is what a caller
/// persists to resume after a restart).
public struct CruiseControlRequest: Equatable, Sendable {
    /// The endpoints the client speaks, under `/kafkacruisecontrol/`.
    public enum Endpoint: String, CaseIterable, Sendable {
        case state
        case kafkaClusterState = "kafka_cluster_state"
        case load
        case userTasks = "user_tasks"
        case proposals
        case addBroker = "add_broker"
        case removeBroker = "remove_broker"
        case removeDisks = "remove_disks"
        case rebalance
        case stopProposalExecution = "stop_proposal_execution"

        public var method: String {
            switch self {
            case .state, .kafkaClusterState, .load, .userTasks, .proposals: "GET"
            default: "POST"
            }
        }

        /// Whether it moves replicas (unless a dry run): the endpoints `submit` takes.
        public var isOperation: Bool {
            switch self {
            case .addBroker, .removeBroker, .removeDisks, .rebalance: true
            default: false
            }
        }

        /// Whether sending it again cannot start anything new: reads, and stopping (stopping
        /// twice stops once). An operation is only safe to repeat with its `User-Task-ID`.
        public var isIdempotent: Bool { !isOperation }
    }

    public struct Parameter: Equatable, Sendable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public let endpoint: Endpoint
    /// In the order sent; `json=true` among them.
    public let parameters: [Parameter]

    /// `parameters` as given (a `json` among them is replaced by `json=true`).
    public init(endpoint: Endpoint, parameters: [Parameter]) {
        self.endpoint = endpoint
        self.parameters =
            parameters.filter { $0.name.lowercased() != "json" } + [Parameter("json", "true")]
    }

    /// The value of parameter `name` (compared without case, as Cruise Control does).
    public func value(_ name: String) -> String? {
        parameters.last { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// `POST /add_broker`, for messages.
    public var call: String { "\(endpoint.method) /\(endpoint.rawValue)" }

    /// Refuses, before anything is sent, a request Cruise Control would refuse for its shape.
    func validate() throws(CruiseControlClientError) {
        func require(_ name: String, _ what: String) throws(CruiseControlClientError) {
            guard let value = value(name), !value.isEmpty else {
                throw .invalidRequest("\(call) needs \(what) (\(name))")
            }
        }
        if endpoint.isOperation { try require("dryrun", "an explicit dry-run choice") }
        switch endpoint {
        case .addBroker, .removeBroker: try require("brokerid", "at least one broker id")
        case .removeDisks:
            try require("brokerid_and_logdirs", "at least one broker and log directory")
            for entry in (value("brokerid_and_logdirs") ?? "").split(
                separator: ",", omittingEmptySubsequences: false)
            {
                let parts = entry.split(separator: "-", maxSplits: 1)
                guard parts.count == 2, Int32(parts[0]) != nil, !parts[1].isEmpty else {
                    throw .invalidRequest(
                        "\(call): '\(entry.prefix(64))' is not a broker id and a log directory (a directory "
                            + "may not contain a comma)")
                }
            }
        case .proposals:
            // Options for executions: Cruise Control refuses them on a request that never executes.
            let executionOnly: Set<String> = [
                "dryrun", "concurrent_partition_movements_per_broker", "concurrent_leader_movements",
                "replication_throttle", "skip_hard_goal_check", "stop_ongoing_execution",
            ]
            if let name = parameters.first(where: { executionOnly.contains($0.name.lowercased()) })?.name {
                throw .invalidRequest("\(call) does not take \(name): proposals are never executed")
            }
        default: break
        }
    }
}

extension CruiseControlRequest {
    /// `GET /state`, for the chosen parts (all when empty).
    public static func state(substates: Set<CruiseControlState.Substate> = []) -> Self {
        var parameters: [Parameter] = []
        if !substates.isEmpty {
            parameters.append(
                Parameter("substates", substates.map(\.rawValue).sorted().joined(separator: ",")))
        }
        return Self(endpoint: .state, parameters: parameters)
    }

    /// `GET /kafka_cluster_state`; `verbose` lists healthy partitions too.
    public static func kafkaClusterState(verbose: Bool = false) -> Self {
        Self(endpoint: .kafkaClusterState, parameters: verbose ? [Parameter("verbose", "true")] : [])
    }

    /// `GET /load`; `populateDiskInfo` adds each broker's log directories.
    public static func load(populateDiskInfo: Bool = false) -> Self {
        Self(endpoint: .load, parameters: populateDiskInfo ? [Parameter("populate_disk_info", "true")] : [])
    }

    /// `GET /user_tasks`, for the tasks `ids` (every task kept when empty); with
    /// `fetchCompletedTask` a finished task carries its original answer.
    public static func userTasks(ids: [String] = [], fetchCompletedTask: Bool = false) -> Self {
        var parameters: [Parameter] = []
        if !ids.isEmpty { parameters.append(Parameter("user_task_ids", ids.joined(separator: ","))) }
        if fetchCompletedTask { parameters.append(Parameter("fetch_completed_task", "true")) }
        return Self(endpoint: .userTasks, parameters: parameters)
    }

    /// `GET /proposals`: what a rebalance would do, never executed. Of `options`, `goals`,
    /// `excludedTopics`, `allowCapacityEstimation`, `excludeRecentlyRemovedBrokers`, `verbose`
    /// and `reason` apply; the others are refused when sent.
    public static func proposals(options: OptimizationOptions = OptimizationOptions()) -> Self {
        Self(endpoint: .proposals, parameters: options.parameters())
    }

    /// `POST /add_broker`: moves replicas onto `brokers`.
    public static func addBroker(_ brokers: [Int32], dryRun: Bool, options: OptimizationOptions = .init())
        -> Self
    {
        Self(
            endpoint: .addBroker,
            parameters: [brokerIDs("brokerid", brokers), Parameter("dryrun", String(dryRun))]
                + options.parameters())
    }

    /// `POST /remove_broker`: moves every replica off `brokers`, to `destinations` when given.
    public static func removeBroker(
        _ brokers: [Int32], dryRun: Bool, destinations: [Int32]? = nil, options: OptimizationOptions = .init()
    ) -> Self {
        var parameters = [brokerIDs("brokerid", brokers), Parameter("dryrun", String(dryRun))]
        if let destinations { parameters.append(brokerIDs("destination_broker_ids", destinations)) }
        return Self(endpoint: .removeBroker, parameters: parameters + options.parameters())
    }

    /// `POST /remove_disks`: moves the replicas off the log directories `logDirs` (broker id →
    /// directories) to the brokers' other directories. The endpoint takes no other options.
    public static func removeDisks(
        _ logDirs: [Int32: [String]], dryRun: Bool, stopOngoingExecution: Bool? = nil, reason: String? = nil
    ) -> Self {
        let pairs = logDirs.keys.sorted().flatMap { broker in
            logDirs[broker, default: []].map { "\(broker)-\($0)" }
        }
        var parameters = [
            Parameter("brokerid_and_logdirs", pairs.joined(separator: ",")),
            Parameter("dryrun", String(dryRun)),
        ]
        if let stopOngoingExecution {
            parameters.append(Parameter("stop_ongoing_execution", String(stopOngoingExecution)))
        }
        if let reason { parameters.append(Parameter("reason", reason)) }
        return Self(endpoint: .removeDisks, parameters: parameters)
    }

    /// `POST /rebalance`: across brokers (onto `destinations` when given), or with
    /// `rebalanceDisk` between each broker's log directories.
    public static func rebalance(
        dryRun: Bool, rebalanceDisk: Bool = false, destinations: [Int32]? = nil,
        options: OptimizationOptions = .init()
    ) -> Self {
        var parameters = [Parameter("dryrun", String(dryRun))]
        if rebalanceDisk { parameters.append(Parameter("rebalance_disk", "true")) }
        if let destinations { parameters.append(brokerIDs("destination_broker_ids", destinations)) }
        return Self(endpoint: .rebalance, parameters: parameters + options.parameters())
    }

    /// `POST /stop_proposal_execution`: movements in flight finish, the rest are dropped.
    public static func stopProposalExecution(reason: String? = nil) -> Self {
        Self(endpoint: .stopProposalExecution, parameters: reason.map { [Parameter("reason", $0)] } ?? [])
    }

    private static func brokerIDs(_ name: String, _ ids: [Int32]) -> Parameter {
        Parameter(name, ids.map(String.init).joined(separator: ","))
    }
}
