/// A Kafka cluster as a value: brokers, partitions with their replicas, leaders and in-sync
/// sets, and the replication that moves over simulated time.
///
/// It follows Kafka's rules (unclean leader election disabled): a broker that goes away leaves
/// the ISR of its partitions unless it is the last member, and a partition whose leader it was
/// gets the first alive in-sync replica in assignment order as leader, or none (offline). A
/// broker that comes back is out of sync until it has caught up (`Timing.catchUpDelay`), then
/// rejoins the ISR; an offline partition comes back when its last in-sync replica does.
/// Time only moves through `advance(to:)`, so a test decides exactly when things happen.
public struct SimulatedCluster: Equatable, Sendable {
    public struct Timing: Equatable, Sendable {
        /// How long a returning broker takes to catch up with the leaders of its partitions.
        public var catchUpDelayMilliseconds: Int64
        /// How fast a new replica copies its partition's log when no throttle is given.
        public var replicationBytesPerSecond: Double

        public init(
            catchUpDelayMilliseconds: Int64 = 5_000, replicationBytesPerSecond: Double = 50 * 1_048_576
        ) {
            self.catchUpDelayMilliseconds = catchUpDelayMilliseconds
            self.replicationBytesPerSecond = replicationBytesPerSecond
        }
    }

    public private(set) var brokers: [Int32: SimulatedBroker] = [:]
    public private(set) var partitions: [TopicPartition: SimulatedPartition] = [:]
    /// Simulated time in milliseconds since the Unix epoch.
    public private(set) var now: Int64
    public var timing: Timing
    /// Fault injection: brokers that, once back, never catch up, so they stay out of every ISR
    /// they left (a broker stuck replicating).
    public var stalledBrokers: Set<Int32> = []

    public init(now: Int64, timing: Timing = Timing()) {
        self.now = now
        self.timing = timing
    }

    // MARK: - Reading

    public var brokerIDs: [Int32] { brokers.keys.sorted() }
    public var aliveBrokerIDs: [Int32] { brokers.values.filter(\.isAlive).map(\.id).sorted() }
    public var topics: [String] { Set(partitions.keys.map(\.topic)).sorted() }
    public var sortedPartitions: [TopicPartition] { partitions.keys.sorted() }

    /// The active controller: the lowest alive broker id, or nil when none is alive.
    public var controller: Int32? { aliveBrokerIDs.first }

    public func replicaCount(of broker: Int32) -> Int {
        partitions.values.reduce(0) { $0 + ($1.replicas.contains(broker) ? 1 : 0) }
    }

    public func leaderCount(of broker: Int32) -> Int {
        partitions.values.reduce(0) { $0 + ($1.leader == broker ? 1 : 0) }
    }

    public var offlinePartitions: [TopicPartition] { sortedPartitions.filter { partitions[$0]!.isOffline } }
    public var underReplicatedPartitions: [TopicPartition] {
        sortedPartitions.filter { partitions[$0]!.isUnderReplicated }
    }
    public var reassigningPartitions: [TopicPartition] {
        sortedPartitions.filter {
            partitions[$0]!.reassignment != nil || !partitions[$0]!.logDirMoves.isEmpty
        }
    }

    // MARK: - Brokers

    public mutating func addBroker(_ broker: SimulatedBroker) throws(SimulatedClusterError) {
        guard brokers[broker.id] == nil else { throw .brokerExists(broker.id) }
        guard !broker.logDirs.isEmpty else { throw .unknownLogDir(broker: broker.id, logDir: "") }
        brokers[broker.id] = broker
        if broker.isAlive { brokerStarted(broker.id) }
    }

    /// Takes a broker offline: it leaves the ISRs (but never empties one), and leadership
    /// moves to an in-sync follower or, with none alive, the partition goes offline.
    public mutating func stopBroker(_ id: Int32) throws(SimulatedClusterError) {
        guard var broker = brokers[id] else { throw .unknownBroker(id) }
        guard broker.isAlive else { return }
        broker.isAlive = false
        brokers[id] = broker
        for key in sortedPartitions where partitions[key]!.replicas.contains(id) {
            var partition = partitions[key]!
            partition.catchingUp[id] = nil
            partition.logDirMoves[id] = nil
            if partition.isr.count > 1 { partition.isr.removeAll { $0 == id } }
            if partition.leader == id { partition.leader = electLeader(partition) }
            partitions[key] = partition
        }
    }

