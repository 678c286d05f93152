import Foundation
import KafkaAdmin
import KafkaProtocol
import TestSupport
import Testing

/// The admin client against a real Kafka-protocol broker (tansu) on loopback, one broker per test.
///
/// What tansu 0.6 answers, as these tests pin down: ApiVersions 0–4, Metadata 0–12,
/// CreateTopics 0–7, DescribeConfigs 0–4, IncrementalAlterConfigs 0–1, DescribeCluster 0–1,
/// SaslHandshake 0–1, SaslAuthenticate 0–2. DescribeConfigs for a BROKER resource (a broker id
/// or the cluster default "") answers with no entries, and IncrementalAlterConfigs on a broker
/// resource answers success without storing anything; topic configs given at creation are
/// described back.
@Suite(.enabled(if: TansuBroker.isAvailable, "tansu is not installed"))
final class TansuIntegrationTests {
    let broker: TansuBroker
    let client: KafkaProtocolAdminClient

    /// The two encodings: classic versions (capped below the first flexible one) and the
    /// highest versions tansu and we share, which are flexible.
    static let encodings: [(name: String, caps: [ApiKey: Int16])] = [
        (
            "classic",
            [
                .apiVersions: 2, .metadata: 8, .describeConfigs: 3, .createTopics: 4,
                .incrementalAlterConfigs: 0,
            ]
        ),
        ("flexible", [:]),
    ]

    init() async throws {
        broker = try await TansuBroker()
        client = try KafkaProtocolAdminClient(bootstrap: broker.bootstrap)
    }

    deinit { broker.stop() }

    private func client(caps: [ApiKey: Int16]) throws -> KafkaProtocolAdminClient {
        try KafkaProtocolAdminClient(
            bootstrap: broker.bootstrap, options: KafkaAdminOptions(versionCaps: caps))
    }

    @Test func apiVersionsReportsTheRangesTansuImplements() async throws {
        let ranges = try await client.negotiatedRanges()
        #expect(ranges[.apiVersions] == 0...4)
        #expect(ranges[.metadata] == 0...12)
        #expect(ranges[.createTopics] == 0...7)
        #expect(ranges[.describeConfigs] == 0...4)
        #expect(ranges[.incrementalAlterConfigs] == 0...1)
        #expect(ranges[.describeCluster] == 0...1)
        #expect(ranges[.saslHandshake] == 0...1)
        #expect(ranges[.saslAuthenticate] == 0...2)
    }

    @Test func negotiationPicksOurHighestVersionWithinTheBrokersRange() async throws {
        #expect(try await client.version(for: MetadataRequest.self) == 12)
        #expect(try await client.version(for: CreateTopicsRequest.self) == 7)
        #expect(try await client.version(for: DescribeConfigsRequest.self) == 4)
        #expect(try await client.version(for: IncrementalAlterConfigsRequest.self) == 1)
        #expect(try await client.version(for: DescribeClusterRequest.self) == 1)
        let capped = try client(caps: [.metadata: 8])
        #expect(try await capped.version(for: MetadataRequest.self) == 8)
    }

    @Test(arguments: encodings.map(\.name))
    func createdTopicShowsUpInMetadataWithLeaderReplicasAndIsr(encoding: String) async throws {
        let client = try client(caps: Self.encodings.first { $0.name == encoding }?.caps ?? [:])
        let topic = CreateTopicsRequest.Topic(
            name: "orders", partitions: 3, replicationFactor: 1, configs: ["cleanup.policy": "compact"])
        #expect(try await client.createTopic(topic) == .created)
        #expect(try await client.createTopic(topic) == .alreadyExists)
        let metadata = try await client.metadata(topics: nil)
        #expect(metadata.brokers == [.init(nodeId: 111, host: "127.0.0.1", port: Int32(broker.port))])
        #expect(metadata.controllerId == 111)
        #expect(metadata.clusterId == "tansu_cluster")
        let orders = try #require(metadata.topics.first { $0.name == "orders" })
        #expect(orders.errorCode == 0)
        #expect(orders.partitions.map(\.partitionIndex).sorted() == [0, 1, 2])
        for partition in orders.partitions {
            #expect(partition.leaderId == 111)
            #expect(partition.replicaNodes == [111])
            #expect(partition.isrNodes == [111])
            #expect(partition.offlineReplicas == [])
        }
        let configs = try await client.describeConfigs(.init(type: .topic, name: "orders"))
        #expect(configs.contains { $0.name == "cleanup.policy" && $0.value == "compact" })
    }

    @Test func describeClusterNamesTheClusterControllerAndBroker() async throws {
        let cluster = try await client.describeCluster()
        #expect(cluster.clusterId == "tansu_cluster")
        #expect(cluster.controllerId == 111)
        #expect(cluster.brokers == [.init(nodeId: 111, host: "127.0.0.1", port: Int32(broker.port))])
    }

