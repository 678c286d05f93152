import ClusterModel
import Kubernetes
import Testing

@testable import Reconciler

@Suite struct ReconcilePlanTests {
    func plan(
        _ desired: DesiredState, _ actual: ActualState, states: [String: BrokerState] = [:],
        gate: RemovalGate = .noCruiseControl
    ) -> [ReconcileStep] {
        ReconcilePlan.make(desired: desired, actual: actual, brokerStates: states, gate: gate)
    }

    func leaving(_ id: Int32) -> [String: BrokerState] {
        var state = BrokerState()
        state.gracefulActionState = GracefulActionState(cruiseControlState: "GracefulDownscaleRequired")
        return [String(id): state]
    }

    @Test func nothingChangedPlansNothing() throws {
        let desired = ClusterFixtures.render(try ClusterFixtures.example())
        #expect(plan(desired, ClusterFixtures.live(desired)).isEmpty)
    }

    @Test func anEmptyNamespaceGetsEveryObjectConfigAndDisksBeforePods() throws {
        let desired = ClusterFixtures.render(try ClusterFixtures.example())
        let steps = plan(desired, ActualState())
        #expect(steps == desired.objects.map { .create($0) })
        // The headless Service and the budget, 3 objects per broker and 4 claims.
        #expect(steps.count == 2 + 3 * 3 + 4)
        var actual = ActualState()
        actual.apply(steps)
        #expect(plan(desired, actual).isEmpty)
    }

    @Test func anAddedBrokerCreatesOnlyItsObjects() throws {
        let before = ClusterFixtures.render(try ClusterFixtures.withBrokers([0, 1, 2]))
        let after = ClusterFixtures.render(try ClusterFixtures.withBrokers([0, 1, 2, 3]))
        let steps = plan(after, ClusterFixtures.live(before))
        #expect(steps == after.broker(3)?.objects.map { .create($0) })
    }

    @Test func removingBrokerOneDeletesOnlyItsObjectsThenItsDisksThenItsEntry() throws {
        let before = ClusterFixtures.render(try ClusterFixtures.withBrokers([0, 1, 2, 3]))
        let after = ClusterFixtures.render(try ClusterFixtures.withBrokers([0, 2, 3]))
        var actual = ClusterFixtures.live(before)
        let one = try #require(before.broker(1))

        let first = plan(after, actual, states: leaving(1))
        let deleted = first.compactMap { step -> DeletionTarget? in
            if case .delete(let target) = step { return target }
            return nil
        }
        #expect(deleted.count == first.count)
        #expect(Set(deleted.map(\.name)) == [one.pod.name, one.configMap.name, one.service.name])
        #expect(deleted.allSatisfy { $0.brokerID == 1 && $0.uid == "uid-\($0.name)" })

        // The pod is terminating: its disks wait.
        var terminating = actual
        terminating.configMaps.removeAll { $0.name == one.configMap.name }
        terminating.services.removeAll { $0.name == one.service.name }
        for index in terminating.pods.indices where terminating.pods[index].name == one.pod.name {
            terminating.pods[index].metadata.deletionTimestamp = "2026-12-01T00:00:10Z"
        }
        #expect(plan(after, terminating, states: leaving(1)) == [.waitForBroker(1, .awaitingPodTermination)])

        actual.apply(first)
        let second = plan(after, actual, states: leaving(1))
        #expect(
            second
                == one.volumes.map { .delete(OwnedObject($0).withUID.deletionTarget) })