    /// Brings a broker back: its partitions' last in-sync replica leads again, and every
    /// replica it holds out of sync starts catching up.
    public mutating func startBroker(_ id: Int32) throws(SimulatedClusterError) {
        guard var broker = brokers[id] else { throw .unknownBroker(id) }
        guard !broker.isAlive else { return }
        broker.isAlive = true
        brokers[id] = broker
        brokerStarted(id)
    }

    /// Changes a broker's host and log directories, as a restart with a new `server.properties`
    /// does; a directory that still holds a replica cannot go.
    public mutating func configureBroker(_ id: Int32, host: String, logDirs: [String])
        throws(SimulatedClusterError)
    {
        guard var broker = brokers[id] else { throw .unknownBroker(id) }
        guard !logDirs.isEmpty else { throw .unknownLogDir(broker: id, logDir: "") }
        for key in sortedPartitions {
            if let dir = partitions[key]!.logDirs[id], !logDirs.contains(dir) {
                throw .invalidAssignment(key, reason: "broker \(id) still holds a replica in \(dir)")
            }
        }
        broker.host = host
        broker.logDirs = logDirs
        brokers[id] = broker
    }

    /// Removes a broker that holds no replicas, as a decommissioned broker leaves the metadata.
    public mutating func removeBroker(_ id: Int32) throws(SimulatedClusterError) {
        guard brokers[id] != nil else { throw .unknownBroker(id) }
        if let held = sortedPartitions.first(where: { partitions[$0]!.replicas.contains(id) }) {
            throw .invalidAssignment(held, reason: "broker \(id) still holds a replica")
        }
        brokers[id] = nil
    }

    private mutating func brokerStarted(_ id: Int32) {
        for key in sortedPartitions where partitions[key]!.replicas.contains(id) {
            var partition = partitions[key]!
            if partition.leader == nil, partition.isr.contains(id) {
                partition.leader = id
                for replica in partition.outOfSync
                where brokers[replica]?.isAlive == true && !stalledBrokers.contains(replica) {
                    partition.catchingUp[replica] = now + catchUpTime(partition, replica)
                }
            } else if partition.leader != nil, !partition.isr.contains(id), !stalledBrokers.contains(id) {
                partition.catchingUp[id] = now + catchUpTime(partition, id)
            }
            partitions[key] = partition
        }
    }

    /// The first alive in-sync replica in assignment order (Kafka's election without unclean
    /// leader election).
    private func electLeader(_ partition: SimulatedPartition) -> Int32? {
        partition.replicas.first { partition.isr.contains($0) && brokers[$0]?.isAlive == true }
    }

    private func catchUpTime(_ partition: SimulatedPartition, _ replica: Int32) -> Int64 {
        if let reassignment = partition.reassignment, reassignment.adding.contains(replica) {
            return copyTime(bytes: partition.sizeBytes, bytesPerSecond: reassignment.bytesPerSecond)
        }
        return timing.catchUpDelayMilliseconds
    }

    private func copyTime(bytes: Int64, bytesPerSecond: Double) -> Int64 {
        max(1, Int64((Double(bytes) / max(bytesPerSecond, 1) * 1000).rounded(.up)))
    }

    // MARK: - Topics

    /// Creates a topic whose partition `i` has replicas `assignment[i]`, each in its broker's
    /// first log directory, all in sync.
    public mutating func createTopic(
        _ topic: String, assignment: [[Int32]], sizeBytes: Int64 = 0, bytesInPerSecond: Double = 0,
        bytesOutPerSecond: Double = 0, minInSyncReplicas: Int = 1
    ) throws(SimulatedClusterError) {
        guard !partitions.keys.contains(where: { $0.topic == topic }) else { throw .topicExists(topic) }
        var created: [TopicPartition: SimulatedPartition] = [:]
        for (index, replicas) in assignment.enumerated() {
            let key = TopicPartition(topic, Int32(index))
            try validate(replicas, for: key)
            created[key] = freshPartition(
                replicas, sizeBytes: sizeBytes, bytesInPerSecond: bytesInPerSecond,
                bytesOutPerSecond: bytesOutPerSecond, minInSyncReplicas: minInSyncReplicas)
        }
        partitions.merge(created) { old, _ in old }
    }

    private func validate(_ replicas: [Int32], for key: TopicPartition) throws(SimulatedClusterError) {
        guard !replicas.isEmpty else { throw .invalidAssignment(key, reason: "no replicas") }
        guard Set(replicas).count == replicas.count else {
            throw .invalidAssignment(key, reason: "a broker appears twice in \(replicas)")
        }
        if let unknown = replicas.first(where: { brokers[$0] == nil }) { throw .unknownBroker(unknown) }
    }

