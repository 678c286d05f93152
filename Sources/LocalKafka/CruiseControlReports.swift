import JSON

/// Cruise Control's JSON responses, computed from the simulated cluster. Loads use the
/// cluster's synthetic rates: bytes per second become KB/s as Cruise Control reports them,
/// disk use is the partitions' sizes in MB, and CPU follows bytes in.
struct CruiseControlReports: Sendable {
    /// Per-broker capacities, as Cruise Control's capacity file would give them.
    var diskCapacityMBPerLogDir: Double = 10_240
    var networkCapacityKBps: Double = 125_000
    var numCores: Double = 1

    // MARK: - kafka_cluster_state

    func kafkaClusterState(_ cluster: SimulatedCluster, topicPattern: String?, verbose: Bool) -> JSONValue {
        let alive = cluster.aliveBrokerIDs
        func byBroker(_ value: (Int32) -> JSONValue) -> JSONValue {
            .object(alive.map { (String($0), value($0)) })
        }
        let partitions = cluster.partitions
        // Every broker's counts in one pass over the partitions, not one pass per broker.
        var replicasOf: [Int32: Int] = [:]
        var leadersOf: [Int32: Int] = [:]
        var outOfSyncOf: [Int32: Int] = [:]
        for partition in partitions.values {
            for replica in partition.replicas {
                replicasOf[replica, default: 0] += 1
                if !partition.isr.contains(replica) { outOfSyncOf[replica, default: 0] += 1 }
            }
            if let leader = partition.leader { leadersOf[leader, default: 0] += 1 }
        }
        let replicaCounts = alive.map { replicasOf[$0] ?? 0 }
        let leaderCounts = alive.map { leadersOf[$0] ?? 0 }
        let replicaTotal = partitions.values.reduce(0) { $0 + $1.replicas.count }
        let leaderTotal = partitions.values.filter { !$0.isOffline }.count
        let brokerState: JSONValue = .object([
            ("LeaderCountByBrokerId", byBroker { .int(leadersOf[$0] ?? 0) }),
            ("OutOfSyncCountByBrokerId", byBroker { .int(outOfSyncOf[$0] ?? 0) }),
            ("ReplicaCountByBrokerId", byBroker { .int(replicasOf[$0] ?? 0) }),
            ("OfflineReplicaCountByBrokerId", byBroker { _ in .int(0) }),
            ("IsController", byBroker { .bool($0 == alive.first) }),
            ("OnlineLogDirsByBrokerId", byBroker { .strings(cluster.brokers[$0]!.logDirs) }),
            ("OfflineLogDirsByBrokerId", byBroker { _ in .array([]) }),
            ("BrokerSetByBrokerId", byBroker { _ in .string("") }),
            (
                "Summary",
                .object([
                    ("Brokers", .int(alive.count)),
                    ("Topics", .int(cluster.topics.count)),
                    ("Replicas", .int(replicaTotal)),
                    ("Leaders", .int(leaderTotal)),
                    (
                        "AvgReplicationFactor",
                        .double(partitions.isEmpty ? 0 : Double(replicaTotal) / Double(partitions.count))
                    ),
                    ("AvgReplicasPerBroker", .double(Self.mean(replicaCounts))),
                    ("AvgLeadersPerBroker", .double(Self.mean(leaderCounts))),
                    ("MaxReplicasPerBroker", .int(replicaCounts.max() ?? 0)),
                    ("MaxLeadersPerBroker", .int(leaderCounts.max() ?? 0)),
                    ("StdReplicasPerBroker", .int(Int(Self.deviation(replicaCounts).rounded()))),
                    ("StdLeadersPerBroker", .int(Int(Self.deviation(leaderCounts).rounded()))),
                ])
            ),
        ])
        let regex = topicPattern.flatMap { try? Regex($0) }
        var offline: [JSONValue] = []
        var withOfflineReplicas: [JSONValue] = []
        var urp: [JSONValue] = []
        var underMinISR: [JSONValue] = []
        var other: [JSONValue] = []
        for key in cluster.sortedPartitions {
            if let regex, (try? regex.wholeMatch(in: key.topic)) == nil { continue }
            let partition = partitions[key]!
            let dead = partition.replicas.filter { cluster.brokers[$0]?.isAlive != true }
            // Built only for a partition that is listed: healthy ones are, only when verbose.
            func state() -> JSONValue {
                .object([
                    ("topic", .string(key.topic)),
                    ("partition", .int(key.partition)),
                    ("leader", .int(partition.leader ?? -1)),
                    ("replicas", .ints(partition.replicas)),
                    ("in-sync", .ints(partition.isr)),
                    ("out-of-sync", .ints(partition.outOfSync)),
                    ("offline", .ints(dead)),
                    ("min-isr", .int(partition.minInSyncReplicas)),
                ])
            }
            if partition.isOffline {
                offline.append(state())
            } else if !dead.isEmpty {
                withOfflineReplicas.append(state())
            } else if partition.isUnderMinISR {
                underMinISR.append(state())
            } else if partition.isUnderReplicated {
                urp.append(state())
            } else if verbose {
                other.append(state())
            }
        }
        var partitionState: [(key: String, value: JSONValue)] = [
            ("offline", .array(offline)), ("with-offline-replicas", .array(withOfflineReplicas)),
            ("urp", .array(urp)), ("under-min-isr", .array(underMinISR)),
        ]
        if verbose { partitionState.append(("other", .array(other))) }
        return .object([
            ("KafkaPartitionState", .object(partitionState)), ("KafkaBrokerState", brokerState),
            ("version", .int(1)),
        ])
    }

