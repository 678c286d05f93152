/// One partition's change in a Cruise Control proposal: its replica list before and after
/// (the first is the leader to be), and the log directories replicas move to within a broker.
public struct ReplicaMove: Equatable, Sendable {
    public var partition: TopicPartition
    public var oldLeader: Int32
    public var oldReplicas: [Int32]
    public var newReplicas: [Int32]
    /// Broker → destination log directory, for moves between the disks of one broker.
    public var logDirChanges: [Int32: String] = [:]
    public var sizeBytes: Int64

    public var isInterBroker: Bool { Set(oldReplicas) != Set(newReplicas) }
    public var isLeaderMove: Bool { newReplicas.first != oldLeader }
    public var isIntraBroker: Bool { !logDirChanges.isEmpty }
}

/// What a Cruise Control request asks the goals to do.
public enum OptimizationRequest: Equatable, Sendable {
    case rebalance(destinations: Set<Int32>?)
    case addBrokers(Set<Int32>)
    case removeBrokers(Set<Int32>, destinations: Set<Int32>?)
    case rebalanceDisks
    case removeDisks([Int32: Set<String>])
}

/// Why no proposal could be made, in Cruise Control's words.
public enum PlanningError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownBrokers([Int32])
    /// No alive broker is left to take replicas.
    case allBrokersExcluded
    /// Fewer eligible brokers than a partition's replication factor.
    case insufficientBrokers(TopicPartition, needed: Int, available: Int)
    case unknownLogDir(broker: Int32, logDir: String)
    case noLogDirLeft(broker: Int32, logDir: String)

    public var description: String {
        switch self {
        case .unknownBrokers(let ids):
            "java.lang.IllegalArgumentException: Broker [\(ids.map(String.init).joined(separator: ", "))] does not exist."
        case .allBrokersExcluded:
            "com.linkedin.kafka.cruisecontrol.exception.OptimizationFailureException: "
                + "[ReplicaCapacityGoal] All alive brokers are excluded from replica moves."
        case .insufficientBrokers(let partition, let needed, let available):
            "com.linkedin.kafka.cruisecontrol.exception.OptimizationFailureException: [RackAwareGoal] "
                + "Insufficient number of brokers to place the \(needed) replicas of \(partition) "
                + "(available: \(available))."
        case .unknownLogDir(let broker, let logDir):
            "java.lang.IllegalArgumentException: Broker \(broker) has no log directory \(logDir)."
        case .noLogDirLeft(let broker, let logDir):
            "com.linkedin.kafka.cruisecontrol.exception.OptimizationFailureException: "
                + "[IntraBrokerDiskCapacityGoal] Could not move all replicas from disk \(logDir) on broker \(broker)"
        }
    }
}

/// Cruise Control's goals, simplified to two: every eligible broker holds an even share of
/// replicas and of leaders (within one), and for disk requests every log directory of a broker
/// an even share of its replicas. Moves are chosen greedily in a fixed order, so the same
/// cluster always gets the same proposal.
public struct ReplicaPlanner: Sendable {
    /// Topics matching this regular expression (whole name) keep their replicas where they are.
    public let excludedTopicsPattern: String?

    public init() { excludedTopicsPattern = nil }

    /// Fails when the pattern is not a regular expression.
    public init(excludedTopicsPattern: String?) throws {
        if let pattern = excludedTopicsPattern, !pattern.isEmpty { _ = try Regex(pattern) }
        self.excludedTopicsPattern = excludedTopicsPattern
    }

    private func isExcluded(_ topic: String) -> Bool {
        guard let pattern = excludedTopicsPattern, !pattern.isEmpty, let regex = try? Regex(pattern) else {
            return false
        }
        return (try? regex.wholeMatch(in: topic)) != nil
    }

    public func plan(_ request: OptimizationRequest, for cluster: SimulatedCluster) throws(PlanningError)
        -> [ReplicaMove]
    {
        switch request {
        case .rebalance(let destinations):
            try checkAlive(destinations ?? [], in: cluster)
            return try interBroker(cluster, removing: [], destinations: destinations, onlyTo: nil)
        case .addBrokers(let ids):
            try checkAlive(ids, in: cluster)
            return try interBroker(cluster, removing: [], destinations: nil, onlyTo: ids)
        case .removeBrokers(let ids, let destinations):
            let unknown = ids.union(destinations ?? []).filter { cluster.brokers[$0] == nil }
            guard unknown.isEmpty else { throw .unknownBrokers(unknown.sorted()) }
            try checkAlive(destinations ?? [], in: cluster)
            return try interBroker(cluster, removing: ids, destinations: destinations, onlyTo: nil)
        case .rebalanceDisks:
            return intraBroker(cluster, removing: [:])
        case .removeDisks(let dirs):
            try checkAlive(Set(dirs.keys), in: cluster)
            for (broker, removed) in dirs {
                let logDirs = cluster.brokers[broker]!.logDirs
                if let unknown = removed.sorted().first(where: { !logDirs.contains($0) }) {
                    throw .unknownLogDir(broker: broker, logDir: unknown)
                }
                if removed.isSuperset(of: logDirs) {
                    throw .noLogDirLeft(broker: broker, logDir: removed.sorted()[0])
                }
            }
            return intraBroker(cluster, removing: dirs)
        }
    }

    private func checkAlive(_ ids: Set<Int32>, in cluster: SimulatedCluster) throws(PlanningError) {
        let unknown = ids.filter { cluster.brokers[$0]?.isAlive != true }
        guard unknown.isEmpty else { throw .unknownBrokers(unknown.sorted()) }
    }

