import KafkaAdmin
import KafkaProtocol
import Kubernetes
import Testing

@testable import Reconciler

/// `TopicPlan.decide`, one row per rule: what the operator asks Kafka for, or why it refuses.
@Suite struct TopicPlanTests {
    static func spec(
        _ partitions: Int32 = 3, _ factor: Int32 = 2, config: [String: String]? = nil, name: String = "orders"
    )
        -> KafkaTopic.Spec
    {
        KafkaTopic.Spec(
            name: name, partitions: partitions, replicationFactor: factor, config: config,
            clusterRef: .init(name: "kafka"))
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let spec: KafkaTopic.Spec
        let observed: ObservedTopic?
        let managed: Bool
        var recordedKeys: Set<String> = []
        let expected: TopicPlan
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(
            name: "missing: created as specified", spec: spec(3, 2, config: ["retention.ms": "1000"]),
            observed: nil,
            managed: false,
            expected: .create(
                .init(name: "orders", partitions: 3, replicationFactor: 2, configs: ["retention.ms": "1000"]))
        ),
        Row(
            name: "missing although managed (deleted behind our back): created again", spec: spec(),
            observed: nil,
            managed: true, expected: .create(.init(name: "orders", partitions: 3, replicationFactor: 2))),
        Row(
            name: "broker defaults: -1 is passed on", spec: spec(-1, -1), observed: nil, managed: false,
            expected: .create(.init(name: "orders", partitions: -1, replicationFactor: -1))),
        Row(
            name: "in sync", spec: spec(3, 2, config: ["retention.ms": "1000"]),
            observed: ObservedTopic(
                partitions: 3, replicationFactor: 2, values: ["retention.ms": "1000"],
                overriddenKeys: ["retention.ms"]),
            managed: true, expected: .update(TopicUpdate())),
        Row(
            name: "more partitions: grown", spec: spec(6, 2),
            observed: ObservedTopic(partitions: 3, replicationFactor: 2),
            managed: true, expected: .update(TopicUpdate(growPartitionsTo: 6))),
        Row(
            name: "fewer partitions: refused", spec: spec(2, 2),
            observed: ObservedTopic(partitions: 3, replicationFactor: 2),
            managed: true, expected: .refuse(.partitionDecrease(from: 3, to: 2))),
        Row(
            name: "another replication factor: refused", spec: spec(3, 3),
            observed: ObservedTopic(partitions: 3, replicationFactor: 2), managed: true,
            expected: .refuse(.replicationFactorChange(from: 2, to: 3))),
        Row(
            name: "a refusal changes nothing else", spec: spec(2, 2, config: ["retention.ms": "5"]),
            observed: ObservedTopic(partitions: 3, replicationFactor: 2), managed: true,
            expected: .refuse(.partitionDecrease(from: 3, to: 2))),
        Row(
            name: "-1 never compares", spec: spec(-1, -1),
            observed: ObservedTopic(partitions: 7, replicationFactor: 3),
            managed: true, expected: .update(TopicUpdate())),
        Row(
            name: "changed and new keys are SET, removed overrides DELETEd",
            spec: spec(config: ["retention.ms": "2000", "segment.ms": "10"]),
            observed: ObservedTopic(
                partitions: 3, replicationFactor: 2,
                values: ["retention.ms": "1000", "cleanup.policy": "compact", "segment.ms": "604800000"],
                overriddenKeys: ["retention.ms", "cleanup.policy"]),
            managed: true,
            expected: .update(
                TopicUpdate(configOperations: [
                    .set(key: "retention.ms", value: "2000"), .set(key: "segment.ms", value: "10"),
                    .delete(key: "cleanup.policy"),
                ]))),
        Row(
            name: "a key the operator set is DELETEd even when the broker does not say it is an override",
            spec: spec(config: [:]),
            observed: ObservedTopic(
                partitions: 3, replicationFactor: 2, values: ["cleanup.policy": "compact"]),
            managed: true, recordedKeys: ["cleanup.policy", "gone.already"],
            expected: .update(TopicUpdate(configOperations: [.delete(key: "cleanup.policy")]))),
        Row(
            name: "existing outside the operator, same shape: adopted",
            spec: spec(3, 2, config: ["retention.ms": "9"]),
            observed: ObservedTopic(partitions: 3, replicationFactor: 2), managed: false,
            expected: .update(
                TopicUpdate(adopt: true, configOperations: [.set(key: "retention.ms", value: "9")]))),
        Row(
            name: "existing outside the operator, more partitions wanted: refused, not grown",
            spec: spec(6, 2),
            observed: ObservedTopic(partitions: 3, replicationFactor: 2), managed: false,
            expected: .refuse(
                .existsWithAnotherShape(
                    partitions: 3, replicationFactor: 2, specPartitions: 6, specReplicationFactor: 2))),
        Row(
            name: "existing outside the operator, another factor: refused", spec: spec(3, 1),
            observed: ObservedTopic(partitions: 3, replicationFactor: 2), managed: false,
            expected: .refuse(
                .existsWithAnotherShape(
                    partitions: 3, replicationFactor: 2, specPartitions: 3, specReplicationFactor: 1))),
        Row(
            name: "existing outside the operator, broker defaults: adopted", spec: spec(-1, -1),
            observed: ObservedTopic(partitions: 5, replicationFactor: 3), managed: false,
            expected: .update(TopicUpdate(adopt: true))),
        Row(
            name: "zero partitions", spec: spec(0, 2), observed: nil, managed: false,
            expected: .refuse(.invalidPartitions(0))),
        Row(
            name: "partitions below -1", spec: spec(-2, 2),
            observed: ObservedTopic(partitions: 3, replicationFactor: 2),
            managed: true, expected: .refuse(.invalidPartitions(-2))),
        Row(
            name: "zero replication factor", spec: spec(3, 0), observed: nil, managed: false,
            expected: .refuse(.invalidReplicationFactor(0))),
        Row(
            name: "a factor beyond 16 bits", spec: spec(3, 40000), observed: nil, managed: false,
            expected: .refuse(.invalidReplicationFactor(40000))),
        Row(
            name: "a name with a slash", spec: spec(name: "a/b"), observed: nil, managed: false,
            expected: .refuse(.invalidName("a/b"))),
        Row(
            name: "the name ..", spec: spec(name: ".."), observed: nil, managed: false,
            expected: .refuse(.invalidName(".."))),
        Row(
            name: "an empty name", spec: spec(name: ""), observed: nil, managed: false,
            expected: .refuse(.invalidName(""))),
        Row(
            name: "a name of 250 characters", spec: spec(name: String(repeating: "a", count: 250)),
            observed: nil,
            managed: false, expected: .refuse(.invalidName(String(repeating: "a", count: 250)))),
        Row(
            name: "a name of 249 legal characters",
            spec: spec(name: String(repeating: "a._-Z9", count: 41) + "abc"),
            observed: nil, managed: false,
            expected: .create(
                .init(
                    name: String(repeating: "a._-Z9", count: 41) + "abc", partitions: 3, replicationFactor: 2)
            )),
    ]

