/// The seam to Cruise Control's REST API: `CruiseControlRESTClient` in production and local mode
/// (against the simulated Cruise Control), a stand-in in tests of its callers.
///
/// Reads return typed answers, following a 202's `User-Task-ID` until the answer is ready.
/// Operations (`add_broker`, `remove_broker`, `remove_disks`, `rebalance`) go through `submit`,
/// which returns the task's id as soon as Cruise Control gives one, so a caller can record it
/// before anything else and resume the task after a restart instead of posting it again.
public protocol CruiseControlClient: Sendable {
    func state(substates: Set<CruiseControlState.Substate>) async throws(CruiseControlClientError)
        -> CruiseControlState
    func kafkaClusterState(verbose: Bool) async throws(CruiseControlClientError) -> KafkaClusterState
    func load(populateDiskInfo: Bool) async throws(CruiseControlClientError) -> BrokerStats
    func proposals(options: OptimizationOptions) async throws(CruiseControlClientError) -> OptimizationResult
    /// The tasks `ids` Cruise Control still knows (all when empty); an id it has forgotten is
    /// absent. With `fetchCompletedTask` a finished task carries its final answer.
    func userTasks(ids: [String], fetchCompletedTask: Bool) async throws(CruiseControlClientError)
        -> [UserTaskInfo]
    func stopProposalExecution() async throws(CruiseControlClientError) -> StopProposalResult

    /// Sends an operation, or with `userTaskID` follows the task it started (the same request,
    /// with the `User-Task-ID` header), repeating it while Cruise Control answers 202, for up to
    /// `wait` (zero: one exchange). A task Cruise Control no longer knows is `.unknownUserTask`.
    func submit(_ request: CruiseControlRequest, userTaskID: String?, waitingUpTo wait: Duration)
        async throws(CruiseControlClientError) -> CruiseControlTaskAnswer<OptimizationResult>

    /// Polls `user_tasks` until task `id` is `Completed` and returns it; throws `.taskFailed` for
    /// `CompletedWithError`, `.unknownUserTask` when Cruise Control does not list it, and
    /// `.taskTimedOut` when it is still active or executing after `timeout`.
    func awaitCompletion(ofUserTask id: String, timeout: Duration) async throws(CruiseControlClientError)
        -> UserTaskInfo
}

extension CruiseControlClient {
    /// Every part of the state.
    public func state() async throws(CruiseControlClientError) -> CruiseControlState {
        try await state(substates: [])
    }

    /// Task `id`, or nil when Cruise Control does not know it (any more).
    public func userTask(_ id: String, fetchCompletedTask: Bool = false)
        async throws(CruiseControlClientError)
        -> UserTaskInfo?
    {
        try await userTasks(ids: [id], fetchCompletedTask: fetchCompletedTask).first { $0.id == id }
    }

    /// `POST /add_broker` for `brokers`: moves replicas onto them.
    public func addBroker(
        _ brokers: [Int32], dryRun: Bool, options: OptimizationOptions = .init(),
        waitingUpTo wait: Duration = .zero
    ) async throws(CruiseControlClientError) -> CruiseControlTaskAnswer<OptimizationResult> {
        try await submit(
            .addBroker(brokers, dryRun: dryRun, options: options), userTaskID: nil, waitingUpTo: wait)
    }

    /// `POST /remove_broker` for `brokers`: moves every replica off them.
    public func removeBroker(
        _ brokers: [Int32], dryRun: Bool, destinations: [Int32]? = nil,
        options: OptimizationOptions = .init(),
        waitingUpTo wait: Duration = .zero
    ) async throws(CruiseControlClientError) -> CruiseControlTaskAnswer<OptimizationResult> {
        try await submit(
            .removeBroker(brokers, dryRun: dryRun, destinations: destinations, options: options),
            userTaskID: nil,
            waitingUpTo: wait)
    }

    /// `POST /remove_disks`: empties the log directories `logDirs` (broker id → directories).
    public func removeDisks(_ logDirs: [Int32: [String]], dryRun: Bool, waitingUpTo wait: Duration = .zero)
        async throws(CruiseControlClientError) -> CruiseControlTaskAnswer<OptimizationResult>
    {
        try await submit(.removeDisks(logDirs, dryRun: dryRun), userTaskID: nil, waitingUpTo: wait)
    }

    /// `POST /rebalance`, across brokers or (`rebalanceDisk`) within each broker's disks.
    public func rebalance(
        dryRun: Bool, rebalanceDisk: Bool = false, destinations: [Int32]? = nil,
        options: OptimizationOptions = .init(), waitingUpTo wait: Duration = .zero
    ) async throws(CruiseControlClientError) -> CruiseControlTaskAnswer<OptimizationResult> {
        try await submit(
            .rebalance(
                dryRun: dryRun, rebalanceDisk: rebalanceDisk, destinations: destinations, options: options),
            userTaskID: nil, waitingUpTo: wait)
    }
}
