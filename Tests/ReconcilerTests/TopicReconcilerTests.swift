import ClusterModel
import Foundation
import JSON
import KafkaAdmin
import KafkaProtocol
import Kubernetes
import LocalKafka
import TestSupport
import Testing

@testable import Reconciler

/// The topic controller against the simulated Kafka cluster and against tansu (a real broker),
/// through the production admin client, with what it made read back by that client and by
/// confluent-kafka.
@Suite struct TopicReconcilerTests {
    static func topic(
        _ name: String, topic: String? = nil, partitions: Int32, factor: Int32,
        config: [String: String]? = nil,
        cluster: String = "kafka"
    ) -> KafkaTopic {
        KafkaTopic(
            metadata: ObjectMeta(name: name, namespace: "kafka"),
            spec: .init(
                name: topic ?? name, partitions: partitions, replicationFactor: factor, config: config,
                clusterRef: .init(name: cluster)))
    }

    static func reconciler(_ api: ReconcilerCluster, _ client: (any KafkaTopicAdminClient)?)
        -> TopicReconciler
    {
        TopicReconciler(
            api: api.client, kafka: { _ in client }, configuration: .init(waitInterval: .seconds(1)))
    }

    static func read(_ api: ReconcilerCluster, _ name: String) async throws -> KafkaTopic {
        try await api.client.get(KafkaTopic.self, namespace: "kafka", name: name)
    }

    /// Changes the spec as a user does: read, change, replace.
    static func edit(_ api: ReconcilerCluster, _ name: String, _ change: (inout KafkaTopic.Spec) -> Void)
        async throws
    {
        var topic = try await read(api, name)
        change(&topic.spec)
        _ = try await api.client.update(topic)
    }

    static func events(_ api: ReconcilerCluster, about name: String) async throws -> [JSONValue] {
        try await api.list(.events, fields: "involvedObject.name=\(name)").items
    }

    static func reasons(_ api: ReconcilerCluster, about name: String) async throws -> [String] {
        try await events(api, about: name).compactMap { $0["reason"]?.text }
    }

    static func configs(_ client: KafkaProtocolAdminClient, _ topic: String) async throws -> [String: String]
    {
        var overrides: [String: String] = [:]
        for entry in try await client.describeTopicConfigs(topic) where entry.source == .dynamicTopic {
            overrides[entry.name] = entry.value
        }
        return overrides
    }

    /// Passes until one changes nothing, as the loop would run them.
    @discardableResult
    static func settle(_ reconciler: TopicReconciler, _ name: String) async throws -> [TopicReconcileResult] {
        var results: [TopicReconcileResult] = []
        for _ in 0..<5 {
            let result = try await reconciler.reconcile(namespace: "kafka", name: name)
            results.append(result)
            if result.kafkaChanges == 0 && !result.statusWritten { break }
        }
        return results
    }

    // MARK: - Simulated cluster