    @Test(arguments: rows)
    func decides(_ row: Row) {
        let plan = TopicPlan.decide(
            spec: row.spec, observed: row.observed, managed: row.managed, recordedKeys: row.recordedKeys)
        #expect(plan == row.expected)
    }

    @Test func refusalsSayWhatToChange() {
        #expect(
            TopicRefusal.partitionDecrease(from: 3, to: 2).description.contains(
                "set spec.partitions to 3 or more"))
        #expect(
            TopicRefusal.replicationFactorChange(from: 2, to: 3).description.contains(
                "set spec.replicationFactor back to 2"))
        #expect(
            TopicRefusal.existsWithAnotherShape(
                partitions: 3, replicationFactor: 2, specPartitions: 6, specReplicationFactor: 2
            ).description.contains("adopted only when they match"))
    }

    /// The observed shape from Metadata and DescribeConfigs: the factor is the smallest replica
    /// set, and only DYNAMIC_TOPIC_CONFIG entries count as the topic's overrides.
    @Test func observedTopicReadsMetadataAndConfigs() {
        let metadata = MetadataResponse.Topic(
            name: "orders",
            partitions: [
                .init(partitionIndex: 0, leaderId: 1, replicaNodes: [1, 2], isrNodes: [1, 2]),
                .init(partitionIndex: 1, leaderId: 2, replicaNodes: [2, 3, 1], isrNodes: [2, 3, 1]),
            ])
        let observed = ObservedTopic(
            metadata: metadata,
            configs: [
                ConfigEntry(
                    name: "retention.ms", value: "5", isReadOnly: false, sourceCode: 1, isSensitive: false),
                ConfigEntry(
                    name: "segment.ms", value: "9", isReadOnly: false, sourceCode: 5, isSensitive: false),
                ConfigEntry(name: "secret", value: nil, isReadOnly: false, sourceCode: 1, isSensitive: true),
            ])
        #expect(observed.partitions == 2)
        #expect(observed.replicationFactor == 2)
        #expect(observed.values == ["retention.ms": "5", "segment.ms": "9"])
        #expect(observed.overriddenKeys == ["retention.ms", "secret"])
    }
}