        actual.apply(second)
        #expect(plan(after, actual, states: leaving(1)) == [.forgetBroker(1)])
        #expect(plan(after, actual).isEmpty)
        #expect(actual.objects.filter { $0.brokerID == 1 }.isEmpty)
        #expect(actual.objects.count == ClusterFixtures.live(after).objects.count)
    }

    @Test func aBrokerStillInTheSpecIsNeverRemovedWhateverItsStatusSays() throws {
        let desired = ClusterFixtures.render(try ClusterFixtures.withBrokers([0, 1]))
        #expect(plan(desired, ClusterFixtures.live(desired), states: leaving(1)).isEmpty)
    }

    @Test func aBrokerGoneFromTheSpecWithoutStatusIsRemovedToo() throws {
        let before = ClusterFixtures.render(try ClusterFixtures.withBrokers([0, 1]))
        let after = ClusterFixtures.render(try ClusterFixtures.withBrokers([0]))
        let steps = plan(after, ClusterFixtures.live(before))
        #expect(steps.count == 3)
        #expect(steps.allSatisfy { if case .delete(let target) = $0 { target.brokerID == 1 } else { false } })
    }

    @Test func anUndrainedBrokerKeepsEverything() throws {
        let before = ClusterFixtures.render(try ClusterFixtures.withBrokers([0, 1]))
        let after = ClusterFixtures.render(try ClusterFixtures.withBrokers([0]))
        let steps = plan(after, ClusterFixtures.live(before), states: leaving(1), gate: .drained([]))
        #expect(steps == [.waitForBroker(1, .awaitingDrain)])
        #expect(plan(after, ClusterFixtures.live(before), states: leaving(1), gate: .drained([1])).count == 3)
    }

    @Test func anAddedDiskCreatesOneClaimAndReplacesThePod() throws {
        var cluster = try ClusterFixtures.withBrokers([0, 1])
        let before = ClusterFixtures.render(cluster)
        var config = BrokerConfig()
        config.storageConfigs = [
            StorageConfig(mountPath: "/kafka-logs-1", pvcSpec: PersistentVolumeClaimSpec(storage: "10Gi"))
        ]
        cluster.spec.brokers[0].brokerConfig = config
        let after = ClusterFixtures.render(cluster)
        let zeroBefore = try #require(before.broker(0))
        let zeroAfter = try #require(after.broker(0))
        let steps = plan(after, ClusterFixtures.live(before))
        let newClaim = try #require(zeroAfter.volumes.last)
        #expect(steps.count == 4)
        #expect(steps.contains(.create(OwnedObject(newClaim))))
        #expect(steps.contains(.create(OwnedObject(zeroAfter.pod))))
        #expect(steps.contains(.delete(OwnedObject(zeroBefore.pod).withUID.deletionTarget)))
        // log.dirs changed: the ConfigMap is updated in place, with the live resourceVersion.
        let update = steps.compactMap { step -> OwnedObject? in
            if case .update(let object) = step { return object }
            return nil
        }
        #expect(update.map(\.name) == [zeroAfter.configMap.name])
        #expect(update.first?.metadata.resourceVersion != nil)
        #expect(update.first?.metadata.uid == "uid-\(zeroAfter.configMap.name)")
        let deleteIndex = try #require(steps.firstIndex { if case .delete = $0 { true } else { false } })
        let createIndex = try #require(steps.firstIndex(of: .create(OwnedObject(zeroAfter.pod))))
        #expect(deleteIndex < createIndex)
    }

    @Test func aChangedImageReplacesOnlyThatPod() throws {
        var cluster = try ClusterFixtures.withBrokers([0, 1, 2])
        let before = ClusterFixtures.render(cluster)
        cluster.spec.brokers[2].brokerConfig = BrokerConfig(image: "kafka:next")
        let after = ClusterFixtures.render(cluster)
        let steps = plan(after, ClusterFixtures.live(before))
        #expect(
            steps == [
                .delete(OwnedObject(try #require(before.broker(2)?.pod)).withUID.deletionTarget),
                .create(OwnedObject(try #require(after.broker(2)?.pod))),
            ])
    }

    @Test func aChangedConfigurationUpdatesTheConfigMapAndRestartsOnlyForReadOnlyKeys() throws {
        var cluster = try ClusterFixtures.withBrokers([0])
        let before = ClusterFixtures.render(cluster)
        cluster.spec.brokers[0].brokerConfig = BrokerConfig()
        cluster.spec.brokers[0].brokerConfig?.config = "log.cleaner.threads=4"
        let dynamic = plan(ClusterFixtures.render(cluster), ClusterFixtures.live(before))
        #expect(dynamic.map(\.description) == ["update ConfigMap kafka-config-0"])
        cluster.spec.brokers[0].readOnlyConfig = "auto.leader.rebalance.enable=false"
        let readOnly = plan(ClusterFixtures.render(cluster), ClusterFixtures.live(before))
        #expect(readOnly.count == 3)
    }

    @Test func foreignObjectsWithOurLabelsAreLeftAlone() throws {
        let desired = ClusterFixtures.render(try ClusterFixtures.withBrokers([0]))
        var actual = ClusterFixtures.live(desired)
        // Someone else's pod for a broker we do not have, and someone else's ConfigMap where
        // ours would be; and an object owned by another KafkaCluster of the same name.
        var stray = try #require(desired.broker(0)?.pod)
        stray.metadata.name = "kafka-5-deadbeef"
        stray.metadata.labels?["brokerId"] = "5"
        stray.metadata.ownerReferences = nil
        actual.pods.append(stray)
        var other = stray
        other.metadata.name = "kafka-6-deadbeef"
        other.metadata.labels?["brokerId"] = "6"
        other.metadata.ownerReferences = [
            ResourceConventions.ownerReference(cluster: "kafka", uid: "another-uid")
        ]
        actual.pods.append(other)
        actual.configMaps = actual.configMaps.map {
            var map = $0
            map.metadata.ownerReferences = nil
            map.data = ["broker-config": "someone else's"]
            map.metadata.annotations = nil
            return map
        }
        #expect(plan(desired, actual).isEmpty)
    }

    @Test func aStayingBrokersUnrenderedClaimIsKept() throws {
        var cluster = try ClusterFixtures.withBrokers([0])
        var config = BrokerConfig()
        config.storageConfigs = [
            StorageConfig(mountPath: "/extra", pvcSpec: PersistentVolumeClaimSpec(storage: "1Gi"))
        ]
        cluster.spec.brokers[0].brokerConfig = config
        let before = ClusterFixtures.render(cluster)
        cluster.spec.brokers[0].brokerConfig = nil
        let after = ClusterFixtures.render(cluster)
        let steps = plan(after, ClusterFixtures.live(before))
        #expect(
            !steps.contains {
                if case .delete(let target) = $0 { target.type == .persistentVolumeClaims } else { false }
            })
        #expect(steps.count == 3)  // ConfigMap update, pod replaced
    }

    @Test func switchingTheHeadlessServiceOffReplacesTheClusterService() throws {
        var cluster = try ClusterFixtures.withBrokers([0])
        let before = ClusterFixtures.render(cluster)
        cluster.spec.headlessServiceEnabled = false
        let after = ClusterFixtures.render(cluster)
        let steps = plan(after, ClusterFixtures.live(before)).map(\.description)
        #expect(
            Array(steps.prefix(2)) == ["create Service kafka-all-broker", "delete Service kafka-headless"])
        // The broker's address moves from the headless name to its own Service: it restarts.
        #expect(steps.dropFirst(2).first == "update ConfigMap kafka-config-0")
        #expect(steps.count == 5)
    }

    @Test func aChangedServiceKeepsItsClusterIP() throws {
        var cluster = try ClusterFixtures.withBrokers([0])
        cluster.spec.listenersConfig = try ClusterFixtures.withExternalListener().spec.listenersConfig
        let before = ClusterFixtures.render(cluster)
        var actual = ClusterFixtures.live(before)
        for index in actual.services.indices {
            actual.services[index].spec?.clusterIP = "10.0.0.\(index + 1)"
        }
        cluster.spec.listenersConfig?.externalListeners = nil
        let steps = plan(ClusterFixtures.render(cluster), actual)
        let services = steps.compactMap { step -> Service? in
            if case .update(let object) = step { return object.as(Service.self) }
            return nil
        }
        #expect(services.count == 2)
        #expect(services.first { $0.name == "kafka-headless" }?.spec?.clusterIP == "None")
        #expect(services.first { $0.name == "kafka-0" }?.spec?.clusterIP?.hasPrefix("10.0.0.") == true)
    }

    @Test func removalStateMachineWalksItsPhases() {
        var removal = BrokerRemoval(brokerID: 4, cruiseControlState: "GracefulDownscaleRequired")
        let pod = OwnedObject(Pod(metadata: Kubernetes.ObjectMeta(name: "p", labels: ["brokerId": "4"])))
        let claim = OwnedObject(
            PersistentVolumeClaim(metadata: Kubernetes.ObjectMeta(name: "c", labels: ["brokerId": "4"])))
        var terminating = pod
        terminating.metadata.deletionTimestamp = "now"
        let rows: [(BrokerRemoval.Observation, BrokerRemoval.Step, BrokerRemoval.Phase)] = [
            (
                .init(drained: false, brokerObjects: [pod], volumes: [claim], hasStatusEntry: true), .wait,
                .awaitingDrain
            ),
            (
                .init(drained: true, brokerObjects: [pod], volumes: [claim], hasStatusEntry: true),
                .delete([pod.deletionTarget]), .deletingBroker
            ),
            (
                .init(drained: true, brokerObjects: [terminating], volumes: [claim], hasStatusEntry: true),
                .wait,
                .awaitingPodTermination
            ),
            (
                .init(drained: true, brokerObjects: [], volumes: [claim], hasStatusEntry: true),
                .delete([claim.deletionTarget]), .deletingVolumes
            ),
            (
                .init(drained: false, brokerObjects: [], volumes: [], hasStatusEntry: true), .forget,
                .forgetting
            ),
            (.init(drained: true, brokerObjects: [], volumes: [], hasStatusEntry: false), .none, .finished),
        ]
        for (observation, step, phase) in rows {
            #expect(removal.next(observed: observation) == step)
            #expect(removal.phase == phase)
        }
    }
}

