import CruiseControl
import LocalKafka
import Testing

/// The production client against the simulated Cruise Control: every call, the 202 → 200
/// protocol with `User-Task-ID`, and operations that really move replicas.
@Suite struct CruiseControlRESTClientTests {
    @Test func readsTheStateOfEachPart() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        try await cruiseControl.withClient { client in
            let state = try await client.state()
            #expect(state.executor?.phase == .noTaskInProgress)
            #expect(state.executor?.isExecuting == false)
            #expect(state.monitor?.state == "RUNNING")
            #expect(state.monitor?.numTotalPartitions == 16)
            #expect(state.analyzer?.isProposalReady == true)
            #expect(state.analyzer?.readyGoals.contains("ReplicaDistributionGoal") == true)

            let executorOnly = try await client.state(substates: [.executor])
            #expect(executorOnly.executor != nil)
            #expect(executorOnly.monitor == nil && executorOnly.analyzer == nil)
        }
    }

    @Test func readsTheKafkaClusterState() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        try await cruiseControl.withClient { client in
            let state = try await client.kafkaClusterState(verbose: false)
            #expect(state.summary.brokers == 4)
            #expect(state.summary.topics == 4)
            #expect(Set(state.brokers.keys) == [0, 1, 2, 3])
            #expect(state.brokers[3]?.replicas == 0)
            #expect(state.brokers[2]?.onlineLogDirs == ["/kafka-logs/kafka", "/kafka-logs-2/kafka"])
            #expect(state.brokers.values.filter(\.isController).count == 1)
            #expect(state.offlinePartitions.isEmpty && state.underReplicatedPartitions.isEmpty)
            #expect(state.otherPartitions.isEmpty)

            let verbose = try await client.kafkaClusterState(verbose: true)
            #expect(verbose.otherPartitions.count == 16)
            let orders = try #require(
                verbose.otherPartitions.first { $0.topic == "orders" && $0.partition == 0 })
            #expect(orders.replicas.count == 3 && orders.inSync.count == 3 && orders.minInSyncReplicas == 2)
        }
    }

    @Test func readsTheLoadWithAndWithoutDisks() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        try await cruiseControl.withClient { client in
            let load = try await client.load(populateDiskInfo: false)
            #expect(load.brokers.map(\.id).sorted() == [0, 1, 2, 3])
            #expect(load.broker(3)?.replicas == 0)
            #expect(load.broker(0)?.state == .alive)
            #expect((load.broker(0)?.diskMB ?? 0) > 0)
            #expect(load.broker(0)?.disks.isEmpty == true)

            let disks = try await client.load(populateDiskInfo: true)
            #expect(
                Set(disks.broker(2)?.disks.keys.map { $0 } ?? []) == [
                    "/kafka-logs/kafka", "/kafka-logs-2/kafka",
                ])
            let total = disks.broker(2)?.disks.values.reduce(0) { $0 + $1.replicas }
            #expect(total == disks.broker(2)?.replicas)
        }
    }

    @Test func aDryRunFollowsTheTasksAnswersToItsProposalAndMovesNothing() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        try await cruiseControl.withClient { client in
            let answer = try await client.addBroker([3], dryRun: true, waitingUpTo: .seconds(60))
            let result = try #require(answer.result)
            #expect(answer.userTaskID != nil)
            #expect(result.summary.replicaMovements > 0)
            #expect(result.goals.map(\.goal) == ["ReplicaDistributionGoal", "LeaderReplicaDistributionGoal"])
            #expect((result.loadAfterOptimization.broker(3)?.replicas ?? 0) > 0)
            #expect(result.proposals == nil)
            // The proposal took simulated time: the client waited for it between repeats.
            #expect(!cruiseControl.clock.sleeps.isEmpty)
            let state = try await client.kafkaClusterState(verbose: false)
            #expect(state.brokers[3]?.replicas == 0)
        }
    }

    @Test func submitHandsBackTheTaskIDAtOnceAndTheIDResumesTheTask() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        try await cruiseControl.withClient { client in
            let request = CruiseControlRequest.addBroker([3], dryRun: true)
            let first = try await client.submit(request, userTaskID: nil, waitingUpTo: .zero)
            guard case .inProgress(let id, let progress) = first else {
                Issue.record("expected a task in progress, got \(first)")
                return
            }
            #expect(progress.first?.operation == "Add brokers")
            #expect(progress.first?.steps.first?.step == "OPTIMIZING")
            #expect(cruiseControl.clock.sleeps.isEmpty)

            cruiseControl.clock.advance(by: .seconds(1))
            let resumed = try await client.submit(request, userTaskID: id, waitingUpTo: .zero)
            guard case .answered(let answeredID, let result) = resumed else {
                Issue.record("expected the answer, got \(resumed)")
                return
            }
            #expect(answeredID == id)
            #expect(result.summary.replicaMovements > 0)

            // One task in Cruise Control, not two: the repeat followed it.
            let tasks = try await client.userTasks(ids: [], fetchCompletedTask: false)
            #expect(tasks.filter { $0.requestURL.contains("add_broker") }.map(\.id) == [id])
        }
    }

    @Test func everyOperationIsSentWithJSONAndAnExplicitDryRun() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        try await cruiseControl.withClient { client in
            _ = try await client.addBroker([3], dryRun: true, waitingUpTo: .seconds(60))
            _ = try await client.removeBroker([1], dryRun: true, waitingUpTo: .seconds(60))
            _ = try await client.rebalance(dryRun: true, waitingUpTo: .seconds(60))
            _ = try await client.removeDisks(
                [2: ["/kafka-logs-2/kafka"]], dryRun: true, waitingUpTo: .seconds(60))
            let urls = try await client.userTasks(ids: [], fetchCompletedTask: false).map(\.requestURL)
            let operations = urls.filter { $0.hasPrefix("POST") }
            #expect(operations.count == 4)
            for url in operations {
                #expect(url.contains("json=true"), "\(url)")
                #expect(url.contains("dryrun=true"), "\(url)")
            }
        }
    }

    @Test func anExecutedAddBrokerMovesReplicasOntoTheBrokerAndCompletes() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        try await cruiseControl.withClient { client in
            let answer = try await client.addBroker([3], dryRun: false, waitingUpTo: .seconds(60))
            let id = try #require(answer.userTaskID)
            #expect(try await client.userTask(id)?.status == .inExecution)
            let executing = try await client.state(substates: [.executor])
            #expect(executing.executor?.isExecuting == true)
            #expect(executing.executor?.triggeredUserTaskID == id)

            let done = try await client.awaitCompletion(ofUserTask: id, timeout: .seconds(600))
            #expect(done.status == .completed)
            #expect(done.requestURL.contains("dryrun=false"))
            let state = try await client.kafkaClusterState(verbose: false)
            #expect((state.brokers[3]?.replicas ?? 0) >= 9)
            #expect(state.underReplicatedPartitions.isEmpty && state.offlinePartitions.isEmpty)
            #expect(try await client.state(substates: [.executor]).executor?.phase == .noTaskInProgress)
        }
    }

    @Test func anExecutedRemoveBrokerDrainsTheBroker() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        try await cruiseControl.withClient { client in
            let answer = try await client.removeBroker([0], dryRun: false, waitingUpTo: .seconds(60))
            let id = try #require(answer.userTaskID)
            _ = try await client.awaitCompletion(ofUserTask: id, timeout: .seconds(600))
            let state = try await client.kafkaClusterState(verbose: false)
            #expect(state.brokers[0]?.replicas == 0)
            #expect(try await client.state(substates: [.executor]).executor?.recentlyRemovedBrokers == [0])
        }
    }

    @Test func aDiskRebalanceSpreadsABrokersReplicasOverItsDisksAndADiskRemovalEmptiesOne() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        try await cruiseControl.withClient { client in
            let dryRun = try await client.rebalance(
                dryRun: true, rebalanceDisk: true, waitingUpTo: .seconds(60))
            #expect(dryRun.result?.goals.map(\.goal) == ["IntraBrokerDiskUsageDistributionGoal"])

            let rebalance = try await client.rebalance(
                dryRun: false, rebalanceDisk: true, waitingUpTo: .seconds(60))
            #expect((rebalance.result?.summary.intraBrokerReplicaMovements ?? 0) > 0)
            _ = try await client.awaitCompletion(
                ofUserTask: try #require(rebalance.userTaskID), timeout: .seconds(600))
            let spread = try await client.load(populateDiskInfo: true).broker(2)
            #expect((spread?.disks["/kafka-logs-2/kafka"]?.replicas ?? 0) > 0)

            let removal = try await client.removeDisks(
                [2: ["/kafka-logs-2/kafka"]], dryRun: false, waitingUpTo: .seconds(60))
            #expect((removal.result?.summary.intraBrokerReplicaMovements ?? 0) > 0)
            _ = try await client.awaitCompletion(
                ofUserTask: try #require(removal.userTaskID), timeout: .seconds(600))
            let emptied = try await client.load(populateDiskInfo: true).broker(2)
            #expect(emptied?.disks["/kafka-logs-2/kafka"]?.replicas == 0)
            #expect(emptied?.disks["/kafka-logs/kafka"]?.replicas == emptied?.replicas)
        }
    }

    @Test func proposalsAreComputedAndVerboseListsTheMoves() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        try await cruiseControl.withClient { client in
            let result = try await client.proposals(options: OptimizationOptions(verbose: true))
            let proposals = try #require(result.proposals)
            #expect(proposals.count == result.summary.replicaMovements || !proposals.isEmpty)
            #expect(proposals.allSatisfy { !$0.newReplicas.isEmpty && $0.topicPartition.contains("-") })
            #expect(result.loadBeforeOptimization != nil)
        }
    }

    @Test func stoppingAnExecutionEndsItsTaskWithAnError() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        cruiseControl.simulator.faults.slowExecution(bytesPerSecond: 1_048_576)
        try await cruiseControl.withClient { client in
            let answer = try await client.addBroker([3], dryRun: false, waitingUpTo: .seconds(60))
            let id = try #require(answer.userTaskID)
            let stopped = try await client.stopProposalExecution()
            #expect(stopped.message.contains("stopped"))
            await #expect(
                throws: CruiseControlClientError.taskFailed(userTaskID: id, detail: "CompletedWithError")
            ) {
                _ = try await client.awaitCompletion(ofUserTask: id, timeout: .seconds(3600))
            }
        }
    }

    @Test func userTasksFilterByIDAndAForgottenIDIsAbsent() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        try await cruiseControl.withClient { client in
            let answer = try await client.rebalance(dryRun: true, waitingUpTo: .seconds(60))
            let id = try #require(answer.userTaskID)
            let tasks = try await client.userTasks(ids: [id], fetchCompletedTask: true)
            #expect(tasks.map(\.id) == [id])
            #expect(tasks.first?.status == .completed)
            #expect(tasks.first?.originalResponse?.contains("numReplicaMovements") == true)
            #expect(tasks.first?.clientIdentity == "127.0.0.1")
            #expect(try await client.userTask("00000000-0000-0000-0000-000000000000") == nil)
        }
    }
}