    @Test(arguments: encodings.map(\.name))
    func describeConfigsOfABrokerAndOfTheClusterDefaultAnswerWithoutEntries(encoding: String) async throws {
        let client = try client(caps: Self.encodings.first { $0.name == encoding }?.caps ?? [:])
        #expect(try await client.describeConfigs(broker: 111) == [])
        #expect(try await client.describeClusterDefaultConfigs() == [])
    }

    /// tansu accepts IncrementalAlterConfigs on broker resources but does not keep the values,
    /// so the SET is not visible afterwards (the reconciler's dynamic configuration reports such a
    /// broker as out of sync: DynamicConfigTansuTests).
    @Test(arguments: encodings.map(\.name))
    func incrementalAlterConfigsIsAcceptedButNotStoredByTansu(encoding: String) async throws {
        let client = try client(caps: Self.encodings.first { $0.name == encoding }?.caps ?? [:])
        for target in [ConfigTarget.broker(111), .clusterDefault] {
            try await client.incrementalAlterConfigs(
                target, operations: [.set(key: "log.retention.ms", value: "1234")])
            let afterSet =
                target == .clusterDefault
                ? try await client.describeClusterDefaultConfigs()
                : try await client.describeConfigs(broker: 111)
            #expect(!afterSet.contains { $0.name == "log.retention.ms" })
            try await client.incrementalAlterConfigs(target, operations: [.delete(key: "log.retention.ms")])
        }
    }

    @Test func healthReportOfFreshTopicsIsHealthy() async throws {
        _ = try await client.createTopic(.init(name: "payments", partitions: 2, replicationFactor: 1))
        let report = try await client.healthReport()
        #expect(report.isHealthy)
        #expect(report.brokers == [111])
        #expect(report.controllerId == 111)
        #expect(report.partitionCount == 2)
        #expect(report.offlinePartitions.isEmpty && report.underReplicatedPartitions.isEmpty)
        let expectingMore = try await client.healthReport(expectedBrokers: [111, 112])
        #expect(expectingMore.missingBrokers == [112])
        #expect(!expectingMore.isHealthy)
    }

    @Test func failsOverFromADeadBootstrapAddressToALiveOne() async throws {
        let dead = freeLoopbackPort()
        let failover = try KafkaProtocolAdminClient(
            bootstrap: "127.0.0.1:\(dead),\(broker.bootstrap)",
            options: KafkaAdminOptions(connectTimeout: .seconds(1), requestTimeout: .seconds(2)))
        let metadata = try await failover.metadata(topics: [])
        #expect(metadata.brokers.map(\.nodeId) == [111])
        await failover.close()
    }

    @Test func failsOverFromABootstrapBrokerThatAcceptsButNeverAnswers() async throws {
        let stalled = try FakeKafkaPeer(.silence)
        defer { stalled.stop() }
        let failover = try KafkaProtocolAdminClient(
            bootstrap: "\(stalled.bootstrap),\(broker.bootstrap)",
            options: KafkaAdminOptions(connectTimeout: .seconds(1), requestTimeout: .milliseconds(500)))
        let start = ContinuousClock.now
        #expect(try await failover.describeCluster().clusterId == "tansu_cluster")
        #expect(start.duration(to: .now) < .seconds(5))
        await failover.close()
    }