    /// Deletes a topic and every partition of it.
    public mutating func deleteTopic(_ topic: String) throws(SimulatedClusterError) {
        let keys = partitions.keys.filter { $0.topic == topic }
        guard !keys.isEmpty else { throw .unknownTopic(topic) }
        for key in keys { partitions[key] = nil }
    }

    /// Adds partitions to a topic: partition `current + i` gets replicas `assignment[i]`, the
    /// new ones taking the first partition's load settings with an empty log.
    public mutating func addPartitions(_ topic: String, assignment: [[Int32]]) throws(SimulatedClusterError) {
        let existing = partitions.keys.filter { $0.topic == topic }
        guard let first = partitions[TopicPartition(topic, 0)] else { throw .unknownTopic(topic) }
        var added: [TopicPartition: SimulatedPartition] = [:]
        for (offset, replicas) in assignment.enumerated() {
            let key = TopicPartition(topic, Int32(existing.count + offset))
            try validate(replicas, for: key)
            added[key] = freshPartition(
                replicas, sizeBytes: 0, bytesInPerSecond: first.bytesInPerSecond,
                bytesOutPerSecond: first.bytesOutPerSecond, minInSyncReplicas: first.minInSyncReplicas)
        }
        partitions.merge(added) { old, _ in old }
    }

    /// A new partition on validated `replicas`, each in its broker's first log directory, the
    /// alive ones in sync and the first alive one leading.
    private func freshPartition(
        _ replicas: [Int32], sizeBytes: Int64, bytesInPerSecond: Double, bytesOutPerSecond: Double,
        minInSyncReplicas: Int
    ) -> SimulatedPartition {
        var logDirs: [Int32: String] = [:]
        for replica in replicas { logDirs[replica] = brokers[replica]!.logDirs[0] }
        let alive = replicas.filter { brokers[$0]!.isAlive }
        return SimulatedPartition(
            replicas: replicas, logDirs: logDirs, leader: alive.first,
            isr: alive.isEmpty ? [replicas[0]] : alive, sizeBytes: sizeBytes,
            bytesInPerSecond: bytesInPerSecond, bytesOutPerSecond: bytesOutPerSecond,
            minInSyncReplicas: minInSyncReplicas)
    }

    /// Sets the synthetic load of a partition.
    public mutating func setLoad(
        _ key: TopicPartition, sizeBytes: Int64, bytesInPerSecond: Double, bytesOutPerSecond: Double
    ) throws(SimulatedClusterError) {
        guard partitions[key] != nil else { throw .unknownPartition(key) }
        partitions[key]!.sizeBytes = sizeBytes
        partitions[key]!.bytesInPerSecond = bytesInPerSecond
        partitions[key]!.bytesOutPerSecond = bytesOutPerSecond
    }

    // MARK: - Moving replicas

    /// Starts moving `key` to the replica list `target` (AlterPartitionReassignments). A target
    /// with the same brokers in another order completes at once.
    public mutating func reassign(
        _ key: TopicPartition, to target: [Int32], bytesPerSecond: Double? = nil
    ) throws(SimulatedClusterError) {
        guard var partition = partitions[key] else { throw .unknownPartition(key) }
        guard partition.reassignment == nil else { throw .reassignmentInProgress(key) }
        try validate(target, for: key)
        let adding = target.filter { !partition.replicas.contains($0) }
        let removing = partition.replicas.filter { !target.contains($0) }
        partition.reassignment = SimulatedPartition.Reassignment(
            target: target, adding: adding, removing: removing,
            bytesPerSecond: bytesPerSecond ?? timing.replicationBytesPerSecond)
        partition.replicas = target + removing
        for replica in adding {
            partition.logDirs[replica] = brokers[replica]!.logDirs[0]
            if partition.leader != nil, brokers[replica]!.isAlive {
                partition.catchingUp[replica] = now + catchUpTime(partition, replica)
            }
        }
        partitions[key] = partition
        completeReassignmentIfCaughtUp(key)
    }

    /// Starts moving a replica to another log directory of its broker (AlterReplicaLogDirs).
    public mutating func moveReplica(
        _ key: TopicPartition, broker: Int32, toLogDir logDir: String, bytesPerSecond: Double? = nil
    ) throws(SimulatedClusterError) {
        guard var partition = partitions[key] else { throw .unknownPartition(key) }
        guard let current = partition.logDirs[broker], let owner = brokers[broker] else {
            throw .unknownBroker(broker)
        }
        guard owner.logDirs.contains(logDir) else { throw .unknownLogDir(broker: broker, logDir: logDir) }
        guard current != logDir else { return }
        let time = copyTime(
            bytes: partition.sizeBytes, bytesPerSecond: bytesPerSecond ?? timing.replicationBytesPerSecond)
        partition.logDirMoves[broker] = SimulatedPartition.LogDirMove(
            destination: logDir, completesAt: now + time)
        partitions[key] = partition
    }

