/// `GET /state`: what Cruise Control's parts are doing (those asked for; nil for the others).
public struct CruiseControlState: Equatable, Sendable {
    /// The parts `state` can report, in Cruise Control's spelling.
    public enum Substate: String, CaseIterable, Sendable {
        case monitor
        case executor
        case analyzer
        case anomalyDetector = "anomaly_detector"
    }

    /// The load monitor: whether it has the metrics it needs.
    public struct MonitorState: Equatable, Sendable {
        /// `RUNNING`, `SAMPLING`, `BOOTSTRAPPING`, `TRAINING`, `LOADING`, `PAUSED`, `NOT_STARTED`.
        public var state: String
        public var trained: Bool
        public var numValidPartitions: Int
        public var numTotalPartitions: Int
        public var monitoringCoveragePercent: Double
        public var error: String?

        public init(
            state: String, trained: Bool, numValidPartitions: Int, numTotalPartitions: Int,
            monitoringCoveragePercent: Double, error: String? = nil
        ) {
            self.state = state
            self.trained = trained
            self.numValidPartitions = numValidPartitions
            self.numTotalPartitions = numTotalPartitions
            self.monitoringCoveragePercent = monitoringCoveragePercent
            self.error = error
        }
    }

    /// The executor: whether replicas are moving, for which task, and how far it is.
    public struct ExecutorState: Equatable, Sendable {
        public enum Phase: String, Sendable, CaseIterable {
            case noTaskInProgress = "NO_TASK_IN_PROGRESS"
            case startingExecution = "STARTING_EXECUTION"
            case interBrokerReplicaMovement = "INTER_BROKER_REPLICA_MOVEMENT_TASK_IN_PROGRESS"
            case intraBrokerReplicaMovement = "INTRA_BROKER_REPLICA_MOVEMENT_TASK_IN_PROGRESS"
            case leaderMovement = "LEADER_MOVEMENT_TASK_IN_PROGRESS"
            case stoppingExecution = "STOPPING_EXECUTION"
            case initializingProposalExecution = "INITIALIZING_PROPOSAL_EXECUTION"
            case generatingProposalsForExecution = "GENERATING_PROPOSALS_FOR_EXECUTION"
        }

        public var phase: Phase
        /// The user task whose proposal is executing.
        public var triggeredUserTaskID: String?
        public var recentlyRemovedBrokers: [Int32]
        public var recentlyDemotedBrokers: [Int32]
        public var totalPartitionMovements: Int?
        public var pendingPartitionMovements: Int?
        public var inProgressPartitionMovements: Int?
        public var finishedPartitionMovements: Int?
        public var finishedDataMovementMB: Int?
        public var totalDataToMoveMB: Int?
        public var error: String?

        public init(
            phase: Phase, triggeredUserTaskID: String? = nil, recentlyRemovedBrokers: [Int32] = [],
            recentlyDemotedBrokers: [Int32] = [], totalPartitionMovements: Int? = nil,
            pendingPartitionMovements: Int? = nil, inProgressPartitionMovements: Int? = nil,
            finishedPartitionMovements: Int? = nil, finishedDataMovementMB: Int? = nil,
            totalDataToMoveMB: Int? = nil, error: String? = nil
        ) {
            self.phase = phase
            self.triggeredUserTaskID = triggeredUserTaskID
            self.recentlyRemovedBrokers = recentlyRemovedBrokers
            self.recentlyDemotedBrokers = recentlyDemotedBrokers
            self.totalPartitionMovements = totalPartitionMovements
            self.pendingPartitionMovements = pendingPartitionMovements
            self.inProgressPartitionMovements = inProgressPartitionMovements
            self.finishedPartitionMovements = finishedPartitionMovements
            self.finishedDataMovementMB = finishedDataMovementMB
            self.totalDataToMoveMB = totalDataToMoveMB
            self.error = error
        }

        /// Whether an execution is under way (or stopping).
        public var isExecuting: Bool { phase != .noTaskInProgress }
    }

    /// The analyzer: whether proposals can be computed, and with which goals.
    public struct AnalyzerState: Equatable, Sendable {
        public var isProposalReady: Bool
        public var readyGoals: [String]

        public init(isProposalReady: Bool, readyGoals: [String]) {
            self.isProposalReady = isProposalReady
            self.readyGoals = readyGoals
        }
    }

    public var monitor: MonitorState?
    public var executor: ExecutorState?
    public var analyzer: AnalyzerState?

    public init(monitor: MonitorState? = nil, executor: ExecutorState? = nil, analyzer: AnalyzerState? = nil)
    {
        self.monitor = monitor
        self.executor = executor
        self.analyzer = analyzer
    }

    init(_ reader: ResponseReader) throws {
        if let monitor = try reader.optionalField("MonitorState") {
            self.monitor = MonitorState(
                state: try monitor.field("state").string(), trained: try monitor.field("trained").bool(),
                numValidPartitions: try monitor.field("numValidPartitions").int(),
                numTotalPartitions: try monitor.field("numTotalPartitions").int(),
                monitoringCoveragePercent: try monitor.field("monitoringCoveragePct").double(),
                error: try monitor.optionalField("error")?.string())
        }
        if let executor = try reader.optionalField("ExecutorState") {
            let state = try executor.field("state")
            let text = try state.string()
            guard let phase = ExecutorState.Phase(rawValue: text) else {
                throw ResponseReader.Mismatch(
                    path: state.path, reason: "unknown executor state \(text.prefix(64))")
            }
            self.executor = ExecutorState(
                phase: phase,
                triggeredUserTaskID: try executor.optionalField("triggeredUserTaskId")?.string(),
                recentlyRemovedBrokers: try executor.optionalField("recentlyRemovedBrokers")?.int32s() ?? [],
                recentlyDemotedBrokers: try executor.optionalField("recentlyDemotedBrokers")?.int32s() ?? [],
                totalPartitionMovements: try executor.optionalField("numTotalPartitionMovements")?.int(),
                pendingPartitionMovements: try executor.optionalField("numPendingPartitionMovements")?.int(),
                inProgressPartitionMovements: try executor.optionalField("numInProgressPartitionMovements")?
                    .int(),
                finishedPartitionMovements: try executor.optionalField("numFinishedPartitionMovements")?
                    .int(),
                finishedDataMovementMB: try executor.optionalField("finishedDataMovement")?.int(),
                totalDataToMoveMB: try executor.optionalField("totalDataToMove")?.int(),
                error: try executor.optionalField("error")?.string())
        }
        if let analyzer = try reader.optionalField("AnalyzerState") {
            self.analyzer = AnalyzerState(
                isProposalReady: try analyzer.field("isProposalReady").bool(),
                readyGoals: try analyzer.field("readyGoals").strings())
        }
    }
}
