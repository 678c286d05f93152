import Foundation
import JSON
import TestSupport
import Testing

@testable import ClusterModel

/// `spec.cruiseControlConfig`: read with Koperator's field names, unknown fields kept, and every
/// rule the renderer and the metrics topic rely on checked with a reason that names the field.
@Suite struct CruiseControlConfigTests {
    static func document(_ cruiseControlConfig: String) throws -> ClusterDocument {
        try ClusterDocument(
            yaml: """
                apiVersion: kafka.banzaicloud.io/v1beta1
                kind: KafkaCluster
                metadata: {name: kafka, namespace: kafka}
                spec:
                  brokers: [{id: 0}]
                  cruiseControlConfig:
                \(cruiseControlConfig.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                """)
    }

    @Test func koperatorsFieldNamesAreReadAndUnknownOnesKept() throws {
        let document = try Self.document(
            """
            image: ghcr.io/banzaicloud/cruise-control:2.5.123
            cruiseControlEndpoint: cc.example.com:8090
            cruiseControlTaskSpec: {RetryDurationMinutes: 7}
            topicConfig: {partitions: 6, replicationFactor: 2}
            config: |
              num.metric.fetchers=2
            capacityConfig: '{"brokerCapacities": []}'
            clusterConfig: '{"min.insync.replicas": 2}'
            log4jConfig: rootLogger.level=WARN
            serviceAccountName: cruise
            nodeSelector: {disk: ssd}
            tolerations: [{key: dedicated, operator: Exists}]
            cruiseControlAnnotations: {team: data}
            resourceRequirements: {limits: {cpu: "1"}}
            priorityClassName: low
            cruiseControlOperationSpec: {ttlSecondsAfterFinished: 300}
            """)
        let config = try #require(document.cluster.spec.cruiseControlConfig)
        #expect(config.image == "ghcr.io/banzaicloud/cruise-control:2.5.123")
        #expect(config.runsElsewhere)
        #expect(config.cruiseControlTaskSpec?.retryDurationMinutes == 7)
        #expect(config.metricsTopic == TopicConfig(partitions: 6, replicationFactor: 2))
        #expect(config.config == "num.metric.fetchers=2\n")
        #expect(config.nodeSelector == ["disk": "ssd"])
        #expect(config.cruiseControlAnnotations == ["team": "data"])
        #expect(config.serviceAccountName == "cruise")
        #expect(config.priorityClassName == "low")
        #expect(
            document.cluster.spec.runsCruiseControl == false,
            "an endpoint means Cruise Control runs elsewhere")
        // Written back: the typed fields under their own names, the unknown one as it was.
        let written = try #require(document.value["spec"]?["cruiseControlConfig"])
        #expect(written["cruiseControlTaskSpec"]?["RetryDurationMinutes"] == .number("7"))
        #expect(written["cruiseControlOperationSpec"]?["ttlSecondsAfterFinished"] == .number("300"))
    }

    @Test func defaultsAreKoperators() throws {
        let config = try #require(try Self.document("{}").cluster.spec.cruiseControlConfig)
        #expect(config.metricsTopic == TopicConfig(partitions: 12, replicationFactor: 3))
        #expect(!config.runsElsewhere)
        #expect(CruiseControlTaskSpec(retryDurationMinutes: 0).effectiveRetryDurationMinutes == 5)
        var spec = KafkaClusterSpec(brokers: [])
        #expect(!spec.runsCruiseControl)
        #expect(spec.cruiseControlMetricsTopic == "__CruiseControlMetrics")
        spec.readOnlyConfig =
            "cruise.control.metrics.topic=cc-metrics\ncruise.control.metrics.topic.auto.create=True"
        #expect(spec.cruiseControlMetricsTopic == "cc-metrics")
        #expect(spec.cruiseControlReporterCreatesTopic)
    }

    /// Fields the CRD types are refused when they do not decode, naming the field.
    @Test(arguments: [
        ("topicConfig: {partitions: 6}", "spec.cruiseControlConfig.topicConfig.replicationFactor is missing"),
        (
            "topicConfig: {partitions: six, replicationFactor: 3}",
            "spec.cruiseControlConfig.topicConfig.partitions"
        ),
        ("cruiseControlTaskSpec: {retryDurationMinutes: 5}", "RetryDurationMinutes is missing"),
        ("config: [a, b]", "spec.cruiseControlConfig.config should be String"),
        ("nodeSelector: [a]", "spec.cruiseControlConfig.nodeSelector"),
    ])
    func mistypedFieldsAreRefusedByPath(_ yaml: String, _ expected: String) throws {
        #expect {
            _ = try Self.document(yaml)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    static func problems(_ edit: (inout KafkaClusterSpec) -> Void) -> [String] {
        let cluster = ClusterValidatorTests.cluster { spec in
            spec.cruiseControlConfig = CruiseControlConfig()
            edit(&spec)
        }
        return ClusterValidator.problems(in: cluster).map(\.description)
    }

    static let capacityPath = "spec.cruiseControlConfig.capacityConfig"
    static let deep = String(repeating: "[", count: 100_000)

    /// One row per rule, hostile values included; each names its field and says why.
    static let rows: [(name: String, edit: @Sendable (inout KafkaClusterSpec) -> Void, problems: [String])] =
        [
            ("valid defaults", { _ in }, []),
            (
                "no partitions",
                { $0.cruiseControlConfig?.topicConfig = TopicConfig(partitions: 0, replicationFactor: 1) },
                ["spec.cruiseControlConfig.topicConfig.partitions: must be at least 1, not 0"]
            ),
            (
                "replication factor beyond 16 bits",
                {
                    $0.cruiseControlConfig?.topicConfig = TopicConfig(
                        partitions: 1, replicationFactor: 40_000)
                },
                ["spec.cruiseControlConfig.topicConfig.replicationFactor: must be from 1 to 32767, not 40000"]
            ),
            (
                "negative retry",
                { $0.cruiseControlConfig?.cruiseControlTaskSpec = .init(retryDurationMinutes: -1) },
                [
                    "spec.cruiseControlConfig.cruiseControlTaskSpec.RetryDurationMinutes: must not be negative, not -1"
                ]
            ),
            ("endpoint", { $0.cruiseControlConfig?.cruiseControlEndpoint = "cc.kafka.svc:8090" }, []),
            (
                "endpoint with a scheme",
                { $0.cruiseControlConfig?.cruiseControlEndpoint = "http://cc:8090" },
                [
                    "spec.cruiseControlConfig.cruiseControlEndpoint: must be host:port (no scheme or path), not 'http://cc:8090'"
                ]
            ),
            (
                "endpoint without a port", { $0.cruiseControlConfig?.cruiseControlEndpoint = "cc" },
                [
                    "spec.cruiseControlConfig.cruiseControlEndpoint: must be host:port (no scheme or path), not 'cc'"
                ]
            ),
            (
                "endpoint port out of range", { $0.cruiseControlConfig?.cruiseControlEndpoint = "cc:99999" },
                [
                    "spec.cruiseControlConfig.cruiseControlEndpoint: the port must be from 1 to 65535, not '99999'"
                ]
            ),
            (
                "endpoint with a path",
                { $0.cruiseControlConfig?.cruiseControlEndpoint = "cc:8090/kafkacruisecontrol" },
                [
                    "spec.cruiseControlConfig.cruiseControlEndpoint: the port must be from 1 to 65535, not '8090/kafkacruisecontrol'"
                ]
            ),
            (
                "endpoint with a space", { $0.cruiseControlConfig?.cruiseControlEndpoint = "c c:8090" },
                [
                    "spec.cruiseControlConfig.cruiseControlEndpoint: must be host:port (no scheme or path), not 'c c:8090'"
                ]
            ),
            (
                "cluster configs", { $0.cruiseControlConfig?.clusterConfig = #"{"min.insync.replicas": 2}"# },
                []
            ),
            (
                "cluster configs not an object", { $0.cruiseControlConfig?.clusterConfig = "[1]" },
                ["spec.cruiseControlConfig.clusterConfig: must be a JSON object, not an array"]
            ),
            (
                "cluster configs not JSON",
                { $0.cruiseControlConfig?.clusterConfig = "min.insync.replicas=2" },
                ["spec.cruiseControlConfig.clusterConfig: is not JSON"]
            ),
            (
                "capacity not JSON", { $0.cruiseControlConfig?.capacityConfig = "{" },
                ["\(capacityPath): is not JSON"]
            ),
            (
                "capacity nested beyond the reader's limit",
                { $0.cruiseControlConfig?.capacityConfig = deep },
                ["\(capacityPath): is not JSON"]
            ),
            (
                "capacity without its list", { $0.cruiseControlConfig?.capacityConfig = "{}" },
                ["\(capacityPath): must have a brokerCapacities array"]
            ),
            (
                "capacity entry not an object",
                { $0.cruiseControlConfig?.capacityConfig = #"{"brokerCapacities":[1]}"# },
                ["\(capacityPath): brokerCapacities[0] must be an object, not a number"]
            ),
            (
                "capacity broker id a number",
                {
                    $0.cruiseControlConfig?.capacityConfig =
                        #"{"brokerCapacities":[{"brokerId":0,"capacity":{}}]}"#
                },
                ["\(capacityPath): brokerCapacities[0].brokerId must be a string, not a number"]
            ),
            (
                "capacity broker id not an id",
                {
                    $0.cruiseControlConfig?.capacityConfig =
                        #"{"brokerCapacities":[{"brokerId":"x","capacity":{}}]}"#
                },
                ["\(capacityPath): brokerCapacities[0].brokerId must be a broker id or -1, not 'x'"]
            ),
            (
                "capacity broker named twice",
                {
                    $0.cruiseControlConfig?.capacityConfig =
                        #"{"brokerCapacities":[{"brokerId":"0","capacity":{}},{"brokerId":"0","capacity":{}}]}"#
                },
                ["\(capacityPath): names broker 0 twice"]
            ),
            (
                "capacity without its numbers",
                { $0.cruiseControlConfig?.capacityConfig = #"{"brokerCapacities":[{"brokerId":"-1"}]}"# },
                ["\(capacityPath): brokerCapacities[0].capacity must be an object and is missing"]
            ),
            (
                "a disk without a size",
                {
                    $0.brokers[1].brokerConfig = BrokerConfig(storageConfigs: [
                        StorageConfig(mountPath: "/scratch")
                    ])
                },
                [
                    "spec.brokers[1]: Cruise Control's capacity needs the size of the disk at /scratch "
                        + "(pvcSpec.resources.requests.storage); or give broker 1 an entry in "
                        + "spec.cruiseControlConfig.capacityConfig"
                ]
            ),
            (
                "a disk without a size, with the broker's capacity written",
                {
                    $0.brokers[1].brokerConfig = BrokerConfig(storageConfigs: [
                        StorageConfig(mountPath: "/scratch")
                    ])
                    $0.cruiseControlConfig?.capacityConfig =
                        #"{"brokerCapacities":[{"brokerId":"1","capacity":{}}]}"#
                },
                []
            ),
            (
                "a disk without a size, with every broker's capacity written",
                {
                    $0.brokers[1].brokerConfig = BrokerConfig(storageConfigs: [
                        StorageConfig(mountPath: "/scratch")
                    ])
                    $0.cruiseControlConfig?.capacityConfig =
                        #"{"brokerCapacities":[{"brokerId":"-1","capacity":{}}]}"#
                },
                []
            ),
            (
                "a disk without a size, Cruise Control elsewhere",
                {
                    $0.brokers[1].brokerConfig = BrokerConfig(storageConfigs: [
                        StorageConfig(mountPath: "/scratch")
                    ])
                    $0.cruiseControlConfig?.cruiseControlEndpoint = "cc:8090"
                },
                []
            ),
            (
                "a disk below a megabyte",
                {
                    $0.brokerConfigGroups?["default"]?.storageConfigs = [
                        StorageConfig(
                            mountPath: "/kafka-logs", pvcSpec: PersistentVolumeClaimSpec(storage: "999k"))
                    ]
                },
                [
                    "spec.brokers[0]: the disk at /kafka-logs is 999k, below the 1 MB Cruise Control's capacity counts in",
                    "spec.brokers[1]: the disk at /kafka-logs is 999k, below the 1 MB Cruise Control's capacity counts in",
                ]
            ),
            (
                "no disks at all", { $0.brokerConfigGroups?["default"]?.storageConfigs = [] },
                [
                    "spec.brokers[0]: Cruise Control's capacity needs the broker's disks, and it has none; or give "
                        + "broker 0 an entry in spec.cruiseControlConfig.capacityConfig",
                    "spec.brokers[1]: Cruise Control's capacity needs the broker's disks, and it has none; or give "
                        + "broker 1 an entry in spec.cruiseControlConfig.capacityConfig",
                ]
            ),
            (
                "network throughput",
                {
                    $0.brokerConfigGroups?["default"]?.networkConfig = .object([
                        ("incomingNetworkThroughPut", .string("250000")),
                        ("outgoingNetworkThroughPut", .string("1.5")),
                    ])
                },
                []
            ),
            (
                "network throughput not a number",
                {
                    $0.brokers[0].brokerConfig = BrokerConfig()
                    $0.brokers[0].brokerConfig?.networkConfig = .object([
                        ("incomingNetworkThroughPut", .string("fast"))
                    ])
                },
                [
                    "spec.brokers[0]: networkConfig.incomingNetworkThroughPut (the broker's or its group's) must be a "
                        + "number of KB per second for Cruise Control's capacity, not 'fast'"
                ]
            ),
            (
                "network config not an object",
                {
                    $0.brokers[0].brokerConfig = BrokerConfig()
                    $0.brokers[0].brokerConfig?.networkConfig = .array([])
                },
                [
                    "spec.brokers[0]: networkConfig (the broker's or its group's) must be an object, not an array"
                ]
            ),
        ]

    @Test(arguments: rows.indices)
    func eachRuleNamesItsFieldAndWhy(_ index: Int) {
        let row = Self.rows[index]
        let problems = Self.problems(row.edit)
        #expect(problems.count == row.problems.count, "\(row.name): \(problems)")
        for (problem, expected) in zip(problems, row.problems) {
            #expect(problem.hasPrefix(expected), "\(row.name): \(problem)")
        }
    }

    /// A capacity list the size of a large cluster's is read in one linear pass.
    @Test func aLargeCapacityConfigIsRead() throws {
        let entries = (0..<5_000).map { #"{"brokerId":"\#($0)","capacity":{"CPU":"100"}}"# }
        let text = #"{"brokerCapacities":["# + entries.joined(separator: ",") + "]}"
        let capacity = try BrokerCapacityConfig(parsing: text)
        #expect(capacity.brokerIDs.count == 5_000)
        #expect(!capacity.coversEveryBroker)
    }

    @Test(arguments: ["1", "125000", "0.5", "12.25"])
    func ratesAreDecimalNumbers(_ text: String) { #expect(NetworkThroughput.isRate(text)) }

    @Test(arguments: [
        "", ".", "1.", ".5", "-1", "1e5", "1,000", "١٠", "1 ", String(repeating: "9", count: 21),
    ])
    func otherRatesAreNot(_ text: String) { #expect(!NetworkThroughput.isRate(text)) }
}
