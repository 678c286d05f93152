import LocalKafka
import Testing

@Suite struct ProposalExecutorTests {
    /// The example plus broker 3, copying at 64 MiB/s: an `orders` replica (256 MiB) takes 4 s.
    static func simulation() throws -> (ClusterSimulation, ManualClock, [ReplicaMove]) {
        let clock = ManualClock()
        var cluster = try ExampleCluster.cluster(
            now: clock.nowMilliseconds(), timing: .init(replicationBytesPerSecond: 64 * 1_048_576))
        try cluster.addBroker(SimulatedBroker(id: 3, host: "b3", logDirs: ["/kafka-logs/kafka"]))
        let moves = try ReplicaPlanner().plan(.addBrokers([3]), for: cluster)
        return (ClusterSimulation(cluster: cluster, clock: clock), clock, moves)
    }

    @Test func movementsRunAtMostConcurrencyAtATimeAndFinishEven() async throws {
        let (simulation, clock, moves) = try Self.simulation()
        await simulation.startExecution(ProposalExecutor(taskID: "t", moves: moves, concurrency: 2))
        let started = try #require(await simulation.currentExecution())
        #expect(started.inProgress.count == 2)
        #expect(started.pending.count == moves.count - 2)
        clock.advance(milliseconds: 3_600_000)
        #expect(await simulation.isExecuting() == false)
        #expect(await simulation.finishedExecution("t")?.outcome == .completed)
        let cluster = await simulation.snapshot()
        let counts = cluster.brokerIDs.map(cluster.replicaCount(of:))
        #expect(counts.max()! - counts.min()! <= 1, "\(counts)")
        #expect(cluster.reassigningPartitions.isEmpty && cluster.underReplicatedPartitions.isEmpty)
        for move in moves { #expect(cluster.partitions[move.partition]!.replicas == move.newReplicas) }
    }

    @Test func aStopLetsMovementsInFlightFinishAndDropsTheRest() async throws {
        let (simulation, clock, moves) = try Self.simulation()
        await simulation.startExecution(ProposalExecutor(taskID: "t", moves: moves, concurrency: 1))
        clock.advance(milliseconds: 1)
        #expect(await simulation.stopExecution())
        #expect(await simulation.currentExecution()?.phase == "STOPPING_EXECUTION")
        clock.advance(milliseconds: 3_600_000)
        #expect(await simulation.finishedExecution("t")?.outcome == .stopped)
        let cluster = await simulation.snapshot()
        let moved = moves.filter {
            $0.isInterBroker && cluster.partitions[$0.partition]!.replicas == $0.newReplicas
        }
        #expect(moved.count == 1)
        #expect(cluster.reassigningPartitions.isEmpty)
    }

    @Test func anInjectedFailureEndsTheTaskAndCancelsWhatIsInFlight() async throws {
        let (simulation, clock, moves) = try Self.simulation()
        await simulation.startExecution(
            ProposalExecutor(taskID: "t", moves: moves, concurrency: 2, failAfterMoves: 1))
        clock.advance(milliseconds: 3_600_000)
        guard case .failed = await simulation.finishedExecution("t")?.outcome else {
            Issue.record("the task did not fail")
            return
        }
        let cluster = await simulation.snapshot()
        #expect(cluster.reassigningPartitions.isEmpty)
        #expect(cluster.underReplicatedPartitions.isEmpty)
    }
}
