import ClusterModel
import Testing

@testable import AlertReceiver

/// Disk alerts whose claim's name does not say its cluster or disk (Koperator's claims, with a
/// random suffix, or any other name) find them through the claim's labels (`kafka_cr`,
/// `brokerId`) and its `mountPath` annotation.
@Suite struct ClaimLabelAlertTests {
    /// Koperator's labels and annotation on the claim of `mountPath` of broker `broker`.
    static func koperatorMetadata(cluster: String = "kafka", broker: String, mountPath: String) -> (
        labels: [String: String], annotations: [String: String]
    ) {
        (["app": "kafka", "kafka_cr": cluster, "brokerId": broker], ["mountPath": mountPath])
    }

    static let acted:
        [(claim: String, broker: String, mountPath: String, annotations: String, says: String)] = [
            (
                "kafka-0-storage-0-x7k2p", "0", "/kafka-logs", #""command":"resizePvc","incrementBy":"10Gi""#,
                "grew the disk at /kafka-logs of broker 0 from 10Gi to 20Gi"
            ),
            (
                "data-broker-two", "2", "/kafka-logs-2", #""command":"resizePvc","incrementBy":"1Gi""#,
                "grew the disk at /kafka-logs-2 of broker 2 from 100Gi to 101Gi"
            ),
            (
                "data-broker-two", "2", "/kafka-logs-2", #""command":"addPvc","diskSize":"100Gi""#,
                "added a 100Gi disk at /kafka-logs-1 to broker 2"
            ),
            // The name has the operator's shape but names a cluster that does not exist.
            (
                "other-1-storage-0-1a2b3c4d", "1", "/kafka-logs", #""command":"addPvc","diskSize":"5Gi""#,
                "added a 5Gi disk at /kafka-logs-1 to broker 1"
            ),
        ]

    @Test(arguments: acted)
    func aClaimFoundByItsLabelsIsActedOn(
        _ row: (claim: String, broker: String, mountPath: String, annotations: String, says: String)
    ) async throws {
        let harness = try await ReceiverHarness()
        let metadata = Self.koperatorMetadata(broker: row.broker, mountPath: row.mountPath)
        await harness.claims.add(
            namespace: "kafka", name: row.claim, labels: metadata.labels, annotations: metadata.annotations)
        let answer = await harness.postAlerts(
            ReceiverHarness.notification(
                labels: DiskAlertTests.kubeletLabels(row.claim), annotations: row.annotations))
        #expect(answer.status == 200)
        #expect(answer.body.contains(#""outcome":"accepted""#), "\(answer.body)")
        #expect(answer.body.contains(row.says), "\(answer.body)")
        // Acted on once: the re-send is a duplicate.
        let again = await harness.postAlerts(
            ReceiverHarness.notification(
                labels: DiskAlertTests.kubeletLabels(row.claim), annotations: row.annotations))
        #expect(again.body.contains(#""outcome":"duplicate""#), "\(again.body)")
    }

    static let refused: [(labels: [String: String], annotations: [String: String], says: String)] = [
        (
            ["app": "postgres"], [:],
            "the alert has no kafka_cr label, and the persistentvolumeclaim kafka/data-broker-two is not a broker disk: it has no kafka_cr label naming its KafkaCluster"
        ),
        (["kafka_cr": "kafka"], ["mountPath": "/kafka-logs"], "it has no brokerId label naming its broker"),
        (
            ["kafka_cr": "kafka", "brokerId": "01"], ["mountPath": "/kafka-logs"],
            "its brokerId label '01' is not a broker id"
        ),
        (
            ["kafka_cr": "kafka", "brokerId": "0"], [:],
            "it has no mountPath annotation with the absolute path its disk is mounted at"
        ),
        (
            ["kafka_cr": "gone", "brokerId": "0"], ["mountPath": "/kafka-logs"],
            "the claim data-broker-two is labelled kafka_cr=gone: KafkaCluster kafka/gone does not exist"
        ),
        (
            ["kafka_cr": "kafka", "brokerId": "0"], ["mountPath": "/kafka-logs-9"],
            "'data-broker-two' is annotated as mounted at /kafka-logs-9, where broker 0 has no disk"
        ),
    ]

    @Test(arguments: refused)
    func aClaimWhoseLabelsDoNotNameADiskIsRejectedAndChangesNothing(
        _ row: (labels: [String: String], annotations: [String: String], says: String)
    ) async throws {
        let harness = try await ReceiverHarness()
        await harness.claims.add(
            namespace: "kafka", name: "data-broker-two", labels: row.labels, annotations: row.annotations)
        let before = try await harness.cluster()
        let answer = await harness.postAlerts(
            ReceiverHarness.notification(
                labels: DiskAlertTests.kubeletLabels("data-broker-two"),
                annotations: #""command":"resizePvc","incrementBy":"10Gi""#))
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.body.contains(#""outcome":"rejected""#), "\(answer.body)")
        #expect(answer.body.contains(row.says), "\(answer.body)")
        #expect(try await harness.cluster() == before)
    }

    /// A lookup a retry may cure defers the alert and asks Alertmanager to send it again (503);
    /// the re-send acts. A lookup refused for good is a rejection (200).
    @Test func aLookupThatFailsForNowIsDeferredAndTheResendActs() async throws {
        let harness = try await ReceiverHarness()
        let metadata = Self.koperatorMetadata(broker: "0", mountPath: "/kafka-logs")
        await harness.claims.add(
            namespace: "kafka", name: "kafka-0-storage-0-x7k2p", labels: metadata.labels,
            annotations: metadata.annotations)
        let alert = ReceiverHarness.notification(
            labels: DiskAlertTests.kubeletLabels("kafka-0-storage-0-x7k2p"),
            annotations: #""command":"resizePvc","incrementBy":"10Gi""#)
        let before = try await harness.cluster()

        await harness.claims.failLookups(1, with: .storage("the API server is unreachable"))
        let deferred = await harness.postAlerts(alert)
        #expect(deferred.status == 503)
        #expect(
            deferred.body.contains(
                #""outcome":"deferred","status":"firing","detail":"reading the persistentvolumeclaim kafka/kafka-0-storage-0-x7k2p failed: cluster storage failed: the API server is unreachable; a retry may succeed""#
            ), "\(deferred.body)")
        #expect(try await harness.cluster() == before)

        await harness.claims.failLookups(1, with: .refused("persistentvolumeclaims is forbidden"))
        let refused = await harness.postAlerts(alert)
        #expect(refused.status == 200)
        #expect(refused.body.contains(#""outcome":"rejected""#), "\(refused.body)")
        #expect(refused.body.contains("persistentvolumeclaims is forbidden"), "\(refused.body)")
        #expect(try await harness.cluster() == before)

        let again = await harness.postAlerts(alert)
        #expect(again.status == 200)
        #expect(
            again.body.contains("grew the disk at /kafka-logs of broker 0 from 10Gi to 20Gi"), "\(again.body)"
        )
    }
}