    private func interBroker(
        _ cluster: SimulatedCluster, removing: Set<Int32>, destinations: Set<Int32>?, onlyTo: Set<Int32>?
    ) throws(PlanningError) -> [ReplicaMove] {
        let eligible = Set(cluster.aliveBrokerIDs).subtracting(removing)
        let targets = (onlyTo ?? destinations ?? eligible).intersection(eligible)
        guard !targets.isEmpty else { throw .allBrokersExcluded }
        let keys = cluster.sortedPartitions.filter {
            cluster.partitions[$0]!.reassignment == nil && !isExcluded($0.topic)
        }
        var assignment = cluster.partitions.mapValues(\.replicas)
        var counts: [Int32: Int] = [:]
        for broker in eligible { counts[broker] = cluster.replicaCount(of: broker) }
        func leastLoaded(_ candidates: Set<Int32>) -> Int32? {
            candidates.min { (counts[$0] ?? 0, $0) < (counts[$1] ?? 0, $1) }
        }

        // Every replica on a broker being removed goes to the least loaded target without one.
        for key in keys where !Set(assignment[key]!).isDisjoint(with: removing) {
            var replicas = assignment[key]!
            for (index, replica) in replicas.enumerated() where removing.contains(replica) {
                guard let destination = leastLoaded(targets.subtracting(replicas)) else {
                    throw .insufficientBrokers(key, needed: replicas.count, available: targets.count)
                }
                replicas[index] = destination
                counts[destination, default: 0] += 1
            }
            assignment[key] = replicas
        }

        // Then replicas flow from the most to the least loaded until counts differ by one at most.
        for _ in 0..<(cluster.partitions.count * 4) {
            guard let source = eligible.max(by: { (counts[$0]!, -$0) < (counts[$1]!, -$1) }),
                let destination = leastLoaded(targets), counts[source]! - counts[destination]! > 1,
                let key = keys.first(where: {
                    assignment[$0]!.contains(source) && !assignment[$0]!.contains(destination)
                })
            else { break }
            assignment[key] = assignment[key]!.map { $0 == source ? destination : $0 }
            counts[source]! -= 1
            counts[destination]! += 1
        }

        balanceLeaders(&assignment, keys: keys, eligible: eligible)
        return keys.compactMap { key in
            let partition = cluster.partitions[key]!
            let newReplicas = assignment[key]!
            guard newReplicas != partition.replicas || newReplicas.first != partition.leader else {
                return nil
            }
            guard partition.leader != nil || newReplicas != partition.replicas else { return nil }
            return ReplicaMove(
                partition: key, oldLeader: partition.leader ?? -1, oldReplicas: partition.replicas,
                newReplicas: newReplicas, sizeBytes: partition.sizeBytes)
        }
    }

    /// Reorders replica lists so the first replicas (the leaders to be) are spread evenly.
    private func balanceLeaders(
        _ assignment: inout [TopicPartition: [Int32]], keys: [TopicPartition], eligible: Set<Int32>
    ) {
        var leaders: [Int32: Int] = [:]
        for broker in eligible { leaders[broker] = 0 }
        for replicas in assignment.values {
            if let first = replicas.first { leaders[first, default: 0] += 1 }
        }
        for _ in 0..<4 {
            var changed = false
            for key in keys {
                var replicas = assignment[key]!
                let first = replicas[0]
                guard
                    let best = replicas.filter(eligible.contains).min(by: {
                        (leaders[$0]!, $0) < (leaders[$1]!, $1)
                    }),
                    (leaders[first] ?? 0) - leaders[best]! > 1 || !eligible.contains(first)
                else { continue }
                replicas.removeAll { $0 == best }
                replicas.insert(best, at: 0)
                assignment[key] = replicas
                leaders[first, default: 0] -= 1
                leaders[best]! += 1
                changed = true
            }
            if !changed { break }
        }
    }

    private func intraBroker(_ cluster: SimulatedCluster, removing: [Int32: Set<String>]) -> [ReplicaMove] {
        var changes: [TopicPartition: [Int32: String]] = [:]
        let keys = cluster.sortedPartitions.filter {
            cluster.partitions[$0]!.logDirMoves.isEmpty && !isExcluded($0.topic)
        }
        for broker in cluster.aliveBrokerIDs {
            let dirs = cluster.brokers[broker]!.logDirs.filter { !(removing[broker]?.contains($0) ?? false) }
            guard removing[broker] != nil || dirs.count > 1 else { continue }
            var placement: [TopicPartition: String] = [:]
            var counts = Dictionary(uniqueKeysWithValues: dirs.map { ($0, 0) })
            for key in keys {
                if let dir = cluster.partitions[key]!.logDirs[broker] {
                    placement[key] = dir
                    if counts[dir] != nil { counts[dir]! += 1 }
                }
            }
            func emptiest() -> String { dirs.min { (counts[$0]!, $0) < (counts[$1]!, $1) }! }
            for key in keys where placement[key].map({ removing[broker]?.contains($0) ?? false }) ?? false {
                let destination = emptiest()
                placement[key] = destination
                counts[destination]! += 1
                changes[key, default: [:]][broker] = destination
            }
            for _ in 0..<keys.count {
                guard let fullest = dirs.max(by: { (counts[$0]!, $1) < (counts[$1]!, $0) }),
                    counts[fullest]! - counts[emptiest()]! > 1,
                    let key = keys.first(where: { placement[$0] == fullest })
                else { break }
                let destination = emptiest()
                placement[key] = destination
                counts[fullest]! -= 1
                counts[destination]! += 1
                changes[key, default: [:]][broker] = destination
            }
        }
        return changes.keys.sorted().map { key in
            let partition = cluster.partitions[key]!
            return ReplicaMove(
                partition: key, oldLeader: partition.leader ?? -1, oldReplicas: partition.replicas,
                newReplicas: partition.replicas, logDirChanges: changes[key]!, sizeBytes: partition.sizeBytes)
        }
    }
}
