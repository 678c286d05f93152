import ClusterModel
import Testing

@testable import AlertReceiver

/// Alerts from kubelet volume metrics carry `persistentvolumeclaim` and `namespace` but no
/// `kafka_cr`: the claim's name says the cluster, the broker and the disk.
@Suite struct DiskAlertTests {
    static func claim(_ broker: Int32, _ mountPath: String = "/kafka-logs") -> String {
        BrokerClaimName(cluster: "kafka", broker: broker, index: 0, mountPath: mountPath).description
    }

    /// The labels kubelet's volume metrics give an alert, for `claim`.
    static func kubeletLabels(_ claim: String) -> String {
        #""alertname":"KafkaDiskFillingUp","namespace":"kafka","persistentvolumeclaim":""# + claim
            + #"","job":"kubelet","node":"node-1""#
    }

    @Test func aResizeAlertWithOnlyTheClaimGrowsThatDisk() async throws {
        let harness = try await ReceiverHarness()
        let answer = await harness.postAlerts(
            ReceiverHarness.notification(
                labels: Self.kubeletLabels(Self.claim(0)),
                annotations: #""command":"resizePvc","incrementBy":"10G""#))
        #expect(answer.status == 200)
        #expect(answer.body.contains(#""outcome":"accepted""#), "\(answer.body)")
        #expect(
            answer.body.contains("grew the disk at /kafka-logs of broker 0 from 10Gi to 20251385Ki"),
            "\(answer.body)")
        let spec = try await harness.cluster().cluster.spec
        #expect(spec.effectiveStorage(of: spec.brokers[0]).first?.pvcSpec?.storage == "20251385Ki")
    }

    @Test func anAddPvcAlertWithOnlyTheClaimAddsADiskToThatBroker() async throws {
        let harness = try await ReceiverHarness()
        let answer = await harness.postAlerts(
            ReceiverHarness.notification(
                labels: Self.kubeletLabels(Self.claim(2, "/kafka-logs-2")),
                annotations: #""command":"addPvc","diskSize":"100Gi""#))
        #expect(answer.body.contains("added a 100Gi disk at /kafka-logs-1 to broker 2"), "\(answer.body)")
    }

    static let unknownClaims: [(labels: String, says: String)] = [
        (
            kubeletLabels("postgres-data"),
            "the alert has no kafka_cr label, and the persistentvolumeclaim kafka/postgres-data does not exist"
        ),
        (
            kubeletLabels("other-0-storage-0-1a2b3c4d"),
            "no KafkaCluster has the claim other-0-storage-0-1a2b3c4d: KafkaCluster kafka/other does not exist, and the persistentvolumeclaim kafka/other-0-storage-0-1a2b3c4d does not exist"
        ),
        (kubeletLabels(claim(9)), "belongs to broker 9, which the cluster does not have"),
        (
            kubeletLabels("kafka-0-storage-0-x7k2p"),
            "is not the operator's name for a disk of broker 0 (<cluster>-<broker>-storage-<n>-<hash of the mount path>), and the persistentvolumeclaim kafka/kafka-0-storage-0-x7k2p does not exist"
        ),
        (
            #""namespace":"kafka","persistentvolumeclaim":"""#,
            "the alert has no kafka_cr label naming the KafkaCluster, nor a persistentvolumeclaim label naming one of its disks"
        ),
        (#""persistentvolumeclaim":"\#(claim(0))""#, "the alert has no namespace label"),
        (
            #""kafka_cr":"kafka","namespace":"kafka","persistentvolumeclaim":"other-0-storage-0-1a2b3c4d""#,
            "'other-0-storage-0-1a2b3c4d' is not a disk of cluster kafka"
        ),
    ]

    @Test(arguments: unknownClaims)
    func anAlertForAClaimOfNoKnownDiskIsRejectedAndChangesNothing(_ row: (labels: String, says: String))
        async throws
    {
        let harness = try await ReceiverHarness()
        let before = try await harness.cluster()
        let answer = await harness.postAlerts(
            ReceiverHarness.notification(
                labels: row.labels, annotations: #""command":"resizePvc","incrementBy":"10Gi""#))
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.body.contains(#""outcome":"rejected""#), "\(answer.body)")
        #expect(answer.body.contains(row.says), "\(answer.body)")
        #expect(try await harness.cluster() == before)
    }

    /// A deferred alert is answered as such and not marked processed: Alertmanager's next
    /// re-send of the same firing acts once the cluster runs.
    @Test func anAlertForABusyClusterIsDeferredUntilARepeatFindsItRunning() async throws {
        let harness = try await ReceiverHarness()
        var graceful = BrokerState()
        graceful.gracefulActionState = GracefulActionState(cruiseControlState: "GracefulDownscaleRunning")
        _ = try await harness.store.modify(namespace: "kafka", name: "kafka") { document in
            document.cluster.status?.brokersState = ["1": graceful]
        }
        let before = try await harness.cluster()
        let alert = ReceiverHarness.notification(
            labels: Self.kubeletLabels(Self.claim(0)),
            annotations: #""command":"resizePvc","incrementBy":"10Gi""#)
        let deferred = await harness.postAlerts(alert)
        #expect(deferred.status == 200)
        #expect(
            deferred.body.contains(
                #""outcome":"deferred","status":"firing","detail":"broker 1 is still in GracefulDownscaleRunning""#
            ),
            "\(deferred.body)")
        #expect(try await harness.cluster() == before)

        graceful.gracefulActionState?.cruiseControlState = "GracefulDownscaleSucceeded"
        _ = try await harness.store.modify(namespace: "kafka", name: "kafka") { document in
            document.cluster.status?.brokersState = ["1": graceful]
        }
        let again = await harness.postAlerts(alert)
        #expect(again.body.contains(#""outcome":"accepted""#), "\(again.body)")
    }
}
