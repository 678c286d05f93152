import ClusterModel
import Kubernetes
import Testing

@testable import Reconciler

/// A disk taken out of a staying broker's spec, without I/O: it stays mounted and in `log.dirs`
/// until its state is `GracefulDiskRemovalSucceeded`, and its claim may go only once no pod
/// mounts it.
@Suite struct GracefulDiskRemovalTests {
    static let disk = "/kafka-logs-2"

    /// The example (broker 2's group gives it a second disk at /kafka-logs-2) as created, then
    /// with that disk out of the group.
    static func removing(cruiseControl: Bool = false) throws -> (
        before: DesiredState, live: ActualState, cluster: KafkaCluster
    ) {
        var cluster = try ClusterFixtures.example(cruiseControl: cruiseControl)
        let before = ClusterFixtures.render(cluster)
        let index = try #require(cluster.spec.brokers.firstIndex { $0.id == 2 })
        #expect(
            cluster.spec.effectiveStorage(of: cluster.spec.brokers[index]).map(\.mountPath).contains(disk))
        cluster.spec.brokerConfigGroups?["large"]?.storageConfigs?.removeAll { $0.mountPath == disk }
        #expect(
            !cluster.spec.effectiveStorage(of: cluster.spec.brokers[index]).map(\.mountPath).contains(disk))
        return (before, ClusterFixtures.live(before), cluster)
    }

    static func render(_ cluster: KafkaCluster, live: ActualState) -> DesiredState {
        DesiredStateRenderer().render(
            cluster, uid: ClusterFixtures.uid,
            existingClaims: ClusterReconciler.claimsByMountPath(live, uid: ClusterFixtures.uid),
            claimSizes: ClusterReconciler.claimSizes(live))
    }

    /// Cruise Control's `capacity.json` as rendered.
    static func capacity(_ desired: DesiredState) -> String {
        desired.clusterObjects.compactMap { $0.as(ConfigMap.self) }.first {
            $0.name == "kafka-cruisecontrol-config"
        }?.data?["capacity.json"] ?? ""
    }

    /// As Koperator keeps it, the disk keeps its capacity entry (its claim's size) until its
    /// removal succeeded: Cruise Control plans `remove_disks` over the broker's disks as they are.
    @Test func aRemovedDiskKeepsItsCapacityEntryUntilItsRemovalSucceeded() throws {
        let (before, live, cluster) = try Self.removing(cruiseControl: true)
        let entry = #""/kafka-logs-2/kafka":"107374""#
        #expect(Self.capacity(before).contains(entry))
        #expect(Self.capacity(Self.render(cluster, live: live)) == Self.capacity(before))

        var done = cluster
        var state = BrokerState()
        var graceful = GracefulActionState()
        graceful.setVolume(Self.disk, state: .diskRemovalSucceeded)
        state.gracefulActionState = graceful
        done.status = KafkaClusterStatus()
        done.status?.brokersState = ["2": state]
        let after = Self.capacity(Self.render(done, live: live))
        #expect(!after.contains("/kafka-logs-2/kafka"), "\(after)")
        #expect(after.contains("/kafka-logs/kafka"))
    }

    static func broker(_ id: Int32, in desired: DesiredState) throws -> BrokerResources {
        try #require(desired.brokers.first { $0.brokerID == id })
    }

    @Test func aRemovedDiskStaysMountedUntilItsRemovalSucceeded() throws {
        let (before, live, cluster) = try Self.removing()
        let draining = try Self.broker(2, in: Self.render(cluster, live: live))
        let was = try Self.broker(2, in: before)
        #expect(draining.pod.name == was.pod.name, "the last disk left the spec: the pod is unchanged")
        #expect(
            draining.serverProperties.properties["log.dirs"] == was.serverProperties.properties["log.dirs"])
        #expect(draining.volumes.count == was.volumes.count - 1, "its claim is kept as it is, not rendered")
        #expect(
            ReconcilePlan.make(desired: Self.render(cluster, live: live), actual: live, brokerStates: [:])
                .isEmpty)

        var done = cluster
        var state = BrokerState()
        var graceful = GracefulActionState()
        graceful.setVolume(Self.disk, state: .diskRemovalSucceeded, operation: "kafka-remove-disks-x")
        state.gracefulActionState = graceful
        done.status = KafkaClusterStatus()
        done.status?.brokersState = ["2": state]
        let gone = try Self.broker(2, in: Self.render(done, live: live))
        #expect(gone.pod.name != was.pod.name)
        #expect(gone.serverProperties.properties["log.dirs"] == "/kafka-logs/kafka")
        let mounts = gone.pod.spec?.containers.first?.volumeMounts?.map(\.mountPath) ?? []
        #expect(!mounts.contains(Self.disk))
    }

    @Test(arguments: [
        CruiseControlVolumeState.diskRemovalRequired, .diskRemovalScheduled, .diskRemovalRunning,
        .diskRemovalCompletedWithError, .diskRemovalPaused, .diskRebalanceSucceeded,
    ])
    func everyStateButSucceededKeepsTheDiskMounted(_ volume: CruiseControlVolumeState) throws {
        var (before, live, cluster) = try Self.removing()
        var graceful = GracefulActionState()
        graceful.setVolume(Self.disk, state: volume)
        var state = BrokerState()
        state.gracefulActionState = graceful
        cluster.status = KafkaClusterStatus()
        cluster.status?.brokersState = ["2": state]
        #expect(
            try Self.broker(2, in: Self.render(cluster, live: live)).pod.name
                == Self.broker(2, in: before).pod.name)
    }

    @Test func theClaimGoesOnlyOnceNoPodMountsIt() throws {
        let (before, live, cluster) = try Self.removing()
        let disks = GracefulDiskRemoval(
            cluster, claimsInUse: ClusterReconciler.claimsByMountPath(live, uid: ClusterFixtures.uid))
        #expect(disks.removed == [2: [Self.disk]])
        let claim = try #require(disks.claims[2]?[Self.disk])

        var running = BrokerState()
        var graceful = GracefulActionState()
        graceful.setVolume(Self.disk, state: .diskRemovalRunning)
        running.gracefulActionState = graceful
        #expect(disks.releasable(recorded: ["2": running], actual: live, uid: ClusterFixtures.uid).isEmpty)

        var succeeded = running
        graceful.setVolume(Self.disk, state: .diskRemovalSucceeded)
        succeeded.gracefulActionState = graceful
        #expect(
            disks.releasable(recorded: ["2": succeeded], actual: live, uid: ClusterFixtures.uid).isEmpty,
            "the old pod still mounts it")
        var replaced = live
        let oldPod = try Self.broker(2, in: before).pod.name
        replaced.pods = live.pods.filter { $0.name != oldPod }
        let targets = disks.releasable(recorded: ["2": succeeded], actual: replaced, uid: ClusterFixtures.uid)
        #expect(targets.map(\.name) == [claim])
        #expect(targets.first?.type == .persistentVolumeClaims)
    }
}