    // MARK: - load

    func brokerStats(_ cluster: SimulatedCluster, populateDiskInfo: Bool, newBrokers: Set<Int32> = [])
        -> JSONValue
    {
        var brokers: [JSONValue] = []
        var hosts: [JSONValue] = []
        let loads = BrokerLoad.all(cluster)
        for id in cluster.brokerIDs {
            let broker = cluster.brokers[id]!
            let load = loads[id] ?? BrokerLoad()
            let capacity = diskCapacityMBPerLogDir * Double(broker.logDirs.count)
            let state = !broker.isAlive ? "DEAD" : newBrokers.contains(id) ? "NEW" : "ALIVE"
            var common: [(key: String, value: JSONValue)] = [
                ("Host", .string(broker.host)),
                ("Rack", .string(broker.rack ?? broker.host)),
                ("DiskMB", .double(load.diskMB)),
                ("DiskPct", .double(capacity > 0 ? load.diskMB / capacity * 100 : 0)),
                (
                    "CpuPct",
                    .double(min(100, (load.leaderInKBps + load.followerInKBps) / networkCapacityKBps * 100))
                ),
                ("LeaderNwInRate", .double(load.leaderInKBps)),
                ("FollowerNwInRate", .double(load.followerInKBps)),
                ("NwOutRate", .double(load.outKBps)),
                ("PnwOutRate", .double(load.potentialOutKBps)),
                ("Replicas", .int(load.replicas)),
                ("Leaders", .int(load.leaders)),
                ("DiskCapacityMB", .double(capacity)),
                ("NetworkInCapacity", .double(networkCapacityKBps)),
                ("NetworkOutCapacity", .double(networkCapacityKBps)),
                ("NumCore", .double(numCores)),
            ]
            hosts.append(.object(common))
            common.insert(("Broker", .int(id)), at: 1)
            common.insert(("BrokerState", .string(state)), at: 3)
            if populateDiskInfo {
                common.append(
                    (
                        "DiskState",
                        .object(
                            broker.logDirs.map { dir in
                                let disk = load.byLogDir[dir] ?? (0, 0, 0)
                                return (
                                    dir,
                                    .object([
                                        ("DiskMB", .double(disk.mb)),
                                        ("DiskPct", .double(disk.mb / diskCapacityMBPerLogDir * 100)),
                                        ("NumLeaderReplicas", .int(disk.leaders)),
                                        ("NumReplicas", .int(disk.replicas)),
                                    ])
                                )
                            })
                    ))
            }
            brokers.append(.object(common))
        }
        return .object([("hosts", .array(hosts)), ("brokers", .array(brokers)), ("version", .int(1))])
    }

