import ClusterModel
import CruiseControl
import Kubernetes
import LocalKafka
import TestSupport
import Testing

@testable import Reconciler

/// Graceful scaling through the simulated Cruise Control, with the production clients: data
/// moves onto a broker that comes, and off a broker that leaves before anything of it is
/// deleted. Simulated time moves only when the test moves it.
@Suite struct GracefulScalingTests {
    @Test func anAddedBrokerTakesReplicasThroughAddBroker() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            #expect(try await harness.operations().isEmpty, "a new cluster runs no task")

            try await harness.upscale(3)
            #expect(try await harness.graceful(3)?.cruiseControlState == .upscaleRequired)
            #expect(await harness.replicas(on: 3) == 0)
            try await harness.pass()
            let operations = try await harness.operations()
            #expect(operations.count == 1)
            let operation = try #require(operations.first)
            #expect(operation.status?.currentTask?.operation == "add_broker")
            #expect(operation.status?.currentTask?.parameters?["brokerid"] == "3")
            #expect(operation.status?.currentTask?.id?.isEmpty == false)
            #expect(operation.metadata.ownerReferences?.first?.kind == "KafkaCluster")
            let running = try await harness.graceful(3)
            #expect(running?.cruiseControlState == .upscaleRunning)
            #expect(running?.operationName == operation.name)

