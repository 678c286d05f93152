/// The simulated cluster shared by everything that looks at it, with Cruise Control's executor
/// running inside the same event loop, so a batch of movements starts at the exact simulated
/// instant the previous one finishes whenever the state is next read.
///
/// Nothing runs in the background: every read first advances the simulation to the clock's
/// time, so an idle simulation costs nothing and a test moves time by moving its clock.
public actor ClusterSimulation {
    /// How the last execution ended, for the user task that started it.
    public struct FinishedExecution: Equatable, Sendable {
        public var taskID: String
        public var outcome: ProposalExecutor.Outcome
        public var finishedAt: Int64
    }

    private var cluster: SimulatedCluster
    private let clock: any SimulationClock
    private var executor: ProposalExecutor?
    /// When the executor starts, if not yet: Cruise Control executes a proposal as soon as it
    /// is computed, whether or not a client is asking at that moment.
    private var executorStartsAt: Int64?
    private var finishedExecutions: [String: FinishedExecution] = [:]
    /// Every change to `cluster` is shown to the meters as it happens, so the brokers'
    /// counters see each rate for exactly as long as it held.
    private var meters: BrokerMeters

    public init(cluster: SimulatedCluster, clock: any SimulationClock) {
        self.cluster = cluster
        self.clock = clock
        var meters = BrokerMeters()
        meters.observe(cluster)
        self.meters = meters
    }

    /// The cluster as it is now.
    public func snapshot() -> SimulatedCluster {
        advance()
        return cluster
    }

    /// Changes the cluster now (a broker stops or starts, a topic is created); a thrown error
    /// leaves it as it was.
    public func update<T: Sendable>(
        _ change: (inout SimulatedCluster) throws(SimulatedClusterError) -> T
    ) throws(SimulatedClusterError) -> T {
        advance()
        var copy = cluster
        let result = try change(&copy)
        cluster = copy
        meters.observe(cluster)
        advance()
        return result
    }

    /// What broker `id`'s JMX exporter reports now; nil while it does not run.
    public func brokerMetrics(_ id: Int32) -> BrokerMetricsSample? {
        advance()
        return meters.sample(broker: id, in: cluster)
    }

    /// Whether an execution is under way (after catching up with the clock).
    public func isExecuting() -> Bool {
        advance()
        return executor != nil
    }

    /// The execution under way, as of now.
    public func currentExecution() -> ProposalExecutor? {
        advance()
        return executor
    }

    /// How the execution of task `taskID` ended, once it has.
    public func finishedExecution(_ taskID: String) -> FinishedExecution? {
        advance()
        return finishedExecutions[taskID]
    }

    /// Starts executing a task's movements, now or at simulated time `start`; the caller has
    /// checked that none is running. An execution waiting to start counts as running.
    public func startExecution(_ execution: ProposalExecutor, at start: Int64? = nil) {
        advance()
        executor = execution
        executorStartsAt = start.flatMap { $0 > cluster.now ? $0 : nil }
        advance()
    }

    /// Asks the running execution to stop; false when none runs.
    @discardableResult
    public func stopExecution() -> Bool {
        advance()
        guard executor != nil else { return false }
        executor?.stop()
        advance()
        return true
    }

    /// Forgets the running execution, as a Cruise Control restart does: reassignments already
    /// handed to Kafka carry on, the rest never start.
    public func abandonExecution() {
        advance()
        executor = nil
        executorStartsAt = nil
    }

    private func advance() {
        let now = max(clock.nowMilliseconds(), cluster.now)
        while true {
            stepExecutor()
            let next = [cluster.nextEventTime, executorStartsAt].compactMap { $0 }.min()
            guard let next, next <= now else { break }
            cluster.advance(to: next)
            if let start = executorStartsAt, start <= cluster.now { executorStartsAt = nil }
            meters.observe(cluster)
        }
        cluster.advance(to: now)
        stepExecutor()
    }

    private func stepExecutor() {
        guard var running = executor, executorStartsAt == nil else { return }
        defer { meters.observe(cluster) }
        if let outcome = running.step(&cluster) {
            finishedExecutions[running.taskID] = FinishedExecution(
                taskID: running.taskID, outcome: outcome, finishedAt: cluster.now)
            executor = nil
        } else {
            executor = running
        }
    }
}