    /// Makes the first replica leader when it is alive and in sync (preferred leader election);
    /// true when leadership changed.
    @discardableResult
    public mutating func electPreferredLeader(_ key: TopicPartition) -> Bool {
        guard var partition = partitions[key], let preferred = partition.replicas.first,
            partition.leader != preferred, partition.isr.contains(preferred),
            brokers[preferred]?.isAlive == true
        else { return false }
        partition.leader = preferred
        partitions[key] = partition
        return true
    }

    /// Cancels a reassignment in flight: the replica set goes back to what it was and the
    /// replicas that were being added are dropped.
    public mutating func cancelReassignment(_ key: TopicPartition) {
        guard var partition = partitions[key], let reassignment = partition.reassignment else { return }
        settle(
            &partition, replicas: partition.replicas.filter { !reassignment.adding.contains($0) },
            dropping: reassignment.adding)
        partitions[key] = partition
    }

    /// Ends a reassignment with `replicas` as the replica list: the dropped replicas leave
    /// the ISR and their broker, and a leader that left is replaced.
    private func settle(_ partition: inout SimulatedPartition, replicas: [Int32], dropping dropped: [Int32]) {
        partition.replicas = replicas
        partition.isr.removeAll { dropped.contains($0) }
        for replica in dropped {
            partition.logDirs[replica] = nil
            partition.catchingUp[replica] = nil
            partition.logDirMoves[replica] = nil
        }
        partition.reassignment = nil
        if let leader = partition.leader, !partition.replicas.contains(leader) {
            partition.leader = electLeader(partition)
        }
    }

    // MARK: - Time

    /// The next simulated instant at which something changes by itself.
    public var nextEventTime: Int64? {
        var next: Int64?
        for partition in partitions.values {
            for time in partition.catchingUp.values { next = min(next ?? time, time) }
            for move in partition.logDirMoves.values {
                next = min(next ?? move.completesAt, move.completesAt)
            }
        }
        return next
    }

    /// Moves time forward to `time`, applying every catch-up and log directory move due by
    /// then in time order.
    public mutating func advance(to time: Int64) {
        while let next = nextEventTime, next <= time {
            now = max(now, next)
            applyEvents(at: next)
        }
        now = max(now, time)
    }

    private mutating func applyEvents(at time: Int64) {
        for key in sortedPartitions {
            var partition = partitions[key]!
            let due = partition.catchingUp.filter { $0.value <= time }.keys.sorted()
            for replica in due {
                partition.catchingUp[replica] = nil
                if partition.leader != nil, !partition.isr.contains(replica) { partition.isr.append(replica) }
            }
            for (replica, move) in partition.logDirMoves where move.completesAt <= time {
                partition.logDirs[replica] = move.destination
                partition.logDirMoves[replica] = nil
            }
            partitions[key] = partition
            completeReassignmentIfCaughtUp(key)
        }
    }

    private mutating func completeReassignmentIfCaughtUp(_ key: TopicPartition) {
        guard var partition = partitions[key], let reassignment = partition.reassignment,
            reassignment.target.allSatisfy(partition.isr.contains)
        else { return }
        settle(&partition, replicas: reassignment.target, dropping: reassignment.removing)
        partitions[key] = partition
    }
}

extension SimulatedCluster {
    /// The cluster as it would be once `moves` were done: replica lists, leaders (the first
    /// replica) and log directories changed at once, for Cruise Control's "load after".
    public func projected(after moves: [ReplicaMove]) -> SimulatedCluster {
        var copy = self
        for move in moves {
            guard var partition = copy.partitions[move.partition] else { continue }
            for replica in partition.replicas where !move.newReplicas.contains(replica) {
                partition.logDirs[replica] = nil
            }
            for replica in move.newReplicas where partition.logDirs[replica] == nil {
                partition.logDirs[replica] = copy.brokers[replica]?.logDirs.first
            }
            for (broker, logDir) in move.logDirChanges { partition.logDirs[broker] = logDir }
            partition.replicas = move.newReplicas
            partition.isr = move.newReplicas
            partition.leader = move.newReplicas.first
            copy.partitions[move.partition] = partition
        }
        return copy
    }
}
