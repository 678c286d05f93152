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
            var forgetting: ReconcileResult?
            let forgot = try await harness.passUntil {
                let result = try await harness.pass()
                if result.steps.contains(.forgetBroker(3)) {
                    forgetting = result
                    return true
                }
                #expect(try await capacity().contains(#""brokerId":"3""#), "kept while the broker leaves")
                return false
            }
            #expect(forgot)
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
