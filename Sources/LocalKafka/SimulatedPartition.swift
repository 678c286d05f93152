/// One partition's replicas, leadership, in-sync set and load, with the replicas that are
/// catching up and the reassignment under way, if any.
public struct SimulatedPartition: Equatable, Sendable {
    /// A reassignment as Kafka runs it (KIP-455): the adding replicas copy the log and join
    /// the ISR; once every target replica is in sync, the replica set becomes `target` and the
    /// removing replicas leave.
    public struct Reassignment: Equatable, Sendable {
        public var target: [Int32]
        public var adding: [Int32]
        public var removing: [Int32]
        /// Bytes per second each adding replica copies at.
        public var bytesPerSecond: Double
    }

    /// A replica moving to another log directory of its broker (AlterReplicaLogDirs).
    public struct LogDirMove: Equatable, Sendable {
        public var destination: String
        public var completesAt: Int64
    }

    /// Replica set in assignment order; the first is the preferred leader.
    public var replicas: [Int32]
    /// The log directory each replica lives in.
    public var logDirs: [Int32: String]
    /// nil while no in-sync replica is alive: the partition is offline (Kafka's leader -1).
    public var leader: Int32?
    public var isr: [Int32]
    public var sizeBytes: Int64
    public var bytesInPerSecond: Double
    public var bytesOutPerSecond: Double
    public var minInSyncReplicas: Int
    /// Alive replicas behind the leader, with the simulated instant (ms) each joins the ISR.
    public var catchingUp: [Int32: Int64] = [:]
    public var reassignment: Reassignment?
    public var logDirMoves: [Int32: LogDirMove] = [:]

    public var isOffline: Bool { leader == nil }
    public var isUnderReplicated: Bool { isr.count < replicas.count }
    public var isUnderMinISR: Bool { isr.count < minInSyncReplicas }
    public var outOfSync: [Int32] { replicas.filter { !isr.contains($0) } }
}
