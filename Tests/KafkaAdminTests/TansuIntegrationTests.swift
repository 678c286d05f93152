import KafkaAdmin
import TestSupport
import Testing

/// The admin client against a real Kafka-protocol broker (tansu) on loopback, one broker per test.
@Suite(.enabled(if: TansuBroker.isAvailable, "tansu is not installed"))
final class TansuIntegrationTests {
    let broker: TansuBroker
    let client: KafkaProtocolAdminClient

    init() async throws {
        broker = try await TansuBroker()
        client = try KafkaProtocolAdminClient(bootstrap: broker.bootstrap)
    }

    deinit { broker.stop() }

    @Test func negotiatesTheHighestCommonVersionOfEveryApiItUses() async throws {
        let ranges = try await client.negotiatedRanges()
        #expect(ranges[.apiVersions] != nil)
        #expect(ranges[.metadata] != nil)
        #expect(ranges[.describeCluster] != nil)
        print("tansu ApiVersions:", ranges.sorted { $0.key.rawValue < $1.key.rawValue })
    }

    @Test func metadataListsTheSingleBrokerAndController() async throws {
        let metadata = try await client.metadata(topics: nil)
        #expect(metadata.brokers == [.init(nodeId: 111, host: "127.0.0.1", port: Int32(broker.port))])
        #expect(metadata.controllerId == 111)
        #expect(metadata.clusterId == "tansu_cluster")
    }

    @Test func createdTopicShowsUpInMetadataWithLeaderAndReplicas() async throws {
        let topic = CreateTopicsRequest.Topic(name: "orders", partitions: 3, replicationFactor: 1)
        #expect(try await client.createTopic(topic) == .created)
        #expect(try await client.createTopic(topic) == .alreadyExists)
        let metadata = try await client.metadata(topics: ["orders"])
        let orders = try #require(metadata.topics.first { $0.name == "orders" })
        #expect(orders.errorCode == 0)
        #expect(orders.partitions.map(\.partitionIndex).sorted() == [0, 1, 2])
        for partition in orders.partitions {
            #expect(partition.leaderId == 111)
            #expect(partition.replicaNodes == [111])
            #expect(partition.isrNodes == [111])
        }
    }

    @Test func describeClusterNamesTheClusterAndBroker() async throws {
        let cluster = try await client.describeCluster()
        #expect(cluster.clusterId == "tansu_cluster")
        #expect(cluster.controllerId == 111)
        #expect(cluster.brokers.map(\.nodeId) == [111])
    }
}
