import Foundation
import JSON
import KafkaAdmin
import KafkaProtocol
import LocalKafka
import TestSupport
import Testing

/// confluent-kafka's AdminClient (librdkafka) against the simulated brokers over loopback:
/// what it reports is what the simulated cluster holds, and what it is refused is what Kafka
/// refuses, with Kafka's error names.
@Suite(.enabled(if: Peer.available("python3"), "python3 is not installed"))
struct ConfluentKafkaAdminTests {
    static let prelude = """
        import json, sys
        from confluent_kafka import KafkaException
        from confluent_kafka.admin import (AdminClient, ConfigResource, ConfigEntry, AlterConfigOpType, ConfigSource,
            NewTopic, NewPartitions, AclBinding, AclBindingFilter, ResourceType, ResourcePatternType, AclOperation,
            AclPermissionType)
        admin = AdminClient({'bootstrap.servers': sys.argv[1], 'client.id': 'simulator-check'})
        def outcome(future):
            try:
                value = future.result(timeout=10)
                return 'ok' if value is None else value
            except KafkaException as e:
                return e.args[0].name()
        def configs(result):
            return {k: [v.value, ConfigSource(v.source).name, v.is_read_only, [[s.name, s.value, ConfigSource(s.source).name] for s in v.synonyms.values()]]
                    for k, v in result.items()} if isinstance(result, dict) else result
        out = {}
        """

    func run(_ script: String, bootstrap: String) async throws -> JSONValue {
        let output = try await runOffPool("python3", ["-c", Self.prelude + "\n" + script, bootstrap])
        guard output.status == 0 else {
            Issue.record("confluent-kafka failed: \(output.stderr)")
            return .null
        }
        return try JSONReader.parse(Array(output.stdout.utf8))
    }

