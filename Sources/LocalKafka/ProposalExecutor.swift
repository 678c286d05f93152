/// Cruise Control's executor running one task's proposals against the simulated cluster: it
/// submits at most `concurrency` partition movements at a time, as Kafka reassignments (or log
/// directory moves), and when one completes, makes the proposal's first replica leader and
/// submits the next. A stop lets the movements in flight finish and drops the rest.
public struct ProposalExecutor: Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        case completed
        /// Stopped on request; Cruise Control reports such a task CompletedWithError.
        case stopped
        case failed(String)
    }

    public let taskID: String
    public private(set) var pending: [ReplicaMove]
    public private(set) var inProgress: [ReplicaMove] = []
    public private(set) var finished: [ReplicaMove] = []
    public private(set) var cancelled: [ReplicaMove] = []
    public let concurrency: Int
    /// The replication throttle; nil copies at the cluster's default rate.
    public let bytesPerSecond: Double?
    public private(set) var isStopping = false
    /// Fails the task once this many movements have finished (fault injection).
    public var failAfterMoves: Int?
    public let totalBytes: Int64

    public init(
        taskID: String, moves: [ReplicaMove], concurrency: Int = 5, bytesPerSecond: Double? = nil,
        failAfterMoves: Int? = nil
    ) {
        self.taskID = taskID
        pending = moves
        self.concurrency = max(1, concurrency)
        self.bytesPerSecond = bytesPerSecond
        self.failAfterMoves = failAfterMoves
        totalBytes = moves.filter { $0.isInterBroker || $0.isIntraBroker }.reduce(0) { $0 + $1.sizeBytes }
    }

    public var finishedBytes: Int64 {
        finished.filter { $0.isInterBroker || $0.isIntraBroker }.reduce(0) { $0 + $1.sizeBytes }
    }

    /// Whether the movements are between brokers, within brokers, or leadership only: the
    /// executor state Cruise Control reports.
    public var phase: String {
        let moves = inProgress + pending
        if isStopping { return "STOPPING_EXECUTION" }
        if moves.contains(where: \.isInterBroker) { return "INTER_BROKER_REPLICA_MOVEMENT_TASK_IN_PROGRESS" }
        if moves.contains(where: \.isIntraBroker) { return "INTRA_BROKER_REPLICA_MOVEMENT_TASK_IN_PROGRESS" }
        return "LEADER_MOVEMENT_TASK_IN_PROGRESS"
    }

    public mutating func stop() { isStopping = true }

    /// Observes the cluster at its current time, records finished movements and submits the
    /// next ones; returns the outcome once the task is over.
    public mutating func step(_ cluster: inout SimulatedCluster) -> Outcome? {
        let done = inProgress.filter { isDone($0, in: cluster) }
        for move in done { cluster.electPreferredLeader(move.partition) }
        finished += done
        inProgress.removeAll { done.contains($0) }
        if let limit = failAfterMoves, finished.count >= limit {
            for move in inProgress where move.isInterBroker { cluster.cancelReassignment(move.partition) }
            cancelled += inProgress + pending
            inProgress = []
            pending = []
            return .failed("Executor failed after \(finished.count) partition movements.")
        }
        if isStopping {
            cancelled += pending
            pending = []
            return inProgress.isEmpty ? .stopped : nil
        }
        while inProgress.count < concurrency, !pending.isEmpty {
            let move = pending.removeFirst()
            if submit(move, to: &cluster) { inProgress.append(move) } else { cancelled.append(move) }
        }
        return pending.isEmpty && inProgress.isEmpty ? .completed : nil
    }

    private func submit(_ move: ReplicaMove, to cluster: inout SimulatedCluster) -> Bool {
        do {
            if move.isIntraBroker {
                for (broker, logDir) in move.logDirChanges.sorted(by: { $0.key < $1.key }) {
                    try cluster.moveReplica(
                        move.partition, broker: broker, toLogDir: logDir, bytesPerSecond: bytesPerSecond)
                }
            } else if move.newReplicas != cluster.partitions[move.partition]?.replicas {
                try cluster.reassign(move.partition, to: move.newReplicas, bytesPerSecond: bytesPerSecond)
            }
            return true
        } catch {
            return false
        }
    }

    private func isDone(_ move: ReplicaMove, in cluster: SimulatedCluster) -> Bool {
        guard let partition = cluster.partitions[move.partition] else { return true }
        if move.isIntraBroker {
            return move.logDirChanges.keys.allSatisfy { partition.logDirMoves[$0] == nil }
        }
        return partition.reassignment == nil
    }
}