    /// One broker's share of the synthetic load.
    struct BrokerLoad {
        var diskMB = 0.0
        var leaderInKBps = 0.0
        var followerInKBps = 0.0
        var outKBps = 0.0
        var potentialOutKBps = 0.0
        var replicas = 0
        var leaders = 0
        var byLogDir: [String: (mb: Double, leaders: Int, replicas: Int)] = [:]

        /// Every broker's load, in one pass over the partitions (not one pass per broker); a
        /// broker that holds no replica has none.
        static func all(_ cluster: SimulatedCluster) -> [Int32: BrokerLoad] {
            var loads: [Int32: BrokerLoad] = [:]
            for partition in cluster.partitions.values {
                for broker in partition.replicas {
                    loads[broker, default: BrokerLoad()].add(partition, on: broker)
                }
            }
            return loads
        }

        private mutating func add(_ partition: SimulatedPartition, on broker: Int32) {
            let mb = Double(partition.sizeBytes) / 1_048_576
            let isLeader = partition.leader == broker
            diskMB += mb
            replicas += 1
            potentialOutKBps += partition.bytesOutPerSecond / 1024
            if isLeader {
                leaders += 1
                leaderInKBps += partition.bytesInPerSecond / 1024
                outKBps += partition.bytesOutPerSecond / 1024
            } else {
                followerInKBps += partition.bytesInPerSecond / 1024
            }
            if let dir = partition.logDirs[broker] {
                var disk = byLogDir[dir] ?? (0, 0, 0)
                disk.mb += mb
                disk.replicas += 1
                disk.leaders += isLeader ? 1 : 0
                byLogDir[dir] = disk
            }
        }
    }

    // MARK: - partition_load

    struct PartitionLoadQuery {
        var resource = "disk"
        var topicPattern: String?
        var partitions: ClosedRange<Int32>?
        var brokers: Set<Int32>?
        var entries = Int.max
    }

    func partitionLoad(_ cluster: SimulatedCluster, _ query: PartitionLoadQuery) -> JSONValue {
        let regex = query.topicPattern.flatMap { try? Regex($0) }
        var records: [(sortKey: Double, value: JSONValue)] = []
        for key in cluster.sortedPartitions {
            let partition = cluster.partitions[key]!
            if let regex, (try? regex.wholeMatch(in: key.topic)) == nil { continue }
            if let range = query.partitions, !range.contains(key.partition) { continue }
            if let brokers = query.brokers, brokers.isDisjoint(with: partition.replicas) { continue }
            let inbound = partition.bytesInPerSecond / 1024
            let outbound = partition.bytesOutPerSecond / 1024
            let disk = Double(partition.sizeBytes) / 1_048_576
            let cpu = inbound / networkCapacityKBps * 100
            let sortKey =
                switch query.resource {
                case "cpu": cpu
                case "networkInbound": inbound
                case "networkOutbound": outbound
                default: disk
                }
            // The spec types these as integers; whole numbers keep the response within it.
            let value: JSONValue = .object([
                ("topic", .string(key.topic)),
                ("partition", .int(key.partition)),
                ("leader", .int(partition.leader ?? -1)),
                ("followers", .ints(partition.replicas.filter { $0 != partition.leader })),
                ("cpu", .int(Int(cpu.rounded()))),
                ("networkInbound", .int(Int(inbound.rounded()))),
                ("networkOutbound", .int(Int(outbound.rounded()))),
                ("disk", .int(Int(disk.rounded()))),
                ("msg_in", .int(Int((partition.bytesInPerSecond / 1024).rounded()))),
            ])
            records.append((sortKey, value))
        }
        let sorted = records.enumerated().sorted {
            ($0.element.sortKey, -$0.offset) > ($1.element.sortKey, -$1.offset)
        }
        return .object([
            ("version", .int(1)), ("records", .array(sorted.prefix(query.entries).map(\.element.value))),
        ])
    }

