import HTTPServer
import JSON
import LocalKafka
import Testing

@Suite struct CruiseControlSimulatorTests {
    static func status(of id: String, _ harness: CruiseControlHarness) async throws -> String? {
        let tasks = try await harness.call(.get, "user_tasks", [("json", "true"), ("user_task_ids", id)])
        return tasks.json["userTasks"]?.arrayValue.first?["Status"]?.stringValue
    }

    @Test func aDryRunIsTheDefaultAndMovesNothing() async throws {
        let harness = try CruiseControlHarness()
        let before = await harness.simulation.snapshot()
        let answer = try await harness.call(.post, "add_broker", [("brokerid", "3"), ("json", "true")])
        #expect(answer.status == 200)
        #expect(answer.json["summary"]?["numReplicaMovements"]?.intValue ?? 0 > 0)
        let id = try #require(answer.headers["User-Task-ID"])
        #expect(try await Self.status(of: id, harness) == "Completed")
        harness.manualClock.advance(milliseconds: 600_000)
        #expect(await harness.simulation.snapshot().partitions == before.partitions)
    }

    @Test func anExecutionIsInExecutionUntilTheReplicasHaveMoved() async throws {
        let harness = try CruiseControlHarness()
        let answer = try await harness.call(
            .post, "add_broker", [("brokerid", "3"), ("dryrun", "false"), ("json", "true")])
        #expect(answer.status == 200)
        let id = try #require(answer.headers["User-Task-ID"])
        #expect(try await Self.status(of: id, harness) == "InExecution")
        let state = try await harness.call(.get, "state", [("substates", "executor"), ("json", "true")])
        #expect(
            state.json["ExecutorState"]?["state"]?.stringValue
                == "INTER_BROKER_REPLICA_MOVEMENT_TASK_IN_PROGRESS")
        #expect(state.json["ExecutorState"]?["triggeredUserTaskId"]?.stringValue == id)
        harness.manualClock.advance(milliseconds: 600_000)
        #expect(try await Self.status(of: id, harness) == "Completed")
        let cluster = await harness.simulation.snapshot()
        #expect(cluster.replicaCount(of: 3) >= 9)
        #expect(cluster.underReplicatedPartitions.isEmpty)
    }

    @Test func kafkaClusterStateCountsEachBrokersReplicasLeadersAndOutOfSyncReplicas() async throws {
        let harness = try CruiseControlHarness()
        // Broker 1 stops (its leaderships move) and comes back, catching up: out of sync.
        try await harness.simulation.update { (cluster) throws(SimulatedClusterError) in
            try cluster.stopBroker(1)
            try cluster.startBroker(1)
        }
        let cluster = await harness.simulation.snapshot()
        let answer = try await harness.call(.get, "kafka_cluster_state", [("json", "true")])
        #expect(answer.status == 200)
        let state = try #require(answer.json["KafkaBrokerState"])
        var outOfSyncOnBroker1 = 0
        for id in cluster.aliveBrokerIDs {
            let held = cluster.partitions.values.filter { $0.replicas.contains(id) }
            let outOfSync = held.filter { !$0.isr.contains(id) }.count
            if id == 1 { outOfSyncOnBroker1 = outOfSync }
            #expect(state["ReplicaCountByBrokerId"]?["\(id)"]?.intValue == held.count)
            #expect(
                state["LeaderCountByBrokerId"]?["\(id)"]?.intValue == held.filter { $0.leader == id }.count)
            #expect(state["OutOfSyncCountByBrokerId"]?["\(id)"]?.intValue == outOfSync)
        }
        #expect(outOfSyncOnBroker1 > 0)
        #expect(state["ReplicaCountByBrokerId"]?["3"]?.intValue == 0)
        #expect(
            state["Summary"]?["MaxReplicasPerBroker"]?.intValue
                == cluster.brokerIDs.map(cluster.replicaCount).max())
        #expect(
            state["Summary"]?["MaxLeadersPerBroker"]?.intValue
                == cluster.brokerIDs.map(cluster.leaderCount).max())
        #expect(
            answer.json["KafkaPartitionState"]?["urp"]?.arrayValue.count
                == cluster.underReplicatedPartitions.count)
    }

    @Test func loadAddsUpThePartitionsEachBrokerHoldsPerBrokerAndLogDir() async throws {
        let harness = try CruiseControlHarness()
        try await harness.simulation.update { (cluster) throws(SimulatedClusterError) in
            try cluster.moveReplica(TopicPartition("orders", 2), broker: 2, toLogDir: "/kafka-logs-2/kafka")
        }
        harness.manualClock.advance(milliseconds: 600_000)
        let cluster = await harness.simulation.snapshot()
        let answer = try await harness.call(.get, "load", [("json", "true"), ("populate_disk_info", "true")])
        #expect(answer.status == 200)
        let brokers = try #require(answer.json["brokers"]?.arrayValue)
        #expect(brokers.compactMap { $0["Broker"]?.intValue } == cluster.brokerIDs.map(Int.init))
        func near(_ value: JSONValue?, _ expected: Double) -> Bool {
            guard case .number(let text) = value, let number = Double(text) else { return false }
            return abs(number - expected) <= 0.0005  // answers carry three decimals
        }
        for stats in brokers {
            let id = Int32(try #require(stats["Broker"]?.intValue))
            let held = cluster.partitions.values.filter { $0.replicas.contains(id) }
            let led = held.filter { $0.leader == id }
            let megabytes = { (partitions: [SimulatedPartition]) in
                partitions.reduce(0.0) { $0 + Double($1.sizeBytes) / 1_048_576 }
            }
            #expect(stats["Replicas"]?.intValue == held.count)
            #expect(stats["Leaders"]?.intValue == led.count)
            #expect(near(stats["DiskMB"], megabytes(held)))
            #expect(near(stats["LeaderNwInRate"], led.reduce(0.0) { $0 + $1.bytesInPerSecond / 1024 }))
            #expect(near(stats["NwOutRate"], led.reduce(0.0) { $0 + $1.bytesOutPerSecond / 1024 }))
            #expect(near(stats["PnwOutRate"], held.reduce(0.0) { $0 + $1.bytesOutPerSecond / 1024 }))
            #expect(
                near(
                    stats["FollowerNwInRate"],
                    held.filter { $0.leader != id }.reduce(0.0) { $0 + $1.bytesInPerSecond / 1024 }))
            for dir in cluster.brokers[id]!.logDirs {
                let inDir = held.filter { $0.logDirs[id] == dir }
                let disk = stats["DiskState"]?[dir]
                #expect(disk?["NumReplicas"]?.intValue == inDir.count)
                #expect(disk?["NumLeaderReplicas"]?.intValue == inDir.filter { $0.leader == id }.count)
                #expect(near(disk?["DiskMB"], megabytes(inDir)))
            }
        }
        #expect(brokers.first { $0["Broker"]?.intValue == 3 }?["Replicas"]?.intValue == 0)
        let second = brokers.first { $0["Broker"]?.intValue == 2 }?["DiskState"]?["/kafka-logs-2/kafka"]
        #expect(second?["NumReplicas"]?.intValue == 1)
    }

    @Test func aProposalTakingTimeAnswers202WithProgressUntilRepeatedWithItsTaskID() async throws {
        let harness = try CruiseControlHarness(configuration: .init(proposalComputationMilliseconds: 1_000))
        let query = [("json", "true"), ("rebalance_disk", "true")]
        let first = try await harness.call(.post, "rebalance", query)
        #expect(first.status == 202)
        #expect(first.json["progress"]?.arrayValue.first?["operation"]?.stringValue == "Rebalance")
        let id = try #require(first.headers["User-Task-ID"])
        #expect(try await Self.status(of: id, harness) == "Active")
        harness.manualClock.advance(milliseconds: 1_000)
        let again = try await harness.call(.post, "rebalance", query, headers: ["User-Task-ID": id])
        #expect(again.status == 200)
        #expect(again.headers["User-Task-ID"] == id)
        #expect(again.json["summary"]?["numIntraBrokerReplicaMovements"]?.intValue ?? 0 > 0)
    }

    /// Cruise Control executes a proposal once it is computed, on its own: a client that asks
    /// rarely sees the same execution, ending at the same instant, as one that asks often.
    @Test func anExecutionStartsWhenItsProposalIsComputedHoweverRarelyTheClientAsks() async throws {
        func run(pollEveryMilliseconds step: Int64?) async throws -> (started: Int64, finished: Int64) {
            let harness = try CruiseControlHarness(
                configuration: .init(proposalComputationMilliseconds: 1_000))
            let first = try await harness.call(
                .post, "add_broker", [("brokerid", "3"), ("dryrun", "false"), ("json", "true")])
            #expect(first.status == 202)
            let id = try #require(first.headers["User-Task-ID"])
            let started = harness.manualClock.nowMilliseconds()
            if let step {
                for _ in 0..<10_000 where try await Self.status(of: id, harness) != "Completed" {
                    harness.manualClock.advance(milliseconds: step)
                }
            } else {
                harness.manualClock.advance(milliseconds: 600_000)
            }
            #expect(try await Self.status(of: id, harness) == "Completed")
            let finished = try #require(await harness.simulation.finishedExecution(id))
            return (started, finished.finishedAt)
        }
        let often = try await run(pollEveryMilliseconds: 100)
        let once = try await run(pollEveryMilliseconds: nil)
        #expect(often.finished - often.started > 1_000)
        #expect(once.finished - once.started == often.finished - often.started)
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var method: HTTPMethod
        var endpoint: String
        var query: [(String, String)]
        var status: Int
        var message: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        Refusal(
            name: "an unknown parameter", method: .post, endpoint: "rebalance",
            query: [("dryrun", "true"), ("colour", "red")],
            status: 400, message: "Unrecognized endpoint parameters in REBALANCE POST request: [colour]."),
        Refusal(
            name: "an unknown broker", method: .post, endpoint: "add_broker", query: [("brokerid", "7")],
            status: 500,
            message:
                "Error processing POST request '/add_broker' due to: 'java.lang.IllegalArgumentException: Broker [7] does not exist.'."
        ),
        Refusal(
            name: "every broker removed", method: .post, endpoint: "remove_broker",
            query: [("brokerid", "0,1,2,3")],
            status: 500,
            message:
                "Error processing POST request '/remove_broker' due to: 'com.linkedin.kafka.cruisecontrol.exception."
                + "OptimizationFailureException: [ReplicaCapacityGoal] All alive brokers are excluded from replica moves.'."
        ),
        Refusal(
            name: "no broker named", method: .post, endpoint: "remove_broker", query: [], status: 400,
            message: "Bad POST request '/remove_broker' due to 'Missing required parameter brokerid'."),
        Refusal(
            name: "a broker id that is not a number", method: .post, endpoint: "add_broker",
            query: [("brokerid", "x")],
            status: 400, message: "Bad POST request '/add_broker' due to 'brokerid: x is not a broker id'."),
    ])
    func refusals(_ row: Refusal) async throws {
        let harness = try CruiseControlHarness()
        let before = await harness.simulation.snapshot()
        let answer = try await harness.call(row.method, row.endpoint, row.query + [("json", "true")])
        #expect(answer.status == row.status)
        #expect(answer.errorMessage == row.message)
        #expect(answer.json["stackTrace"] != nil && answer.json["version"]?.intValue == 1)
        #expect(await harness.simulation.isExecuting() == false)
        #expect(await harness.simulation.snapshot().partitions == before.partitions)
    }

    @Test func aSecondExecutionWhileOneRunsIsRefused() async throws {
        let harness = try CruiseControlHarness()
        _ = try await harness.call(
            .post, "add_broker", [("brokerid", "3"), ("dryrun", "false"), ("json", "true")])
        let second = try await harness.call(.post, "rebalance", [("dryrun", "false"), ("json", "true")])
        #expect(second.status == 500)
        #expect(
            second.errorMessage?.contains("Cannot start a new execution while there is an ongoing execution.")
                == true)
        let id = try #require(second.headers["User-Task-ID"])
        #expect(try await Self.status(of: id, harness) == "CompletedWithError")
        let dryRun = try await harness.call(.post, "rebalance", [("json", "true")])
        #expect(dryRun.status == 200, "a dry run is allowed during an execution")
    }

    @Test func stoppingAnExecutionEndsItsTaskWithError() async throws {
        let harness = try CruiseControlHarness()
        let started = try await harness.call(
            .post, "add_broker", [("brokerid", "3"), ("dryrun", "false"), ("json", "true")])
        let id = try #require(started.headers["User-Task-ID"])
        let stop = try await harness.call(.post, "stop_proposal_execution", [("json", "true")])
        #expect(stop.json["message"]?.stringValue == "Proposal execution stopped.")
        harness.manualClock.advance(milliseconds: 600_000)
        #expect(try await Self.status(of: id, harness) == "CompletedWithError")
        #expect(await harness.simulation.snapshot().reassigningPartitions.isEmpty)
    }

    @Test func faults() async throws {
        let harness = try CruiseControlHarness()
        harness.simulator.faults.failNextRequests(1)
        #expect(try await harness.call(.get, "state", [("json", "true")]).status == 503)
        #expect(try await harness.call(.get, "state", [("json", "true")]).status == 200)

        harness.simulator.faults.failNextExecution(afterMoves: 1)
        let failing = try await harness.call(
            .post, "add_broker", [("brokerid", "3"), ("dryrun", "false"), ("json", "true")])
        let failingID = try #require(failing.headers["User-Task-ID"])
        harness.manualClock.advance(milliseconds: 600_000)
        #expect(try await Self.status(of: failingID, harness) == "CompletedWithError")

        harness.simulator.faults.slowExecution(bytesPerSecond: 1_048_576)
        let slow = try await harness.call(.post, "rebalance", [("dryrun", "false"), ("json", "true")])
        let slowID = try #require(slow.headers["User-Task-ID"])
        harness.manualClock.advance(milliseconds: 60_000)
        #expect(
            try await Self.status(of: slowID, harness) == "InExecution", "256 MiB at 1 MiB/s takes minutes")

        await harness.simulator.restart()
        #expect(
            try await harness.call(.get, "user_tasks", [("json", "true")]).json["userTasks"]?.arrayValue
                .isEmpty == true)
        let forgotten = try await harness.call(
            .post, "rebalance", [("dryrun", "false"), ("json", "true")], headers: ["User-Task-ID": slowID])
        #expect(forgotten.status == 500)
        #expect(forgotten.errorMessage?.contains("Unexpected header \(slowID) (value: User-Task-ID)") == true)
        #expect(await harness.simulation.isExecuting() == false)
    }

    @Test func theAcceptedParametersAreTheSpecsOwn() throws {
        let names = try OpenAPISpec.parameterNames()
        for endpoint in CruiseControlEndpoint.allCases {
            #expect(names[endpoint.rawValue] == endpoint.parameters, "\(endpoint.rawValue)")
        }
    }
}