    @Test func concurrentCallsShareConnectionsWithoutMixingUpResponses() async throws {
        _ = try await client.createTopic(.init(name: "busy", partitions: 4, replicationFactor: 1))
        let client = self.client
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                group.addTask {
                    switch index % 3 {
                    case 0:
                        return try await client.metadata(topics: ["busy"]).topics.first?.partitions.count
                            == 4
                    case 1: return try await client.describeCluster().controllerId == 111
                    default: return try await client.describeConfigs(broker: 111) == []
                    }
                }
            }
            for try await answeredCorrectly in group { #expect(answeredCorrectly) }
        }
    }

    @Test func reconnectsAfterTheBrokerRestartsOnTheSamePort() async throws {
        _ = try await client.metadata(topics: [])
        let port = broker.port
        broker.stop()
        let restarted = try await TansuBroker(port: port)
        defer { restarted.stop() }
        let metadata = try await client.metadata(topics: [])
        #expect(metadata.brokers.map(\.nodeId) == [111])
    }

    @Test func topicAndBrokerConfigsMatchWhatConfluentKafkaSees() async throws {
        guard Peer.available("python3") else { return }
        let configs = ["cleanup.policy": "compact", "retention.ms": "60000"]
        _ = try await client.createTopic(
            .init(name: "ledger", partitions: 1, replicationFactor: 1, configs: configs))
        let script = """
            import json
            from confluent_kafka.admin import AdminClient, ConfigResource, ResourceType
            admin = AdminClient({'bootstrap.servers': '\(broker.bootstrap)'})
            seen = {}
            for kind, name in [(ResourceType.TOPIC, 'ledger'), (ResourceType.BROKER, '111')]:
                for resource, future in admin.describe_configs([ConfigResource(kind, name)]).items():
                    seen[name] = {k: v.value for k, v in future.result(timeout=10).items()}
            print(json.dumps(seen))
            """
        let output = try runProcess("python3", ["-c", script])
        guard output.status == 0 else {
            #expect(!Peer.isCI, "confluent-kafka failed: \(output.stderr)")
            return
        }
        let seen = try JSONDecoder().decode([String: [String: String?]].self, from: Data(output.stdout.utf8))
        let ourTopic = try await client.describeConfigs(.init(type: .topic, name: "ledger"))
        #expect(seen["ledger"] == Dictionary(uniqueKeysWithValues: ourTopic.map { ($0.name, $0.value) }))
        #expect(seen["ledger"]?["retention.ms"] == "60000")
        let ourBroker = try await client.describeConfigs(broker: 111)
        #expect(seen["111"] == Dictionary(uniqueKeysWithValues: ourBroker.map { ($0.name, $0.value) }))
    }

    @Test func metadataMatchesWhatConfluentKafkaSees() async throws {
        guard Peer.available("python3") else { return }
        _ = try await client.createTopic(.init(name: "audit", partitions: 2, replicationFactor: 1))
        let script = """
            import json
            from confluent_kafka.admin import AdminClient
            md = AdminClient({'bootstrap.servers': '\(broker.bootstrap)'}).list_topics(timeout=10)
            print(json.dumps({'cluster': md.cluster_id, 'controller': md.controller_id,
              'brokers': sorted(md.brokers), 'topics': {n: sorted([[p.id, p.leader, p.replicas, p.isrs]
              for p in t.partitions.values()]) for n, t in md.topics.items()}}))
            """
        let output = try runProcess("python3", ["-c", script])
        guard output.status == 0 else {
            #expect(!Peer.isCI, "confluent-kafka failed: \(output.stderr)")
            return
        }
        struct Seen: Decodable {
            let cluster: String
            let controller: Int32
            let brokers: [Int32]
            let topics: [String: [[Int32OrList]]]
        }
        let seen = try JSONDecoder().decode(Seen.self, from: Data(output.stdout.utf8))
        let ours = try await client.metadata(topics: nil)
        #expect(seen.cluster == ours.clusterId)
        #expect(seen.controller == ours.controllerId)
        #expect(seen.brokers == ours.brokers.map(\.nodeId).sorted())
        let theirAudit = try #require(seen.topics["audit"])
        let ourAudit = try #require(ours.topics.first { $0.name == "audit" })
        let ourRows = ourAudit.partitions.sorted { $0.partitionIndex < $1.partitionIndex }.map {
            [
                Int32OrList.one($0.partitionIndex), .one($0.leaderId), .list($0.replicaNodes),
                .list($0.isrNodes),
            ]
        }
        #expect(theirAudit == ourRows)
    }
}

extension TansuIntegrationTests {
    /// tansu 0.6 offers DescribeAcls and CreateAcls 0–3 without implementing them, and does not
    /// offer DeleteAcls: it cannot stand in for Kafka's ACLs (the simulated brokers and
    /// confluent-kafka check those), but the client's answers to it are clear and terminal.
    @Test func tansuOffersAclApisItDoesNotImplementAndTheClientSaysSo() async throws {
        let ranges = try await client.negotiatedRanges()
        #expect(ranges[.describeAcls] == 0...3)
        #expect(ranges[.createAcls] == 0...3)
        #expect(ranges[.deleteAcls] == nil)
        let read = AclBinding(
            resourceType: .topic, resourceName: "orders", principal: "User:alice", operation: .read)
        do {
            try await client.createAcls([read])
            Issue.record("tansu now answers CreateAcls: compare its ACLs with the simulated brokers'")
        } catch let error as KafkaAdminError {
            guard case .malformedResponse(_, .createAcls, .unexpectedNull(field: "results")) = error else {
                Issue.record("unexpected: \(error)")
                return
            }
            #expect(!error.isRetryable)
        }
        // Its DescribeAcls answer is an empty success, whatever was asked before.
        #expect(try await client.describeAcls(.any).isEmpty)
        await #expect(
            throws: KafkaAdminError.noCommonVersion(
                broker: BrokerAddress(host: "127.0.0.1", port: broker.port), api: .deleteAcls, ours: 1...3,
                theirs: nil)
        ) { _ = try await client.deleteAcls([.any]) }
    }
}