    // MARK: - proposals

    func optimizationResult(
        _ cluster: SimulatedCluster, moves: [ReplicaMove], goals: [String], excludedTopics: [String],
        newBrokers: Set<Int32>, verbose: Bool
    ) -> JSONValue {
        let after = cluster.projected(after: moves)
        let interBroker = moves.filter(\.isInterBroker)
        let intraBroker = moves.filter(\.isIntraBroker)
        let moved = interBroker.reduce(0) { total, move in
            total + Set(move.newReplicas).subtracting(move.oldReplicas).count
        }
        let dataMB =
            interBroker.reduce(Int64(0)) { total, move in
                total + Int64(Set(move.newReplicas).subtracting(move.oldReplicas).count) * move.sizeBytes
            } >> 20
        let intraMB = intraBroker.reduce(Int64(0)) { $0 + Int64($1.logDirChanges.count) * $1.sizeBytes } >> 20
        let summary: JSONValue = .object([
            ("numReplicaMovements", .int(moved)),
            ("dataToMoveMB", .int(dataMB)),
            ("numIntraBrokerReplicaMovements", .int(intraBroker.reduce(0) { $0 + $1.logDirChanges.count })),
            ("intraBrokerDataToMoveMB", .int(intraMB)),
            (
                "numLeaderMovements",
                .int(moves.filter { !$0.isInterBroker && !$0.isIntraBroker && $0.isLeaderMove }.count)
            ),
            ("recentWindows", .int(1)),
            ("monitoredPartitionsPercentage", .double(100)),
            ("excludedTopics", .strings(excludedTopics)),
            ("excludedBrokersForReplicaMove", .array([])),
            ("excludedBrokersForLeadership", .array([])),
            ("onDemandBalancednessScoreBefore", .double(balancedness(cluster))),
            ("onDemandBalancednessScoreAfter", .double(balancedness(after))),
            ("provisionStatus", .string("RIGHT_SIZED")),
            ("provisionRecommendation", .string("")),
        ])
        let goalSummary: [JSONValue] = goals.map { goal in
            .object([
                ("goal", .string(goal)),
                ("status", .string(moves.isEmpty ? "NO-ACTION" : "FIXED")),
                ("clusterModelStats", clusterModelStats(after)),
                ("optimizationTimeMs", .int(1)),
            ])
        }
        var members: [(key: String, value: JSONValue)] = [
            ("summary", summary), ("goalSummary", .array(goalSummary)),
            ("loadAfterOptimization", brokerStats(after, populateDiskInfo: false, newBrokers: newBrokers)),
        ]
        if verbose {
            members.append(("proposals", .array(moves.map(Self.proposal))))
            members.append(
                (
                    "loadBeforeOptimization",
                    brokerStats(cluster, populateDiskInfo: false, newBrokers: newBrokers)
                ))
        }
        members.append(("version", .int(1)))
        return .object(members)
    }

    static func proposal(_ move: ReplicaMove) -> JSONValue {
        .object([
            ("topicPartition", .string(move.partition.description)),
            ("oldLeader", .int(move.oldLeader)),
            ("oldReplicas", .ints(move.oldReplicas)),
            ("newReplicas", .ints(move.newReplicas)),
        ])
    }