    @Test func aTopicIsCreatedGrownReconfiguredAndDeletedWithItsObject() async throws {
        try await withSimulatedBrokers { server, simulation in
            let api = try await ReconcilerCluster.start()
            defer { Task { await api.stop() } }
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let reconciler = Self.reconciler(api, client)
            _ = try await api.client.create(
                Self.topic(
                    "shipments", partitions: 3, factor: 2,
                    config: ["retention.ms": "60000", "cleanup.policy": "compact"]))

            let first = try await reconciler.reconcile(namespace: "kafka", name: "shipments")
            #expect(first.kafkaChanges == 1 && first.requeueAfter != nil)
            var stored = try await Self.read(api, "shipments")
            #expect(stored.metadata.finalizers == [TopicReconciler.finalizer])
            #expect(stored.status?.state == "created" && stored.status?.managedBy == "koperator")
            var partitions = await simulation.snapshot().partitions.filter { $0.key.topic == "shipments" }
            #expect(partitions.count == 3 && partitions.values.allSatisfy { Set($0.replicas).count == 2 })
            #expect(
                try await Self.configs(client, "shipments") == [
                    "retention.ms": "60000", "cleanup.policy": "compact",
                ])

            // Read back: the status reports Kafka's view, and a pass in sync writes nothing.
            try await Self.settle(reconciler, "shipments")
            stored = try await Self.read(api, "shipments")
            #expect(stored.status?.partitionCount == 3 && stored.status?.replicationFactor == 2)
            #expect(stored.status?.configKeys == ["cleanup.policy", "retention.ms"])
            let quiet = try await reconciler.reconcile(namespace: "kafka", name: "shipments")
            #expect(quiet == TopicReconcileResult())

            // Grown, one key changed, one removed.
            try await Self.edit(api, "shipments") {
                $0.partitions = 5
                $0.config = ["retention.ms": "120000"]
            }
            let grown = try await reconciler.reconcile(namespace: "kafka", name: "shipments")
            #expect(grown.kafkaChanges == 2)
            partitions = await simulation.snapshot().partitions.filter { $0.key.topic == "shipments" }
            #expect(partitions.count == 5 && partitions.values.allSatisfy { Set($0.replicas).count == 2 })
            #expect(try await Self.configs(client, "shipments") == ["retention.ms": "120000"])
            try await Self.settle(reconciler, "shipments")
            #expect(try await Self.read(api, "shipments").status?.partitionCount == 5)
            let reasons = try await Self.reasons(api, about: "shipments")
            for reason in ["TopicCreated", "PartitionsIncreased", "TopicConfigChanged"] {
                #expect(reasons.contains(reason), "\(reasons)")
            }

            // Deleted: the topic goes from Kafka, then the object.
            try await api.client.delete(.kafkaTopics, namespace: "kafka", name: "shipments")
            let deleted = try await reconciler.reconcile(namespace: "kafka", name: "shipments")
            #expect(deleted.gone && deleted.kafkaChanges == 1)
            #expect(await simulation.snapshot().topics.contains("shipments") == false)
            await #expect(throws: KubernetesError.self) { try await Self.read(api, "shipments") }
        }
    }

    @Test func fewerPartitionsOrAnotherFactorAreRefusedOnceWithAReasonAndChangeNothing() async throws {
        try await withSimulatedBrokers { server, simulation in
            let api = try await ReconcilerCluster.start()
            defer { Task { await api.stop() } }
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let reconciler = Self.reconciler(api, client)
            _ = try await api.client.create(Self.topic("shipments", partitions: 4, factor: 2))
            try await Self.settle(reconciler, "shipments")

            try await Self.edit(api, "shipments") {
                $0.partitions = 2
                $0.config = ["retention.ms": "1"]
            }
            for _ in 0..<2 {
                let refused = try await reconciler.reconcile(namespace: "kafka", name: "shipments")
                #expect(refused.kafkaChanges == 0 && refused.requeueAfter == nil)
            }
            var status = try await Self.read(api, "shipments").status
            #expect(status?.state == "refused")
            #expect(status?.message?.contains("cannot decrease a topic's partitions (from 4 to 2)") == true)
            #expect(status?.managedBy == "koperator", "a refusal does not forget whose topic it is")
            let warnings = try await Self.events(api, about: "shipments").filter {
                $0["type"]?.text == "Warning"
            }
            #expect(warnings.compactMap { $0["reason"]?.text } == ["PartitionDecreaseRefused"])
            #expect(await simulation.snapshot().partitions.keys.filter { $0.topic == "shipments" }.count == 4)
            #expect(try await Self.configs(client, "shipments") == [:])

            try await Self.edit(api, "shipments") {
                $0.partitions = 4
                $0.replicationFactor = 3
            }
            _ = try await reconciler.reconcile(namespace: "kafka", name: "shipments")
            status = try await Self.read(api, "shipments").status
            #expect(status?.state == "refused")
            #expect(status?.message?.contains("replication factor (from 2 to 3)") == true)
            #expect(
                try await Self.reasons(api, about: "shipments").contains("ReplicationFactorChangeRefused"))

            // Fixed: applied, and the status says so.
            try await Self.edit(api, "shipments") { $0.replicationFactor = 2 }
            try await Self.settle(reconciler, "shipments")
            status = try await Self.read(api, "shipments").status
            #expect(status?.state == "created" && status?.message == nil)
            #expect(try await Self.configs(client, "shipments") == ["retention.ms": "1"])
        }
    }

    @Test func aTopicMadeOutsideTheOperatorIsAdoptedOnlyWhenItMatches() async throws {
        try await withSimulatedBrokers { server, simulation in
            let api = try await ReconcilerCluster.start()
            defer { Task { await api.stop() } }
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let reconciler = Self.reconciler(api, client)
            _ = try await client.createTopic(
                .init(name: "legacy", partitions: 4, replicationFactor: 1, configs: ["retention.ms": "5000"]))

            _ = try await api.client.create(Self.topic("wrong", topic: "legacy", partitions: 6, factor: 1))
            _ = try await reconciler.reconcile(namespace: "kafka", name: "wrong")
            let refused = try await Self.read(api, "wrong").status
            #expect(refused?.state == "refused" && refused?.managedBy == nil)
            #expect(
                refused?.message?.contains("already exists outside the operator with 4 partitions") == true)
            #expect(try await Self.reasons(api, about: "wrong") == ["TopicExistsOutsideOperator"])
            #expect(await simulation.snapshot().partitions.keys.filter { $0.topic == "legacy" }.count == 4)
            // Its object goes without taking the topic along.
            try await api.client.delete(.kafkaTopics, namespace: "kafka", name: "wrong")
            let released = try await reconciler.reconcile(namespace: "kafka", name: "wrong")
            #expect(released.gone && released.kafkaChanges == 0)
            #expect(await simulation.snapshot().topics.contains("legacy"))

            _ = try await api.client.create(
                Self.topic("legacy", partitions: 4, factor: 1, config: ["retention.ms": "7000"]))
            try await Self.settle(reconciler, "legacy")
            let adopted = try await Self.read(api, "legacy").status
            #expect(adopted?.state == "created" && adopted?.managedBy == "koperator")
            #expect(try await Self.reasons(api, about: "legacy").contains("TopicAdopted"))
            #expect(try await Self.configs(client, "legacy") == ["retention.ms": "7000"])
        }
    }

    @Test func anInvalidSpecOrAMissingClusterAsksKafkaNothing() async throws {
        let api = try await ReconcilerCluster.start()
        defer { Task { await api.stop() } }
        let reconciler = TopicReconciler(
            api: api.client,
            kafka: { _ in
                Issue.record("Kafka was asked")
                return nil
            })
        _ = try await api.client.create(Self.topic("zero", partitions: 0, factor: 1))
        _ = try await reconciler.reconcile(namespace: "kafka", name: "zero")
        let zero = try await Self.read(api, "zero")
        #expect(
            zero.status?.state == "refused" && zero.status?.message?.contains("spec.partitions 0") == true)
        #expect(zero.metadata.finalizers == nil, "nothing to clean up after a topic never asked for")
        #expect(try await Self.reasons(api, about: "zero") == ["InvalidSpec"])

        _ = try await api.client.create(Self.topic("orphan", partitions: 1, factor: 1, cluster: "nowhere"))
        let waiting = try await reconciler.reconcile(namespace: "kafka", name: "orphan")
        #expect(waiting.requeueAfter != nil)
        let orphan = try await Self.read(api, "orphan").status
        #expect(orphan?.state == "pending" && orphan?.message == "KafkaCluster kafka/nowhere does not exist")
    }

    @Test func anUnreachableKafkaWaitsAndComesBack() async throws {
        try await withSimulatedBrokers { server, _ in
            let api = try await ReconcilerCluster.start()
            defer { Task { await api.stop() } }
            let client = try KafkaProtocolAdminClient(
                bootstrap: server.bootstrap, options: KafkaAdminOptions(callTimeout: .seconds(2)))
            await server.stopAll()
            _ = try await api.client.create(Self.topic("shipments", partitions: 1, factor: 1))
            let result = try await Self.reconciler(api, client).reconcile(
                namespace: "kafka", name: "shipments")
            #expect(result.requeueAfter != nil && result.kafkaChanges == 0)
            let status = try await Self.read(api, "shipments").status
            #expect(
                status?.state == "pending" && status?.message?.hasPrefix("Kafka could not be asked") == true)
        }
    }

    /// confluent-kafka reads back what the controller made on the simulated brokers.
    @Test(.enabled(if: Peer.available("python3"))) func confluentKafkaSeesTheTopicAsSpecified() async throws {
        try await withSimulatedBrokers { server, _ in
            let api = try await ReconcilerCluster.start()
            defer { Task { await api.stop() } }
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let reconciler = Self.reconciler(api, client)
            _ = try await api.client.create(
                Self.topic("ledger", partitions: 2, factor: 3, config: ["cleanup.policy": "compact"]))
            try await Self.settle(reconciler, "ledger")
            try await Self.edit(api, "ledger") {
                $0.partitions = 4
                $0.config = ["retention.ms": "3600000"]
            }
            try await Self.settle(reconciler, "ledger")
            let seen = try await Self.confluentKafka(server.bootstrap, "ledger")
            #expect(seen.partitions == 4 && seen.factors == [3])
            #expect(seen.overrides == ["retention.ms": "3600000"])
        }
    }

    struct Seen: Decodable {
        let partitions: Int
        let factors: Set<Int>
        let overrides: [String: String]
        let all: [String: String]
    }

    /// Partitions, replication factors and the topic-level overrides (DYNAMIC_TOPIC_CONFIG)
    /// of `topic`, as confluent-kafka's admin client reads them.
    static func confluentKafka(_ bootstrap: String, _ topic: String) async throws -> Seen {
        let script = """
            import json, sys
            from confluent_kafka.admin import AdminClient, ConfigResource, ResourceType, ConfigSource
            admin = AdminClient({'bootstrap.servers': sys.argv[1]})
            md = admin.list_topics(timeout=10).topics[sys.argv[2]]
            resource = ConfigResource(ResourceType.TOPIC, sys.argv[2])
            configs = list(admin.describe_configs([resource]).values())[0].result(timeout=10)
            print(json.dumps({
                'partitions': len(md.partitions),
                'factors': sorted({len(p.replicas) for p in md.partitions.values()}),
                'overrides': {k: v.value for k, v in configs.items()
                              if v.source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value},
                'all': {k: v.value for k, v in configs.items() if v.value is not None}}))
            """
        let output = try await runOffPool("python3", ["-c", script, bootstrap, topic])
        guard output.status == 0 else { throw ConfluentKafkaFailed(stderr: output.stderr) }
        return try JSONDecoder().decode(Seen.self, from: Data(output.stdout.utf8))
    }

    struct ConfluentKafkaFailed: Error {
        let stderr: String
    }

    // MARK: - tansu

    /// A real broker: created, reconfigured (a removed key goes although tansu does not say a
    /// value is the topic's own), and deleted; tansu has no CreatePartitions, so growing is
    /// refused with Kafka's reason rather than retried for ever.
    @Test(.enabled(if: TansuBroker.isAvailable, "tansu is not installed"))
    func againstTansu() async throws {
        let broker = try await TansuBroker()
        defer { broker.stop() }
        let api = try await ReconcilerCluster.start()
        defer { Task { await api.stop() } }
        let client = try KafkaProtocolAdminClient(bootstrap: broker.bootstrap)
        let reconciler = Self.reconciler(api, client)
        _ = try await api.client.create(
            Self.topic(
                "events", partitions: 3, factor: 1,
                config: ["cleanup.policy": "compact", "retention.ms": "1000"]))
        try await Self.settle(reconciler, "events")
        var status = try await Self.read(api, "events").status
        #expect(status?.state == "created" && status?.partitionCount == 3 && status?.replicationFactor == 1)
        var seen = try await Self.confluentKafka(broker.bootstrap, "events")
        #expect(seen.partitions == 3 && seen.factors == [1])
        #expect(seen.all["cleanup.policy"] == "compact" && seen.all["retention.ms"] == "1000")

        try await Self.edit(api, "events") { $0.config = ["retention.ms": "2000"] }
        try await Self.settle(reconciler, "events")
        seen = try await Self.confluentKafka(broker.bootstrap, "events")
        #expect(seen.all["retention.ms"] == "2000")
        #expect(seen.all["cleanup.policy"] == nil, "\(seen.all)")
        #expect(try await Self.read(api, "events").status?.configKeys == ["retention.ms"])

        try await Self.edit(api, "events") { $0.partitions = 5 }
        let grown = try await reconciler.reconcile(namespace: "kafka", name: "events")
        #expect(grown.requeueAfter == .seconds(60))
        status = try await Self.read(api, "events").status
        #expect(status?.state == "refused" && status?.message?.contains("Kafka refused the change") == true)
        #expect(try await Self.reasons(api, about: "events").contains("KafkaRefused"))

        try await api.client.delete(.kafkaTopics, namespace: "kafka", name: "events")
        let deleted = try await reconciler.reconcile(namespace: "kafka", name: "events")
        #expect(deleted.gone)
        let topics = try await client.metadata(topics: nil).topics.compactMap(\.name)
        #expect(!topics.contains("events"), "\(topics)")
    }
}