extension OwnedObject {
    /// As `ClusterFixtures.live` lists it: with the uid the delete is preconditioned on.
    var withUID: OwnedObject {
        var object = self
        object.metadata.uid = "uid-\(name)"
        return object
    }
}

@Suite struct DriftTests {
    /// One row per hand edit that leaves the hash annotation alone; each is put back.
    @Test(arguments: ["configMap data", "service ports", "service selector", "claim size", "label"])
    func aHandEditIsPutBack(edit: String) throws {
        let desired = ClusterFixtures.render(try ClusterFixtures.withBrokers([0]))
        var actual = ClusterFixtures.live(desired)
        switch edit {
        case "configMap data": actual.configMaps[0].data = ["broker-config": "broker.id=7\n"]
        case "service ports": actual.services[1].spec?.ports?.removeLast()
        case "service selector": actual.services[1].spec?.selector = ["app": "kafka"]
        case "claim size": actual.persistentVolumeClaims[0].spec?.resources?.requests = ["storage": "1Gi"]
        default: actual.configMaps[0].metadata.labels?["kafka_cr"] = "other"
        }
        let steps = ReconcilePlan.make(desired: desired, actual: actual, brokerStates: [:])
        #expect(steps.count == 1)
        guard case .update(let object)? = steps.first else {
            Issue.record("expected an update, got \(steps)")
            return
        }
        #expect(object.drifted(from: object) == false)
    }

    @Test func serverDefaultsAreNotDrift() throws {
        let desired = ClusterFixtures.render(try ClusterFixtures.withBrokers([0]))
        var actual = ClusterFixtures.live(desired)
        for index in actual.services.indices {
            if actual.services[index].spec?.clusterIP == nil {
                actual.services[index].spec?.clusterIP = "10.0.0.9"
            }
        }
        actual.persistentVolumeClaims[0].spec?.volumeName = "pv-1"
        actual.persistentVolumeClaims[0].status = PersistentVolumeClaim.Status(phase: "Bound")
        actual.configMaps[0].metadata.labels?["extra"] = "someone's"
        #expect(ReconcilePlan.make(desired: desired, actual: actual, brokerStates: [:]).isEmpty)
    }
}