            let succeeded = try await harness.passUntil {
                try await harness.graceful(3)?.cruiseControlState == .upscaleSucceeded
            }
            #expect(succeeded)
            #expect(await harness.replicas(on: 3) > 0, "Cruise Control moved replicas onto the new broker")
            #expect(try await harness.operations().first?.status?.currentTask?.state == "Completed")
            let reasons = try await harness.api.eventReasons()
            #expect(
                reasons.contains("CruiseControlTaskStarted") && reasons.contains("CruiseControlTaskCompleted")
            )
            #expect(try await harness.api.document().cluster.status?.state == .running)
            #expect(try await harness.operations().count == 1, "one task for one broker")
        }
    }

    @Test func aLeavingBrokerIsDeletedOnlyAfterItsDataMoved() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.grown(to: 3)
            let held = await harness.replicas(on: 1)
            #expect(held > 0)
            try await harness.api.modify { $0.removeBrokerGracefully(1) }
            try await harness.pass()
            let operation = try #require(try await harness.operations().last)
            #expect(operation.status?.currentTask?.operation == "remove_broker")
            #expect(try await harness.graceful(1)?.cruiseControlState == .downscaleRunning)
            #expect(try await harness.hasObjects(of: 1), "nothing deleted while the task runs")

            let gone = try await harness.passUntil(
                invariant: {
                    #expect(await harness.offlinePartitions() == 0, "no partition ever offline")
                    let pods = try await harness.api.list(.pods, labels: "brokerId=1").items
                    if pods.isEmpty || pods.contains(where: { $0["metadata"]?["deletionTimestamp"] != nil }) {
                        #expect(await harness.replicas(on: 1) == 0, "a pod goes only once it holds nothing")
                    }
                },
                {
                    let left = try await harness.hasObjects(of: 1)
                    let state = try await harness.graceful(1)
                    return !left && state == nil
                })
            #expect(gone)
            #expect(await harness.replicas(on: 1) == 0)
            let snapshot = await harness.simulation.snapshot()
            #expect(snapshot.partitions.values.allSatisfy { !$0.replicas.isEmpty }, "no partition lost")
            #expect(try await harness.api.document().cluster.status?.brokersState?["1"] == nil)
        }
    }

    /// Three brokers cannot hold a replication-factor-3 topic without broker 1: Cruise Control
    /// refuses the removal. The broker stays, with everything it holds; the task runs again
    /// every 30 s, each failure a Warning with Cruise Control's reason, each run recorded.
    @Test func aRefusedRemovalKeepsTheBrokerAndRunsAgainEveryThirtySeconds() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            let held = await harness.replicas(on: 1)
            try await harness.api.modify { $0.removeBrokerGracefully(1) }
            try await harness.pass()
            let first = try #require(try await harness.operations().first?.status?.currentTask)
            #expect(first.state == "CompletedWithError")
            #expect(first.errorMessage?.contains("Insufficient number of brokers") == true)
            #expect(try await harness.graceful(1)?.cruiseControlState == .downscaleCompletedWithError)
            #expect(try await harness.graceful(1)?.errorMessage == first.errorMessage)

            // Not yet due: nothing is sent again.
            harness.clock.advance(milliseconds: 20_000)
            try await harness.pass()
            #expect(try await harness.operations().first?.status?.retryCount == 0)
            harness.clock.advance(milliseconds: 10_000)
            try await harness.pass()
            let retried = try #require(try await harness.operations().first?.status)
            #expect(retried.retryCount == 1)
            #expect(retried.failedTasks?.count == 1 && retried.failedTasks?.first?.finished == first.finished)
            #expect(
                retried.currentTask?.state == "CompletedWithError"
                    && retried.currentTask?.finished != first.finished)

            #expect(try await harness.hasObjects(of: 1), "never deleted on a failed task")
            #expect(await harness.replicas(on: 1) == held)
            #expect(try await harness.operations().count == 1, "the retry is a new run of the same object")
            let warnings = try await harness.api.events().filter { $0["type"]?.text == "Warning" }.compactMap
            {
                $0["reason"]?.text
            }
            #expect(warnings.filter { $0 == "CruiseControlTaskFailed" }.count == 2)
            #expect(warnings.contains("CruiseControlTaskRetried"))
        }
    }

    /// A failing removal paused with Koperator's `pause: "true"` label is not run again and
    /// lets other tasks run; without the label it runs again.
    @Test func aPausedTaskWaitsAsideUntilItsLabelGoes() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.api.modify { $0.removeBrokerGracefully(1) }
            try await harness.pass()
            var operation = try #require(try await harness.operations().first)
            operation.metadata.labels?["pause"] = "true"
            _ = try await harness.api.client.update(operation)
            harness.clock.advance(milliseconds: 60_000)
            try await harness.pass()
            #expect(
                try await harness.operations().first?.status?.retryCount == 0, "not run again while paused")
            #expect(try await harness.graceful(1)?.cruiseControlState == .downscalePaused)

            // Another change's task runs meanwhile.
            try await harness.upscale(3)
            try await harness.pass()
            let adds = try await harness.operations().filter {
                $0.status?.currentTask?.operation == "add_broker"
            }
            #expect(adds.count == 1)

            var paused = try #require(try await harness.operations().first { $0.name == operation.name })
            paused.metadata.labels?["pause"] = nil
            _ = try await harness.api.client.update(paused)
            let retried = try await harness.passUntil {
                try await harness.operations().first { $0.name == operation.name }?.status?.retryCount ?? 0
                    > 0
            }
            #expect(retried)
        }
    }

    /// Finished objects go `ttlSecondsAfterFinished` after they finished, as the cluster's
    /// `cruiseControlOperationSpec` asks; the brokers keep their final state.
    @Test func finishedOperationsAreDeletedAfterTheirTTL() async throws {
        try await GracefulHarness.run { harness in
            try await harness.api.modify {
                $0.spec.cruiseControlConfig?.cruiseControlOperationSpec = CruiseControlOperationSpec(
                    ttlSecondsAfterFinished: 300)
            }
            try await harness.settle()
            try await harness.grown(to: 3)
            let operation = try #require(try await harness.operations().first)
            #expect(operation.spec?.ttlSecondsAfterFinished == 300)
            harness.clock.advance(milliseconds: 200_000)
            try await harness.pass()
            #expect(try await harness.operations().count == 1, "kept until its time")
            harness.clock.advance(milliseconds: 110_000)
            try await harness.pass()
            #expect(try await harness.operations().isEmpty)
            #expect(try await harness.graceful(3)?.cruiseControlState == .upscaleSucceeded)
            try await harness.pass()
            #expect(try await harness.operations().isEmpty, "no new task for a finished broker")
        }
    }

    /// The executor fails part-way through a removal (CompletedWithError after moves): the
    /// broker keeps its objects, and the removal's next run, 30 s later, completes it.
    @Test func aRemovalThatFailsMidwayIsRetriedAndOnlyThenDeleted() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.grown(to: 3)
            harness.simulator.faults.failNextExecution(afterMoves: 1)
            try await harness.api.modify { $0.removeBrokerGracefully(1) }
            try await harness.pass()
            let failed = try await harness.passUntil(step: 1_000) {
                try await harness.operations().last?.status?.currentTask?.state == "CompletedWithError"
            }
            #expect(failed)
            #expect(try await harness.hasObjects(of: 1))
            #expect(await harness.replicas(on: 1) > 0)
            let gone = try await harness.passUntil(
                invariant: { #expect(await harness.offlinePartitions() == 0) },
                {
                    let left = try await harness.hasObjects(of: 1)
                    return !left
                })
            #expect(gone)
            let status = try #require(try await harness.operations().last?.status)
            #expect(status.retryCount == 1 && status.currentTask?.state == "Completed")
            #expect(await harness.replicas(on: 1) == 0)
        }
    }

    /// Cruise Control restarts mid-removal and forgets its tasks: the unknown task counts as
    /// failed, never as done; the broker stays until a new run completes.
    @Test func aTaskCruiseControlForgotIsFailedNotFinished() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.grown(to: 3)
            harness.simulator.faults.slowExecution(bytesPerSecond: 1_000_000)
            try await harness.api.modify { $0.removeBrokerGracefully(1) }
            try await harness.pass()
            harness.clock.advance(milliseconds: 1_000)
            try await harness.pass()
            await harness.simulator.restart()
            harness.simulator.faults.reset()
            try await harness.pass()
            let current = try #require(try await harness.operations().last?.status?.currentTask)
            #expect(current.state == "CompletedWithError")
            #expect(current.errorMessage?.contains("no longer knows task") == true)
            #expect(try await harness.hasObjects(of: 1))
            let gone = try await harness.passUntilGone(1)
            #expect(gone)
            #expect(try await harness.operations().last?.status?.retryCount == 1)
            #expect(await harness.replicas(on: 1) == 0)
        }
    }

    /// The broker is put back in the spec while its removal runs: the execution is stopped,
    /// the broker keeps everything, and no further task runs for it.
    @Test func restoringALeavingBrokerStopsItsRemoval() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.grown(to: 3)
            harness.simulator.faults.slowExecution(bytesPerSecond: 1_000_000)
            try await harness.api.modify { $0.removeBrokerGracefully(1) }
            try await harness.pass()
            harness.clock.advance(milliseconds: 1_000)
            try await harness.pass()
            #expect(await harness.simulation.isExecuting())
            try await harness.api.modify {
                $0.spec.brokers.append(Broker(id: 1, brokerConfigGroup: "default"))
            }
            try await harness.pass()
            let current = try #require(try await harness.operations().last?.status?.currentTask)
            #expect(current.errorMessage?.hasPrefix("stopped:") == true)
            let left = try await harness.graceful(1)
            #expect(left == nil, "\(String(describing: left))")
            #expect(try await harness.api.eventReasons().contains("CruiseControlTaskStopped"))
            // The moves in flight finish (at 1 MB/s, within ten minutes); the rest were dropped.
            harness.clock.advance(milliseconds: 600_000)
            try await harness.pass()
            #expect(await harness.simulation.isExecuting() == false)
            #expect(await harness.replicas(on: 1) > 0)
            #expect(try await harness.operations().count == 2, "no new task, no retry")
            #expect(try await harness.operations().last?.status?.retryCount == 0)
            #expect(try await harness.hasObjects(of: 1))
        }
    }

    /// Cruise Control does not answer when the new broker's add_broker is due: its object is
    /// created (the durable record) and the broker is `GracefulUpscaleScheduled` until Cruise
    /// Control accepts the task, then `GracefulUpscaleRunning`.
    @Test func anAddCruiseControlHasNotAcceptedIsScheduled() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.upscale(3)
            harness.simulator.faults.makeUnavailable()
            try await harness.pass()
            let operation = try #require(try await harness.operations().first)
            #expect(operation.status?.currentTask?.operation == "add_broker")
            #expect(operation.status?.currentTask?.id == nil, "not sent")
            let scheduled = try await harness.graceful(3)
            #expect(scheduled?.cruiseControlState == .upscaleScheduled)
            #expect(scheduled?.operationName == operation.name)
            let hold = try await harness.api.document().cluster.scalingHold
            #expect(hold == "broker 3 is still in GracefulUpscaleScheduled")

            harness.simulator.faults.reset()
            harness.clock.advance(milliseconds: 30_000)
            try await harness.pass()
            #expect(try await harness.graceful(3)?.cruiseControlState == .upscaleRunning)
            #expect(try await harness.operations().first?.status?.currentTask?.id?.isEmpty == false)
            #expect(try await harness.operations().count == 1, "the same object, sent once")
        }
    }

    /// A person deletes the CruiseControlOperation of a running removal: its finalizer holds the
    /// object while `stop_proposal_execution` stops the task and the moves in flight finish;
    /// then the object goes. The broker still leaves (the spec says so): its removal runs again
    /// under a new object, and only that one's completion lets the broker go.
    @Test func deletingARunningOperationStopsItsTask() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.grown(to: 3)
            harness.simulator.faults.slowExecution(bytesPerSecond: 1_000_000)
            try await harness.api.modify { $0.removeBrokerGracefully(1) }
            try await harness.pass()
            harness.clock.advance(milliseconds: 1_000)
            try await harness.pass()
            #expect(await harness.simulation.isExecuting())
            let running = try #require(try await harness.operations().last)
            #expect(running.metadata.finalizers == ["finalizer.cruisecontroloperations.kafka.banzaicloud.io"])
            #expect(
                try await harness.operations().first?.metadata.finalizers == nil,
                "a finished task's object holds no finalizer")

            try await harness.api.client.delete(
                CruiseControlOperation.resourceType, namespace: harness.api.namespace, name: running.name,
                options: DeleteOptions())
            try await harness.pass()
            let held = try #require(try await harness.operations().first { $0.name == running.name })
            #expect(held.metadata.deletionTimestamp != nil, "held by its finalizer while the execution ends")
            #expect(
                held.status?.currentTask?.errorMessage == "stopped: its CruiseControlOperation was deleted")
            #expect(try await harness.api.eventReasons().contains("CruiseControlTaskStopped"))
            #expect(try await harness.graceful(1)?.cruiseControlState == .downscaleRequired)
            #expect(try await harness.operations().count == 2, "no new task while the execution stops")
            #expect(try await harness.hasObjects(of: 1))

            // The moves in flight finish (at 1 MB/s, within ten minutes): the object goes, and
            // the removal runs again under a new one.
            harness.simulator.faults.reset()
            harness.clock.advance(milliseconds: 600_000)
            try await harness.pass()
            let names = try await harness.operations().map(\.name)
            #expect(!names.contains(running.name))
            #expect(names.count == 2)
            #expect(try await harness.graceful(1)?.cruiseControlState == .downscaleRunning)
            let gone = try await harness.passUntilGone(1)
            #expect(gone)
            #expect(await harness.replicas(on: 1) == 0)
            let removals = try await harness.cruiseControl.userTasks(ids: [], fetchCompletedTask: false)
                .filter {
                    $0.request?.endpoint == .removeBroker
                }
            #expect(removals.count == 2, "the stopped task and the one that completed")
        }
    }

    /// A person deletes the object of a running add_broker: the task is stopped, and the broker
    /// counts as added (it serves without all the load moved to it), as Koperator counts it.
    @Test func deletingARunningAddCountsTheBrokerAsAdded() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            harness.simulator.faults.slowExecution(bytesPerSecond: 1_000_000)
            try await harness.upscale(3)
            try await harness.pass()
            harness.clock.advance(milliseconds: 1_000)
            try await harness.pass()
            let running = try #require(try await harness.operations().last)
            try await harness.api.client.delete(
                CruiseControlOperation.resourceType, namespace: harness.api.namespace, name: running.name,
                options: DeleteOptions())
            try await harness.pass()
            let state = try await harness.graceful(3)
            #expect(state?.cruiseControlState == .upscaleSucceeded)
            #expect(state?.errorMessage == "stopped: its CruiseControlOperation was deleted")
            harness.simulator.faults.reset()
            harness.clock.advance(milliseconds: 600_000)
            try await harness.pass()
            #expect(try await harness.operations().isEmpty, "gone once stopped, and no new add_broker")
        }
    }

    /// Killed after sending remove_broker but before recording its id: the next operator finds
    /// the task Cruise Control lists and follows it, instead of sending a second one.
    @Test func aTaskSentButNotRecordedIsAdoptedNotSentAgain() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.grown(to: 3)
            try await harness.api.modify { $0.removeBrokerGracefully(1) }
            // What the killed operator left: the object (no task id) and the task in Cruise Control.
            let cluster = try await harness.api.document()
            let intent = GracefulIntent(.removeBroker, brokers: [1])
            _ = try await harness.api.client.create(
                CruiseControlOperation(
                    metadata: ObjectMeta(
                        name: "kafka-remove-broker-killed", namespace: harness.api.namespace,
                        labels: ["kafka_cr": "kafka", "app": "kafka"], annotations: intent.annotations,
                        ownerReferences: [
                            ResourceConventions.ownerReference(
                                cluster: "kafka", uid: cluster.cluster.metadata.uid ?? "")
                        ]),
                    spec: .init(errorPolicy: .retry)))
            harness.clock.advance(milliseconds: 1_000)
            let sent = try await harness.cruiseControl.removeBroker([1], dryRun: false)
            let id = try #require(sent.userTaskID)

            try await harness.pass()
            let operations = try await harness.operations()
            #expect(
                operations.map(\.name).filter { $0.contains("remove-broker") } == [
                    "kafka-remove-broker-killed"
                ])
            #expect(operations.last?.status?.currentTask?.id == id)
            let removals = try await harness.cruiseControl.userTasks(ids: [], fetchCompletedTask: false)
                .filter {
                    $0.request?.endpoint == .removeBroker
                }
            #expect(removals.map(\.id) == [id], "sent once")
            let gone = try await harness.passUntilGone(1)
            #expect(gone)
        }
    }

    /// Cruise Control is down during a removal: nothing is deleted, a Warning says why, and the
    /// removal resumes when it answers again.
    @Test func cruiseControlDownDuringARemovalDeletesNothing() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.grown(to: 3)
            try await harness.api.modify { $0.removeBrokerGracefully(1) }
            try await harness.pass()
            harness.simulator.faults.makeUnavailable()
            for _ in 0..<5 {
                harness.clock.advance(milliseconds: 60_000)
                try await harness.pass()
            }
            #expect(try await harness.hasObjects(of: 1))
            #expect(try await harness.api.eventReasons().contains("CruiseControlUnavailable"))
            harness.simulator.faults.reset()
            let gone = try await harness.passUntilGone(1)
            #expect(gone)
            #expect(try await harness.operations().last?.status?.retryCount == 0)
        }
    }

    /// Without Cruise Control a broker that holds replicas is not removed; one that holds
    /// none is.
    @Test func withoutCruiseControlABrokerHoldingReplicasIsKept() async throws {
        try await GracefulHarness.run(cruiseControl: false) { harness in
            try await harness.settle()
            try await harness.upscale(3)
            #expect(try await harness.graceful(3) == nil, "no add_broker without Cruise Control")
            try await harness.api.modify { $0.removeBrokerGracefully(1) }
            for _ in 0..<3 { try await harness.pass() }
            #expect(try await harness.hasObjects(of: 1))
            let warning = try await harness.api.events().first { $0["reason"]?.text == "BrokerHoldsReplicas" }
            #expect(warning?["message"]?.text?.contains("no Cruise Control") == true)
            #expect(try await harness.operations().isEmpty)

            // Its replicas moved away by other means (a person's own Cruise Control run): now it goes.
            let task = try #require(
                try await harness.cruiseControl.removeBroker([1], dryRun: false).userTaskID)
            for _ in 0..<100 where try await harness.cruiseControl.userTask(task)?.status != .completed {
                harness.clock.advance(milliseconds: 5_000)
            }
            #expect(await harness.replicas(on: 1) == 0)
            let gone = try await harness.passUntilGone(1)
            #expect(gone)
        }
    }

    /// Without Cruise Control, a downScale with `force` removes a broker that still holds
    /// replicas, and says so in a Warning.
    @Test func withoutCruiseControlAForcedRemovalGoesAnyway() async throws {
        try await GracefulHarness.run(cruiseControl: false) { harness in
            try await harness.settle()
            try await harness.api.modify {
                $0.removeBrokerGracefully(1)
                $0.status?.brokersState?["1"]?.gracefulActionState?.forced = true
            }
            let gone = try await harness.passUntilGone(1)
            #expect(gone)
            let warning = try await harness.api.events().first { $0["reason"]?.text == "BrokerHoldsReplicas" }
            #expect(warning?["message"]?.text?.contains("it is removed") == true)
        }
    }

    /// A disk added to broker 0 (as addPvc does) gets data through a disk rebalance once the
    /// broker's pod runs with it; the disk's state says where it stands.
    @Test func aNewDiskIsFilledByADiskRebalanceOnceMounted() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.api.modify { cluster in
                var config = cluster.spec.brokers[0].brokerConfig ?? BrokerConfig()
                config.storageConfigs = [
                    StorageConfig(
                        mountPath: "/kafka-logs-1",
                        pvcSpec: PersistentVolumeClaimSpec(
                            accessModes: ["ReadWriteOnce"], storageClassName: "standard", storage: "10Gi"))
                ]
                cluster.spec.brokers[0].brokerConfig = config
                cluster.markDiskRebalanceRequired(broker: 0, mountPath: "/kafka-logs-1")
            }
            let marked = try await harness.graceful(0)?.volumeState("/kafka-logs-1")
            #expect(marked == .diskRebalanceRequired)
            try await harness.pass()
            #expect(try await harness.operations().isEmpty, "not before the pod runs with the disk")
            try await harness.api.waitUntilSettled()
            // The broker restarted with the new log directory, as its ConfigMap says.
            try await harness.simulation.update { (cluster) throws(SimulatedClusterError) in
                try cluster.configureBroker(
                    0, host: "kafka-0", logDirs: ["/kafka-logs/kafka", "/kafka-logs-1/kafka"])
            }
            // The new mount restarted broker 0 as a rolling upgrade: the pass that sees it back
            // ends the upgrade, and only the next one starts a Cruise Control task.
            try await harness.pass()
            #expect(try await harness.operations().isEmpty, "not while the rolling upgrade runs")
            try await harness.pass()
            let operation = try #require(try await harness.operations().first)
            #expect(operation.status?.currentTask?.operation == "rebalance")
            #expect(operation.status?.currentTask?.parameters?["rebalance_disk"] == "true")
            #expect(try await harness.graceful(0)?.volumeState("/kafka-logs-1") == .diskRebalanceRunning)
            let done = try await harness.passUntil {
                try await harness.graceful(0)?.volumeState("/kafka-logs-1") == .diskRebalanceSucceeded
            }
            #expect(done)
            let onNewDisk = await harness.simulation.snapshot().partitions.values.filter {
                $0.logDirs[0] == "/kafka-logs-1/kafka"
            }
            #expect(!onNewDisk.isEmpty, "replicas moved onto the new disk")
            #expect(
                try await harness.graceful(0)?.cruiseControlState == nil, "the broker itself is not scaling")
        }
    }

    /// A disk taken out of a staying broker's spec: `remove_disks` moves its replicas to the
    /// broker's other disk first; the pod keeps it mounted (and in `log.dirs`) until the task
    /// completed and DescribeLogDirs shows the directory empty; only then is the pod rendered
    /// without it, and its claim deleted once no pod mounts it.
    @Test func aRemovedDiskIsEmptiedByRemoveDisksBeforeItsClaimGoes() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            let disk = "/kafka-logs-1"
            #expect(try await harness.addRebalancedDisk(disk, to: 0))
            let held = await harness.replicas(on: 0, mountPath: disk)
            #expect(held > 0, "the disk rebalance put replicas on the new disk")
            let claim = try #require(try await harness.claim(of: 0, mountPath: disk))
            let pods = try await harness.podNames(of: 0)
            harness.simulator.faults.slowExecution(bytesPerSecond: 10_000_000)

            try await harness.removeDisk(disk, from: 0)
            try await harness.pass()
            let operation = try #require(try await harness.operations().last)
            #expect(operation.status?.currentTask?.operation == "remove_disks")
            #expect(
                operation.status?.currentTask?.parameters?["brokerid_and_logdirs"] == "0-/kafka-logs-1/kafka")
            #expect(try await harness.graceful(0)?.volumeState(disk) == .diskRemovalRunning)
            try await harness.pass()
            let hold = try await harness.api.document().cluster.scalingHold
            #expect(hold == "the disk /kafka-logs-1 of broker 0 is still in GracefulDiskRemovalRunning")
            #expect(
                try await harness.podNames(of: 0) == pods, "the pod is not replaced while the disk drains")
            #expect(try await harness.mountedClaims(of: 0).contains(claim))

            var succeededAt: Int?
            let gone = try await harness.passUntil(
                limit: 120,
                invariant: {
                    // The disk stays mounted while its directory holds anything.
                    if await harness.replicas(on: 0, mountPath: disk) > 0 {
                        let mounted = try await harness.mountedClaims(of: 0)
                        #expect(mounted.contains(claim))
                        let left = try await harness.claim(of: 0, mountPath: disk)
                        #expect(left == claim)
                    }
                },
                {
                    let state = try await harness.graceful(0)?.volumeState(disk)
                    if state == .diskRemovalSucceeded, succeededAt == nil {
                        succeededAt = await harness.replicas(on: 0, mountPath: disk)
                    }
                    // The broker restarts with the log directories its new pod's ConfigMap names:
                    // the simulator refuses one that drops a directory still holding replicas.
                    if try await !harness.mountedClaims(of: 0).contains(claim) {
                        try await harness.restartWithRenderedLogDirs(0)
                    }
                    let claimLeft = try await harness.claim(of: 0, mountPath: disk)
                    return claimLeft == nil && state == nil
                })
            #expect(gone)
            #expect(succeededAt == 0, "succeeded only with the directory empty")
            #expect(try await harness.podNames(of: 0) != pods, "the pod was rendered without the disk")
            #expect(await harness.replicas(on: 0, mountPath: disk) == 0)
            #expect(await harness.offlinePartitions() == 0)
            #expect(try await harness.operations().last?.status?.currentTask?.state == "Completed")
            #expect(
                try await harness.operations().filter { $0.status?.currentTask?.operation == "remove_disks" }
                    .count == 1)
        }
    }

    /// The disk is put back in the spec while its removal runs: the execution is stopped, the
    /// disk keeps its claim and stays mounted, and its state goes.
    @Test func puttingADiskBackStopsItsRemoval() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            let disk = "/kafka-logs-1"
            try await harness.addRebalancedDisk(disk, to: 0)
            let claim = try #require(try await harness.claim(of: 0, mountPath: disk))
            let pods = try await harness.podNames(of: 0)
            harness.simulator.faults.slowExecution(bytesPerSecond: 1_000_000)
            try await harness.removeDisk(disk, from: 0)
            try await harness.pass()
            harness.clock.advance(milliseconds: 1_000)
            try await harness.pass()
            #expect(await harness.simulation.isExecuting())
            #expect(try await harness.graceful(0)?.volumeState(disk) == .diskRemovalRunning)

            try await harness.addDisk(disk, to: 0)
            try await harness.pass()
            let current = try #require(try await harness.operations().last?.status?.currentTask)
            #expect(current.operation == "remove_disks")
            #expect(current.errorMessage?.hasPrefix("stopped:") == true, "\(String(describing: current))")
            #expect(try await harness.api.eventReasons().contains("CruiseControlTaskStopped"))
            let state = try await harness.graceful(0)?.volumeState(disk)
            #expect(state == .diskRebalanceRequired, "back in the spec as a new disk: its data is rebalanced")
            #expect(try await harness.claim(of: 0, mountPath: disk) == claim, "the same claim")
            #expect(try await harness.podNames(of: 0) == pods, "never unmounted")
        }
    }

    /// A remove_disks that fails part-way keeps the disk mounted, in
    /// `GracefulDiskRemovalCompletedWithError`, and runs again 30 s later.
    @Test func aFailedDiskRemovalKeepsTheDiskAndRunsAgain() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            let disk = "/kafka-logs-1"
            try await harness.addRebalancedDisk(disk, to: 0)
            let claim = try #require(try await harness.claim(of: 0, mountPath: disk))
            harness.simulator.faults.failNextExecution(afterMoves: 1)
            try await harness.removeDisk(disk, from: 0)
            try await harness.pass()
            let failed = try await harness.passUntil(step: 1_000) {
                try await harness.graceful(0)?.volumeState(disk) == .diskRemovalCompletedWithError
            }
            #expect(failed)
            #expect(await harness.replicas(on: 0, mountPath: disk) > 0)
            #expect(try await harness.mountedClaims(of: 0).contains(claim), "kept mounted after a failure")
            #expect(try await harness.graceful(0)?.volumes(in: .diskRemovalCompletedWithError) == [disk])
            let done = try await harness.passUntil {
                let state = try await harness.graceful(0)?.volumeState(disk)
                let left = try await harness.claim(of: 0, mountPath: disk)
                return state == .diskRemovalSucceeded || left == nil
            }
            #expect(done)
            #expect(try await harness.operations().last?.status?.retryCount == 1)
            #expect(await harness.replicas(on: 0, mountPath: disk) == 0)
        }
    }

    /// Without Cruise Control a removed disk that holds replicas is kept mounted, with a
    /// Warning saying why; once its replicas are moved by other means it goes.
    @Test func withoutCruiseControlADiskHoldingReplicasIsKept() async throws {
        try await GracefulHarness.run(cruiseControl: false) { harness in
            try await harness.settle()
            let disk = "/kafka-logs-1"
            try await harness.addDisk(disk, to: 0)
            try await harness.pass()
            try await harness.api.waitUntilSettled()
            try await harness.restartWithRenderedLogDirs(0)
            try await harness.pass()
            // A person's own Cruise Control run puts replicas on the new disk.
            try await harness.runToCompletion(.rebalance(dryRun: false, rebalanceDisk: true))
            #expect(await harness.replicas(on: 0, mountPath: disk) > 0)
            let claim = try #require(try await harness.claim(of: 0, mountPath: disk))
            let pods = try await harness.podNames(of: 0)

            try await harness.removeDisk(disk, from: 0)
            for _ in 0..<3 { try await harness.pass() }
            #expect(try await harness.podNames(of: 0) == pods, "the pod keeps the disk")
            #expect(try await harness.mountedClaims(of: 0).contains(claim))
            let warning = try await harness.api.events().first { $0["reason"]?.text == "DiskHoldsReplicas" }
            #expect(warning?["type"]?.text == "Warning")
            #expect(warning?["message"]?.text?.contains("no Cruise Control") == true)
            #expect(try await harness.operations().isEmpty)

            // Its replicas moved off by other means: now it goes.
            try await harness.runToCompletion(.removeDisks([0: ["/kafka-logs-1/kafka"]], dryRun: false))
            let gone = try await harness.passUntil {
                if try await !harness.mountedClaims(of: 0).contains(claim) {
                    try await harness.restartWithRenderedLogDirs(0)
                }
                let left = try await harness.claim(of: 0, mountPath: disk)
                let state = try await harness.graceful(0)?.volumeState(disk)
                return left == nil && state == nil
            }
            #expect(gone, "the claim goes, then the disk's state")
            #expect(try await harness.podNames(of: 0) != pods, "the pod was rendered without the disk")
        }
    }

    /// A rebalance asked for through the action API becomes one CruiseControlOperation naming
    /// the request; the request leaves the status, and no second task runs for it.
    @Test func aRequestedRebalanceRunsOnce() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.grown(to: 3)
            try await harness.api.modify {
                $0.status?.pendingRebalance = PendingRebalance(requestedAt: "2026-12-03T09:00:00.000Z")
            }
            try await harness.pass()
            let rebalances = try await harness.operations().filter {
                $0.status?.currentTask?.operation == "rebalance"
            }
            #expect(rebalances.count == 1)
            #expect(
                rebalances.first?.metadata.annotations?["kafka-operator.io/rebalance-requested-at"]
                    == "2026-12-03T09:00:00.000Z")
            #expect(try await harness.api.document().cluster.status?.pendingRebalance == nil)
            let done = try await harness.passUntil {
                try await harness.operations().last?.status?.currentTask?.state == "Completed"
            }
            #expect(done)
            #expect(try await harness.operations().count == 2, "the add and the one rebalance")
        }
    }

    /// A person's CruiseControlOperation, labelled for the cluster and naming its operation, is
    /// run like the operator's own.
    @Test func aHandMadeOperationIsRun() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            _ = try await harness.api.client.create(
                CruiseControlOperation(
                    metadata: ObjectMeta(
                        name: "by-hand", namespace: harness.api.namespace, labels: ["kafka_cr": "kafka"],
                        annotations: ["kafka-operator.io/cruise-control-operation": "rebalance"])))
            try await harness.pass()
            let task = try #require(try await harness.operations().first?.status?.currentTask)
            #expect(task.operation == "rebalance" && task.id?.isEmpty == false)
            let done = try await harness.passUntil {
                try await harness.operations().first?.status?.currentTask?.state == "Completed"
            }
            #expect(done)
        }
    }

    /// A broker leaving keeps its capacity entry until its status entry goes, and the pass that
    /// forgets it also takes it out of `capacity.json`: the cluster does not report Running
    /// with Cruise Control's configuration still to change.
    @Test func theCapacityLosesALeavingBrokerInThePassThatForgetsIt() async throws {
        try await GracefulHarness.run { harness in
            try await harness.settle()
            try await harness.grown(to: 3)
            try await harness.api.modify { $0.removeBrokerGracefully(3) }
            func capacity() async throws -> String {
                try await harness.api.objects(.configMaps).first {
                    $0["metadata"]?["name"]?.text == "kafka-cruisecontrol-config"
                }?["data"]?["capacity.json"]?.text ?? ""
            }
            // Every pass is looked at: the one that forgets the broker is the one to catch.
            var forgetting: ReconcileResult?
            for _ in 0..<60 {
                harness.clock.advance(milliseconds: 5_000)
                let result = try await harness.pass()
                if result.steps.contains(.forgetBroker(3)) {
                    forgetting = result
                    break
                }
                #expect(try await capacity().contains(#""brokerId":"3""#), "kept while the broker leaves")
                try await harness.api.waitUntilSettled()
            }
            #expect(forgetting != nil)
            #expect(
                forgetting?.steps.map(\.description).contains("update ConfigMap kafka-cruisecontrol-config")
                    == true)
            #expect(try await capacity().contains(#""brokerId":"3""#) == false)
            #expect(try await harness.api.document().cluster.status?.state == .reconciling)
            let next = try await harness.pass()
            #expect(next.steps.isEmpty, "\(next.steps)")
            #expect(try await harness.api.document().cluster.status?.state == .running)
        }
    }
}
