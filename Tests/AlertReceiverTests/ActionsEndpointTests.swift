import ClusterModel
import Testing

@testable import AlertReceiver

@Suite struct ActionsEndpointTests {
    /// `dryRun` must be unambiguous: a value read as false would act for real.
    static let dryRunQueries: [(query: [(name: String, value: String)], status: Int, says: String)] = [
        ([], 202, #""outcome":"accepted""#),
        ([("dryRun", "true")], 200, #""outcome":"planned""#),
        ([("dryRun", "false")], 202, #""outcome":"accepted""#),
        ([("dryRun", "TRUE")], 400, "dryRun is 'TRUE'; expected true or false"),
        ([("dryRun", "True")], 400, "expected true or false"),
        ([("dryRun", "yes")], 400, "dryRun is 'yes'"),
        ([("dryRun", "1")], 400, "dryRun is '1'"),
        ([("dryRun", "0")], 400, "dryRun is '0'"),
        ([("dryRun", "")], 400, "dryRun is ''"),
        ([("dryRun", "true ")], 400, "expected true or false"),
        ([("dryRun", "All")], 400, "dryRun is 'All'"),
        ([("dryRun", "true"), ("dryRun", "false")], 400, "dryRun is given 2 times"),
        ([("dryRun", "true"), ("dryRun", "true")], 400, "dryRun is given 2 times"),
        ([("dryrun", "true")], 400, "unknown query parameter 'dryrun'"),
        ([("dryRun", "true"), ("force", "1")], 400, "unknown query parameter 'force'"),
    ]

    @Test(arguments: dryRunQueries)
    func dryRunTakesOnlyTrueOrFalse(
        _ row: (query: [(name: String, value: String)], status: Int, says: String)
    )
        async throws
    {
        let harness = try await ReceiverHarness()
        let before = try await harness.cluster()
        let answer = await harness.postAction(#"{"command":"upScale"}"#, query: row.query)
        #expect(answer.status == row.status, "\(row.query): \(answer.body)")
        #expect(answer.body.contains(row.says), "\(row.query): \(answer.body)")
        if row.status != 202 {
            #expect(try await harness.cluster() == before, "\(row.query) changed the cluster")
        }
    }

    /// Bad values, through the manual API and through an alert: a clear reason naming the
    /// parameter, and the stored cluster unchanged.
    static let badValues: [(fields: String, says: String)] = [
        (
            #""command":"addPvc","brokerId":"0","storageClass":"A B!""#,
            "parameter 'storageClass': 'A B!' is not a Kubernetes name"
        ),
        (
            #""command":"addPvc","brokerId":"0","diskSize":"1e3""#,
            "parameter 'diskSize': '1e3' is 1000 bytes; a disk must be at least 1Gi"
        ),
        (
            #""command":"addPvc","brokerId":"0","mountPathPrefix":"/data,/etc""#,
            "parameter 'mountPathPrefix': '/data,/etc' is not an absolute path"
        ),
        (
            #""command":"upScale","image":"Kafka Latest""#,
            "parameter 'image': 'Kafka Latest' is not an image reference"
        ),
        (
            #""command":"upScale","mountPath":"/../etc""#,
            "parameter 'mountPath': '/../etc' is not an absolute path"
        ),
        (#""command":"downScale","brokerId":"-1""#, "parameter 'brokerId': '-1' is not a broker id"),
        (
            #""command":"upScale","brokerAnnotations":"{\"port\":9020}""#,
            "parameter 'brokerAnnotations': 'port' should be a string, not a number"
        ),
        (
            #""command":"upScale","brokerAnnotations":"[\"a\"]""#,
            "parameter 'brokerAnnotations': should be a JSON object of strings"
        ),
        (#""command":"upScale","brokerAnnotations":"{a: 1}""#, "parameter 'brokerAnnotations': is not JSON"),
        (
            #""command":"resizePvc","persistentvolumeclaim":"\#(claim0)","incrementBy":"-5Gi""#,
            "parameter 'incrementBy': '-5Gi' is negative"
        ),
        (
            #""command":"resizePvc","persistentvolumeclaim":"\#(claim0)","incrementBy":"0""#,
            "parameter 'incrementBy': '0' is zero; a disk can only grow"
        ),
        (
            #""command":"resizePvc","persistentvolumeclaim":"\#(claim0)","incrementBy":"1Ei""#,
            "parameter 'incrementBy': '1Ei' is too large"
        ),
        (
            #""command":"resizePvc","persistentvolumeclaim":"\#(claim0)","incrementBy":"100Ti""#,
            "would pass the limit of 16Ti"
        ),
        (#""command":"resizePvc","incrementBy":"10Gi""#, "parameter 'persistentvolumeclaim': give the claim"),
    ]

    static let claim0 = BrokerClaimName(cluster: "kafka", broker: 0, index: 0, mountPath: "/kafka-logs")
        .description

    /// A scaling action while the cluster is busy: 409 with the reason, for a dry run too (it
    /// answers what the real request would get), and nothing changes.
    @Test(arguments: [[], [(name: "dryRun", value: "true")]])
    func aScalingActionOnABusyClusterIs409(query: [(name: String, value: String)]) async throws {
        let harness = try await ReceiverHarness()
        _ = try await harness.store.modify(namespace: "kafka", name: "kafka") { document in
            document.cluster.status?.state = "ClusterReconciling"
        }
        let before = try await harness.cluster()
        let answer = await harness.postAction(#"{"command":"upScale"}"#, query: query)
        #expect(answer.status == 409, "\(answer.body)")
        #expect(
            answer.body
                == #"{"outcome":"deferred","detail":"the cluster is ClusterReconciling, not ClusterRunning"}"#
                + "\n")
        #expect(try await harness.cluster() == before)
    }

    @Test(arguments: badValues)
    func badValuesAre422AndChangeNothing(_ row: (fields: String, says: String)) async throws {
        let harness = try await ReceiverHarness()
        let before = try await harness.cluster()
        let answer = await harness.postAction("{\(row.fields)}")
        #expect(answer.status == 422, "\(answer.body)")
        #expect(answer.body.contains(row.says), "\(answer.body)")
        #expect(try await harness.cluster() == before)
    }

    @Test(arguments: badValues)
    func badValuesInAnAlertAreRejectedAndChangeNothing(_ row: (fields: String, says: String)) async throws {
        let harness = try await ReceiverHarness()
        let before = try await harness.cluster()
        let answer = await harness.postAlerts(
            ReceiverHarness.notification(
                labels: #""kafka_cr":"kafka","namespace":"kafka""#, annotations: row.fields))
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.body.contains(#""outcome":"rejected""#), "\(answer.body)")
        #expect(answer.body.contains(row.says), "\(answer.body)")
        #expect(try await harness.cluster() == before)
    }
}