    @Test
    func listTopicsAndDescribeClusterShowTheSimulatedBrokersAndReplicas() async throws {
        try await withSimulatedKafka { _, server, simulation in
            // A stopped broker's socket closes too, as local mode's pod following does.
            try await simulation.update { (cluster: inout SimulatedCluster) throws(SimulatedClusterError) in
                try cluster.stopBroker(2)
            }
            await server.stop(broker: 2)
            let seen = try await run(
                """
                md = admin.list_topics(timeout=10)
                out['brokers'] = sorted([[b.id, b.host, b.port] for b in md.brokers.values()])
                out['controller'] = md.controller_id
                out['cluster'] = md.cluster_id
                out['topics'] = sorted(md.topics)
                out['audit'] = sorted([[p.id, p.leader, p.replicas, p.isrs] for p in md.topics['audit-log'].partitions.values()])
                out['missing'] = outcome_missing = None
                missing = admin.list_topics(topic='nope', timeout=10).topics['nope']
                out['missing'] = missing.error.name() if missing.error else 'ok'
                dc = admin.describe_cluster(request_timeout=10).result(timeout=10)
                out['describe'] = [dc.cluster_id, dc.controller.id, sorted([n.id for n in dc.nodes])]
                print(json.dumps(out))
                """, bootstrap: server.bootstrap)
            let port0 = Int(server.port(of: 0)!)
            let port1 = Int(server.port(of: 1)!)
            #expect(
                seen["brokers"]
                    == .array([
                        .array([0, .string("127.0.0.1"), .number(String(port0))]),
                        .array([1, .string("127.0.0.1"), .number(String(port1))]),
                    ]))
            #expect(seen["controller"] == 0)
            #expect(seen["cluster"] == .string("local-kafka-cluster"))
            #expect(seen["topics"] == ["audit-log", "inventory", "orders", "payments"])
            // audit-log has one copy per partition: the one on broker 2 is offline (leader -1).
            let cluster = await simulation.snapshot()
            let expected = (0..<3).map { index -> JSONValue in
                let partition = cluster.partitions[TopicPartition("audit-log", Int32(index))]!
                return .array([
                    .number(String(index)), .number(String(partition.leader ?? -1)),
                    .array(partition.replicas.map { .number(String($0)) }),
                    .array(partition.isr.map { .number(String($0)) }),
                ])
            }
            #expect(seen["audit"] == .array(expected))
            #expect(cluster.partitions.values.contains { $0.isOffline })
            #expect(seen["missing"] == .string("UNKNOWN_TOPIC_OR_PART"))
            #expect(seen["describe"] == .array([.string("local-kafka-cluster"), 0, .array([0, 1])]))
        }
    }

    @Test func topicsAreCreatedDeletedAndGrownWithKafkasRefusals() async throws {
        try await withSimulatedKafka { _, server, simulation in
            let seen = try await run(
                """
                fs = admin.create_topics([NewTopic('clicks', 4, 2, config={'retention.ms': '3600000'}),
                                          NewTopic('orders', 1, 1), NewTopic('wide', 1, 4),
                                          NewTopic('odd', 1, 1, config={'no.such.key': '1'})], request_timeout=10)
                out['create'] = {t: outcome(f) for t, f in fs.items()}
                fs = admin.create_topics([NewTopic('dry', 2, 1)], validate_only=True, request_timeout=10)
                out['validate'] = outcome(fs['dry'])
                fs = admin.create_partitions([NewPartitions('clicks', 6), NewPartitions('orders', 2),
                                              NewPartitions('nope', 3)], request_timeout=10)
                out['grow'] = {t: outcome(f) for t, f in fs.items()}
                fs = admin.delete_topics(['inventory', 'nope'], request_timeout=10)
                out['delete'] = {t: outcome(f) for t, f in fs.items()}
                r = ConfigResource('topic', 'clicks')
                out['topic'] = configs(outcome(admin.describe_configs([r], request_timeout=10)[r]))
                print(json.dumps(out))
                """, bootstrap: server.bootstrap)
            #expect(
                seen["create"]
                    == [
                        "clicks": "ok", "orders": "TOPIC_ALREADY_EXISTS",
                        "wide": "INVALID_REPLICATION_FACTOR",
                        "odd": "INVALID_CONFIG",
                    ] as JSONValue)
            #expect(seen["validate"] == "ok")
            #expect(
                seen["grow"] == [
                    "clicks": "ok", "orders": "INVALID_PARTITIONS", "nope": "UNKNOWN_TOPIC_OR_PART",
                ] as JSONValue)
            #expect(seen["delete"] == ["inventory": "ok", "nope": "UNKNOWN_TOPIC_OR_PART"] as JSONValue)
            let cluster = await simulation.snapshot()
            #expect(cluster.topics == ["audit-log", "clicks", "orders", "payments"])
            let clicks = cluster.sortedPartitions.filter { $0.topic == "clicks" }
            #expect(clicks.count == 6)
            #expect(clicks.allSatisfy { cluster.partitions[$0]!.replicas.count == 2 })
            guard let topic = seen["topic"], case .object = topic else {
                Issue.record("no topic configs: \(String(describing: seen["topic"]))")
                return
            }
            // An override is DYNAMIC_TOPIC_CONFIG; an untouched key is Kafka's default.
            #expect(
                topic["retention.ms"]?.arrayPrefix(2) == [
                    .string("3600000"), .string("DYNAMIC_TOPIC_CONFIG"),
                ])
            #expect(
                topic["cleanup.policy"]?.arrayPrefix(2) == [.string("delete"), .string("DEFAULT_CONFIG")])
        }
    }

    /// The cluster-wide default (the BROKER resource "") is written and read with the
    /// operator's own client: confluent-kafka's binding refuses an empty resource name before
    /// anything reaches the wire. What confluent-kafka then sees of each broker shows that
    /// default in its place in Kafka's precedence.
    @Test func brokerConfigsFollowKafkasPrecedenceAndRefuseReadOnlyKeys() async throws {
        try await withSimulatedKafka { kafka, server, _ in
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            try await client.incrementalAlterConfigs(
                .clusterDefault, operations: [.set(key: "log.cleaner.threads", value: "2")])
            await #expect(throws: KafkaAdminError.self) {
                try await client.incrementalAlterConfigs(
                    .clusterDefault, operations: [.set(key: "ssl.keystore.location", value: "/k")])
            }
            #expect(try await client.describeClusterDefaultConfigs().map(\.name) == ["log.cleaner.threads"])
            let seen = try await run(
                """
                b0, b1 = ConfigResource('broker', '0'), ConfigResource('broker', '1')
                def alter(resource, *entries):
                    target = ConfigResource('broker', resource.name, incremental_configs=list(entries))
                    return outcome(admin.incremental_alter_configs([target], request_timeout=10)[target])
                S = AlterConfigOpType.SET
                out['broker0'] = alter(b0, ConfigEntry('log.cleaner.threads', '4', incremental_operation=S))
                out['readOnly'] = alter(b0, ConfigEntry('log.dirs', '/elsewhere', incremental_operation=S))
                def describe(r):
                    return configs(outcome(admin.describe_configs([r], request_timeout=10)[r]))
                d0, d1 = describe(b0), describe(b1)
                out['b0'] = {k: d0.get(k) for k in ['log.cleaner.threads', 'num.network.threads', 'num.io.threads', 'log.dirs']}
                out['b1'] = d1.get('log.cleaner.threads')
                print(json.dumps(out))
                """, bootstrap: server.bootstrap)
            #expect(seen["broker0"] == "ok")
            #expect(seen["readOnly"] == "INVALID_REQUEST")
            guard let b0 = seen["b0"], case .object = b0 else {
                Issue.record("no broker configs: \(String(describing: seen["b0"]))")
                return
            }
            // Broker 0's own value wins over the cluster default. The binding keeps synonyms in
            // a dict keyed by name, so of the two it shows the last, the cluster default; the
            // whole list, in precedence order, is the simulated brokers' own answer.
            #expect(
                b0["log.cleaner.threads"]
                    == .array([
                        "4", "DYNAMIC_BROKER_CONFIG", false,
                        .array([.array(["log.cleaner.threads", "2", "DYNAMIC_DEFAULT_BROKER_CONFIG"])]),
                    ]))
            let threads = await kafka.brokerConfigs.describe(
                broker: 0, keys: ["log.cleaner.threads"], includeSynonyms: true)
            #expect(
                threads.first?.synonyms.map { [$0.value, String($0.sourceCode)] } == [
                    ["4", String(ConfigEntry.Source.dynamicBroker.rawValue)],
                    ["2", String(ConfigEntry.Source.dynamicDefaultBroker.rawValue)],
                ])
            #expect(b0["num.network.threads"]?.arrayPrefix(2) == ["5", "STATIC_BROKER_CONFIG"])
            #expect(b0["num.io.threads"]?.arrayPrefix(2) == ["8", "DEFAULT_CONFIG"])
            #expect(b0["log.dirs"]?.arrayPrefix(3) == ["/kafka-logs/kafka", "STATIC_BROKER_CONFIG", true])
            #expect(seen["b1"]?.arrayPrefix(2) == ["2", "DYNAMIC_DEFAULT_BROKER_CONFIG"])
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { (key: $0.0, value: $0.1) })
    }

    /// The first `count` elements of an array value, nil for anything else.
    func arrayPrefix(_ count: Int) -> [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return Array(elements.prefix(count))
    }
}
