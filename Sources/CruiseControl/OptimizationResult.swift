/// The answer of `add_broker`, `remove_broker`, `remove_disks`, `rebalance` and `proposals`:
/// what the proposal moves, the goals' verdicts, and the load after it.
public struct OptimizationResult: Equatable, Sendable {
    public struct Summary: Equatable, Sendable {
        public var replicaMovements: Int
        public var dataToMoveMB: Int
        public var intraBrokerReplicaMovements: Int
        public var intraBrokerDataToMoveMB: Int
        public var leaderMovements: Int
        public var monitoredPartitionsPercent: Double
        public var excludedTopics: [String]
        public var balancednessBefore: Double
        public var balancednessAfter: Double
        /// `RIGHT_SIZED`, `UNDER_PROVISIONED`, `OVER_PROVISIONED` or `UNDECIDED`.
        public var provisionStatus: String

        public init(
            replicaMovements: Int, dataToMoveMB: Int = 0, intraBrokerReplicaMovements: Int = 0,
            intraBrokerDataToMoveMB: Int = 0, leaderMovements: Int = 0,
            monitoredPartitionsPercent: Double = 100,
            excludedTopics: [String] = [], balancednessBefore: Double = 100, balancednessAfter: Double = 100,
            provisionStatus: String = "RIGHT_SIZED"
        ) {
            self.replicaMovements = replicaMovements
            self.dataToMoveMB = dataToMoveMB
            self.intraBrokerReplicaMovements = intraBrokerReplicaMovements
            self.intraBrokerDataToMoveMB = intraBrokerDataToMoveMB
            self.leaderMovements = leaderMovements
            self.monitoredPartitionsPercent = monitoredPartitionsPercent
            self.excludedTopics = excludedTopics
            self.balancednessBefore = balancednessBefore
            self.balancednessAfter = balancednessAfter
            self.provisionStatus = provisionStatus
        }
    }

    public struct GoalStatus: Equatable, Sendable {
        public enum Verdict: String, Sendable, CaseIterable {
            case violated = "VIOLATED"
            case fixed = "FIXED"
            case noAction = "NO-ACTION"
        }

        public var goal: String
        public var verdict: Verdict

        public init(goal: String, verdict: Verdict) {
            self.goal = goal
            self.verdict = verdict
        }
    }

    /// One partition's move: `topicPartition` is `topic-partition`.
    public struct ExecutionProposal: Equatable, Sendable {
        public var topicPartition: String
        public var oldLeader: Int32
        public var oldReplicas: [Int32]
        public var newReplicas: [Int32]

        public init(topicPartition: String, oldLeader: Int32, oldReplicas: [Int32], newReplicas: [Int32]) {
            self.topicPartition = topicPartition
            self.oldLeader = oldLeader
            self.oldReplicas = oldReplicas
            self.newReplicas = newReplicas
        }
    }

    public var summary: Summary
    public var goals: [GoalStatus]
    public var loadAfterOptimization: BrokerStats
    /// Only with `verbose`.
    public var loadBeforeOptimization: BrokerStats?
    /// Only with `verbose`.
    public var proposals: [ExecutionProposal]?

    public init(
        summary: Summary, goals: [GoalStatus] = [],
        loadAfterOptimization: BrokerStats = BrokerStats(brokers: []),
        loadBeforeOptimization: BrokerStats? = nil, proposals: [ExecutionProposal]? = nil
    ) {
        self.summary = summary
        self.goals = goals
        self.loadAfterOptimization = loadAfterOptimization
        self.loadBeforeOptimization = loadBeforeOptimization
        self.proposals = proposals
    }

    init(_ reader: ResponseReader) throws {
        let summary = try reader.field("summary")
        self.summary = Summary(
            replicaMovements: try summary.field("numReplicaMovements").int(),
            dataToMoveMB: try summary.field("dataToMoveMB").int(),
            intraBrokerReplicaMovements: try summary.field("numIntraBrokerReplicaMovements").int(),
            intraBrokerDataToMoveMB: try summary.field("intraBrokerDataToMoveMB").int(),
            leaderMovements: try summary.field("numLeaderMovements").int(),
            monitoredPartitionsPercent: try summary.field("monitoredPartitionsPercentage").double(),
            excludedTopics: try summary.field("excludedTopics").strings(),
            balancednessBefore: try summary.field("onDemandBalancednessScoreBefore").double(),
            balancednessAfter: try summary.field("onDemandBalancednessScoreAfter").double(),
            provisionStatus: try summary.field("provisionStatus").string())
        goals = try reader.field("goalSummary").list { goal in
            let verdictField = try goal.field("status")
            let text = try verdictField.string()
            guard let verdict = GoalStatus.Verdict(rawValue: text) else {
                throw ResponseReader.Mismatch(
                    path: verdictField.path, reason: "unknown goal status \(text.prefix(64))")
            }
            return GoalStatus(goal: try goal.field("goal").string(), verdict: verdict)
        }
        loadAfterOptimization = try BrokerStats(reader.field("loadAfterOptimization"))
        loadBeforeOptimization = try reader.optionalField("loadBeforeOptimization").map {
            try BrokerStats($0)
        }
        proposals = try reader.optionalField("proposals")?.list { proposal in
            ExecutionProposal(
                topicPartition: try proposal.field("topicPartition").string(),
                oldLeader: try proposal.field("oldLeader").int32(),
                oldReplicas: try proposal.field("oldReplicas").int32s(),
                newReplicas: try proposal.field("newReplicas").int32s())
        }
    }
}