    /// 100 when replicas and leaders are spread within one per broker, less the further off.
    private func balancedness(_ cluster: SimulatedCluster) -> Double {
        let alive = cluster.aliveBrokerIDs
        guard !alive.isEmpty else { return 0 }
        let replicas = alive.map { cluster.replicaCount(of: $0) }
        let leaders = alive.map { cluster.leaderCount(of: $0) }
        let excess =
            max(0, replicas.max()! - replicas.min()! - 1) + max(0, leaders.max()! - leaders.min()! - 1)
        return max(0, 100 - Double(excess) * 5)
    }

    private func clusterModelStats(_ cluster: SimulatedCluster) -> JSONValue {
        let alive = cluster.aliveBrokerIDs
        let all = BrokerLoad.all(cluster)
        let loads = alive.map { all[$0] ?? BrokerLoad() }
        func holder(_ pick: ([Double]) -> Double) -> JSONValue {
            .object([
                (
                    "cpu",
                    .double(
                        pick(loads.map { ($0.leaderInKBps + $0.followerInKBps) / networkCapacityKBps * 100 }))
                ),
                ("networkInbound", .double(pick(loads.map { $0.leaderInKBps + $0.followerInKBps }))),
                ("networkOutbound", .double(pick(loads.map(\.outKBps)))),
                ("disk", .double(pick(loads.map(\.diskMB)))),
                ("potentialNwOut", .double(pick(loads.map(\.potentialOutKBps)))),
                ("replicas", .double(pick(loads.map { Double($0.replicas) }))),
                ("leaderReplicas", .double(pick(loads.map { Double($0.leaders) }))),
                (
                    "topicReplicas",
                    .double(pick(loads.map { Double($0.replicas) / Double(max(1, cluster.topics.count)) }))
                ),
            ])
        }
        return .object([
            (
                "metadata",
                .object([
                    ("brokers", .int(alive.count)),
                    ("replicas", .int(cluster.partitions.values.reduce(0) { $0 + $1.replicas.count })),
                    ("topics", .int(cluster.topics.count)),
                ])
            ),
            (
                "statistics",
                .object([
                    ("AVG", holder { Self.mean($0) }), ("MAX", holder { $0.max() ?? 0 }),
                    ("MIN", holder { $0.min() ?? 0 }), ("STD", holder { Self.deviation($0) }),
                ])
            ),
        ])
    }

    // MARK: - state

    func executorState(_ execution: ProposalExecutor?, recentlyRemoved: [Int32]) -> JSONValue {
        guard let execution else {
            return .object([
                ("state", .string("NO_TASK_IN_PROGRESS")), ("recentlyDemotedBrokers", .array([])),
                ("recentlyRemovedBrokers", .ints(recentlyRemoved)),
            ])
        }
        let tasks = { (moves: [ReplicaMove], state: String) -> JSONValue in
            .array(
                moves.enumerated().map { index, move in
                    .object([
                        ("executionId", .int(index)), ("type", .string("INTER_BROKER_REPLICA_ACTION")),
                        ("state", .string(state)), ("proposal", Self.proposal(move)),
                        ("brokerId", .int(move.newReplicas.first ?? -1)),
                    ])
                })
        }
        let all: [ReplicaMove] =
            execution.pending + execution.inProgress + execution.finished + execution.cancelled
        func interBroker(_ moves: [ReplicaMove]) -> JSONValue { .int(moves.filter(\.isInterBroker).count) }
        let leadership: Int = all.filter { !$0.isInterBroker && $0.isLeaderMove }.count
        let intra: Int = all.filter(\.isIntraBroker).count
        var members: [(key: String, value: JSONValue)] = [
            ("state", .string(execution.phase)),
            ("triggeredUserTaskId", .string(execution.taskID)),
            ("triggeredTaskReason", .string("")),
            ("recentlyDemotedBrokers", .array([])),
            ("recentlyRemovedBrokers", .ints(recentlyRemoved)),
        ]
        members.append(("numTotalPartitionMovements", interBroker(all)))
        members.append(("numPendingPartitionMovements", interBroker(execution.pending)))
        members.append(("numInProgressPartitionMovements", interBroker(execution.inProgress)))
        members.append(("numFinishedPartitionMovements", interBroker(execution.finished)))
        members.append(("numCancelledPartitionMovements", interBroker(execution.cancelled)))
        members.append(("abortingPartitions", .int(0)))
        members.append(("inProgressPartitionMovement", tasks(execution.inProgress, "IN_PROGRESS")))
        members.append(("finishedDataMovement", .int(execution.finishedBytes >> 20)))
        members.append(("totalDataToMove", .int(execution.totalBytes >> 20)))
        members.append(("numTotalLeadershipMovements", .int(leadership)))
        members.append(("numTotalIntraBrokerPartitionMovements", .int(intra)))
        members.append(("maximumConcurrentPartitionMovementsPerBroker", .int(execution.concurrency)))
        return .object(members)
    }

