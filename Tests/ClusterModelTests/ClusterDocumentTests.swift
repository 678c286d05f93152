import Foundation
import JSON
import TestSupport
import Testing

@testable import ClusterModel

@Suite struct ClusterDocumentTests {
    static var example: String {
        get throws {
            try String(
                contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"),
                encoding: .utf8)
        }
    }

    @Test func readsTheExampleManifest() throws {
        let document = try ClusterDocument(yaml: try Self.example)
        let spec = document.cluster.spec
        #expect(document.cluster.metadata.name == "kafka")
        #expect(document.cluster.metadata.namespace == "kafka")
        #expect(spec.brokers.map(\.id) == [0, 1, 2])
        #expect(spec.brokers[2].brokerConfigGroup == "large")
        #expect(
            spec.brokerConfigGroups?["large"]?.storageConfigs?.map(\.mountPath) == [
                "/kafka-logs", "/kafka-logs-2",
            ])
        #expect(spec.brokerConfigGroups?["default"]?.storageConfigs?.first?.pvcSpec?.storage == "10Gi")
        #expect(spec.alertManagerConfig == AlertManagerConfig(upScaleLimit: 6, downScaleLimit: 3))
        #expect(spec.rollingUpgradeConfig?.failureThreshold == 1)
        #expect(spec.listenersConfig?.internalListeners?.map(\.containerPort) == [29092, 29093])
        #expect(spec.disruptionBudget == DisruptionBudget(create: true, budget: "1"))
        #expect(spec.readOnlyConfig?.contains("auto.create.topics.enable=false") == true)
    }

    @Test func unknownFieldsSurviveARoundTripAtEveryLevel() throws {
        let manifest = #"""
            {"apiVersion":"kafka.banzaicloud.io/v1beta1","kind":"KafkaCluster","extraTop":1,
             "metadata":{"name":"k","namespace":"n","finalizers":["x"]},
             "spec":{"zkAddresses":["zk:2181"],"brokers":[
                {"id":0,"custom":"keep-0","brokerConfig":{"storageConfigs":[{"mountPath":"/a","emptyDir":{},"pvcSpec":{"volumeMode":"Filesystem","resources":{"requests":{"storage":"1Gi"}}}}]}},
                {"id":1,"custom":"keep-1"}]},
             "status":{"state":"ClusterRunning","cruiseControlTopicStatus":"CruiseControlTopicReady"}}
            """#
        var document = try ClusterDocument(json: Array(manifest.utf8))
        // Change the typed model: drop broker 0, add broker 2, add a disk to broker 1.
        document.cluster.spec.brokers.removeFirst()
        document.cluster.spec.brokers[0].brokerConfig = BrokerConfig(storageConfigs: [
            StorageConfig(mountPath: "/b")
        ])
        document.cluster.spec.brokers.append(Broker(id: 2))
        let written = document.value
        #expect(written["extraTop"] == .number("1"))
        #expect(written["metadata"]?["finalizers"] == .array([.string("x")]))
        #expect(written["spec"]?["zkAddresses"] == .array([.string("zk:2181")]))
        #expect(written["status"]?["cruiseControlTopicStatus"] == .string("CruiseControlTopicReady"))
        guard case .array(let brokers) = written["spec"]?["brokers"] else {
            Issue.record("brokers missing")
            return
        }
        #expect(brokers.map { $0["id"] } == [.number("1"), .number("2")])
        #expect(
            brokers[0]["custom"] == .string("keep-1"), "broker 1 keeps its unknown field after broker 0 left")
        #expect(brokers[1]["custom"] == nil)

        // And a second read sees the same typed cluster.
        let reread = try ClusterDocument(json: document.json())
        #expect(reread.cluster == document.cluster)
    }

    @Test func unknownFieldsInsideAStorageConfigSurvive() throws {
        let manifest = #"""
            {"kind":"KafkaCluster","metadata":{"name":"k"},"spec":{"brokers":[{"id":0,"brokerConfig":{"storageConfigs":[
              {"mountPath":"/a","emptyDir":{"medium":"Memory"}}]}}]}}
            """#
        var document = try ClusterDocument(json: Array(manifest.utf8))
        document.cluster.spec.brokers[0].brokerConfig?.storageConfigs?.append(StorageConfig(mountPath: "/b"))
        let disks = document.value["spec"]?["brokers"].flatMap { value -> JSONValue? in
            if case .array(let brokers) = value { return brokers.first?["brokerConfig"]?["storageConfigs"] }
            return nil
        }
        guard case .array(let storage) = disks else {
            Issue.record("storageConfigs missing")
            return
        }
        #expect(storage.count == 2)
        #expect(storage[0]["emptyDir"]?["medium"] == .string("Memory"))
    }

    static let refused: [(name: String, json: String, error: ClusterDocumentError)] = [
        ("not JSON", "{", .malformed("the JSON ends too early")),
        ("array", "[]", .malformed("a KafkaCluster must be an object, not an array")),
        (
            "wrong kind", #"{"kind":"Pod","metadata":{"name":"p"},"spec":{"brokers":[]}}"#,
            .wrongKind(#""Pod""#)
        ),
        (
            "no brokers", #"{"kind":"KafkaCluster","metadata":{"name":"k"},"spec":{}}"#,
            .invalidField("spec.brokers is missing")
        ),
        (
            "id not a number",
            #"{"kind":"KafkaCluster","metadata":{"name":"k"},"spec":{"brokers":[{"id":"x"}]}}"#,
            .invalidField("spec.brokers[0].id should be Int32")
        ),
    ]

    @Test(arguments: refused)
    func refusesDocumentsThatAreNotAKafkaCluster(
        _ row: (name: String, json: String, error: ClusterDocumentError)
    ) {
        #expect(throws: row.error, "\(row.name)") { try ClusterDocument(json: Array(row.json.utf8)) }
    }

    @Test func writesYAMLThatReadsBack() throws {
        let document = try ClusterDocument(yaml: try Self.example)
        let reread = try ClusterDocument(yaml: try document.yaml())
        #expect(reread.cluster == document.cluster)
        #expect(reread.value == document.value)
    }
}