    func monitorState(_ cluster: SimulatedCluster) -> JSONValue {
        .object([
            ("state", .string("RUNNING")), ("trained", .bool(true)), ("trainingPct", .double(100)),
            ("numMonitoredWindows", .int(1)), ("numValidPartitions", .int(cluster.partitions.count)),
            ("numTotalPartitions", .int(cluster.partitions.count)), ("monitoringCoveragePct", .double(100)),
            ("numFlawedPartitions", .int(0)),
        ])
    }

    func analyzerState(goals: [String]) -> JSONValue {
        .object([("isProposalReady", .bool(true)), ("readyGoals", .strings(goals))])
    }

    func anomalyDetectorState() -> JSONValue {
        let types = [
            "GOAL_VIOLATION", "BROKER_FAILURE", "METRIC_ANOMALY", "DISK_FAILURE", "TOPIC_ANOMALY",
            "MAINTENANCE_EVENT",
        ]
        return .object([
            ("selfHealingEnabled", .array([])), ("selfHealingDisabled", .strings(types)),
            ("selfHealingEnabledRatio", .object(types.map { ($0, .double(0)) })),
            ("recentGoalViolations", .array([])), ("recentBrokerFailures", .array([])),
            ("recentMetricAnomalies", .array([])), ("recentDiskFailures", .array([])),
            ("recentTopicAnomalies", .array([])), ("recentMaintenanceEvents", .array([])),
            (
                "metrics",
                .object([
                    ("meanTimeBetweenAnomaliesMs", .object(types.map { ($0, .double(0)) })),
                    ("meanTimeToStartFixMs", .double(0)), ("numSelfHealingStarted", .int(0)),
                    ("numSelfHealingFailedToStart", .int(0)), ("ongoingAnomalyDurationMs", .int(0)),
                ])
            ),
            ("balancednessScore", .double(100)),
        ])
    }

    // MARK: - progress

    static func progress(operation: String, elapsedMs: Int64) -> JSONValue {
        .object([
            ("version", .int(1)),
            (
                "progress",
                .array([
                    .object([
                        ("version", .int(1)),
                        ("operation", .string(operation)),
                        (
                            "operationProgress",
                            .array([
                                .object([
                                    ("step", .string("OPTIMIZING")),
                                    ("description", .string("Optimizing the cluster model with the goals.")),
                                    ("time-in-ms", .int(elapsedMs)),
                                    ("completionPercentage", .double(0)),
                                ])
                            ])
                        ),
                    ])
                ])
            ),
        ])
    }

    static func mean(_ values: [Int]) -> Double { mean(values.map(Double.init)) }
    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
    static func deviation(_ values: [Int]) -> Double { deviation(values.map(Double.init)) }
    static func deviation(_ values: [Double]) -> Double {
        let average = mean(values)
        return values.isEmpty
            ? 0
            : (values.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(values.count))
                .squareRoot()
    }
}
