import Foundation
import KafkaAdmin
import KafkaProtocol
import Testing

struct ClusterHealthReportTests {
    private func metadata(
        _ partitions: [MetadataResponse.Partition], controller: Int32 = 1, topicError: Int16 = 0
    )
        -> MetadataResponse
    {
        MetadataResponse(
            brokers: [.init(nodeId: 2, host: "b", port: 9092), .init(nodeId: 1, host: "a", port: 9092)],
            clusterId: "c", controllerId: controller,
            topics: [.init(errorCode: topicError, name: "t", partitions: partitions)])
    }

    @Test func fullyReplicatedPartitionsWithLeadersAreHealthy() {
        let report = ClusterHealthReport(
            metadata: metadata([
                .init(partitionIndex: 0, leaderId: 1, replicaNodes: [1, 2], isrNodes: [2, 1])
            ]))
        #expect(report.isHealthy)
        #expect(report.brokers == [1, 2])
        #expect(report.controllerId == 1)
    }

    @Test func eachBrokersReplicasAndLeadershipsAreCounted() {
        let report = ClusterHealthReport(
            metadata: metadata([
                .init(partitionIndex: 0, leaderId: 1, replicaNodes: [1, 2], isrNodes: [1, 2]),
                .init(partitionIndex: 1, leaderId: 1, replicaNodes: [1], isrNodes: [1]),
                .init(partitionIndex: 2, leaderId: -1, replicaNodes: [2, 3], isrNodes: [2]),
            ]))
        // Broker 3 is not registered: only registered brokers are listed.
        #expect(
            report.shares == [
                .init(broker: 1, replicas: 2, leaders: 2), .init(broker: 2, replicas: 2, leaders: 0),
            ])
        #expect(
            report.description.contains(
                "  broker 1: 2 replicas, 2 leaders\n  broker 2: 2 replicas, 0 leaders"))
    }

    @Test func aPartitionWithoutLeaderIsOfflineNotUnderReplicated() {
        let report = ClusterHealthReport(
            metadata: metadata([.init(partitionIndex: 3, leaderId: -1, replicaNodes: [1, 2], isrNodes: [])]))
        #expect(!report.isHealthy)
        #expect(report.offlinePartitions.map(\.partition) == [3])
        #expect(report.underReplicatedPartitions.isEmpty)
    }

    @Test func anIsrSmallerThanTheReplicasIsUnderReplicated() {
        let report = ClusterHealthReport(
            metadata: metadata([.init(partitionIndex: 0, leaderId: 1, replicaNodes: [1, 2], isrNodes: [1])]))
        #expect(!report.isHealthy)
        #expect(report.underReplicatedPartitions.map(\.inSyncReplicas) == [[1]])
        #expect(report.description.contains("under-replicated partitions: 1"))
        #expect(report.description.contains("t-0 leader 1 replicas [1,2] isr [1]"))
    }

    @Test func noControllerOrATopicErrorIsUnhealthy() {
        #expect(!ClusterHealthReport(metadata: metadata([], controller: -1)).isHealthy)
        let withError = ClusterHealthReport(metadata: metadata([], topicError: 5))
        #expect(!withError.isHealthy)
        #expect(withError.topicProblems.first?.error == "LEADER_NOT_AVAILABLE")
    }

    @Test func anExpectedBrokerThatIsNotRegisteredIsMissingAndUnhealthy() {
        let report = ClusterHealthReport(metadata: metadata([]), expectedBrokers: [1, 2, 3])
        #expect(report.missingBrokers == [3])
        #expect(!report.isHealthy)
        #expect(report.description.contains("missing brokers: 3"))
    }

    @Test func jsonRoundTripsAndCarriesTheVerdict() throws {
        let report = ClusterHealthReport(
            metadata: metadata([.init(partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1])]))
        let json = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(ClusterHealthReport.self, from: json) == report)
        #expect(String(decoding: json, as: UTF8.self).contains("\"isHealthy\":true"))
    }
}

struct FewestReplicasBrokerTests {
    private func metadata(_ replicaSets: [[Int32]]) -> MetadataResponse {
        MetadataResponse(
            brokers: [], clusterId: nil, controllerId: 1,
            topics: [
                .init(
                    name: "t",
                    partitions: replicaSets.enumerated().map {
                        .init(
                            partitionIndex: Int32($0.offset), leaderId: $0.element.first ?? -1,
                            replicaNodes: $0.element, isrNodes: $0.element)
                    })
            ])
    }

    @Test(
        arguments: [
            ("fewest wins", [[1, 2], [1, 2], [1, 3]], [1, 2, 3], Int32?(3)),
            ("tie goes to the highest id", [[1, 2], [2, 3], [3, 1]], [1, 2, 3], 3),
            ("a candidate without replicas counts zero", [[1, 2]], [1, 2, 4], 4),
            ("only candidates are considered", [[1], [1], [2]], [1], 1),
            ("no candidates", [[1]], [], nil),
            ("duplicate replica ids count once", [[2, 2, 2], [1]], [1, 2], 2),
        ] as [(String, [[Int32]], [Int32], Int32?)])
    func picksTheBrokerWithTheFewestReplicas(
        name: String, replicas: [[Int32]], candidates: [Int32], expected: Int32?
    ) {
        #expect(
            fewestReplicasBroker(metadata: metadata(replicas), candidates: candidates) == expected, "\(name)")
    }
}

struct BrokerAddressTests {
    @Test(arguments: [
        ("a:1", [BrokerAddress(host: "a", port: 1)]),
        ("a:1,b:2", [.init(host: "a", port: 1), .init(host: "b", port: 2)]),
        (" a:1 , b:2 ", [.init(host: "a", port: 1), .init(host: "b", port: 2)]),
        ("[::1]:9092", [.init(host: "::1", port: 9092)]),
    ])
    func parsesBootstrapLists(text: String, expected: [BrokerAddress]) throws {
        #expect(try BrokerAddress.parseList(text) == expected)
    }

    @Test(arguments: ["", "a", "a:", ":1", "a:0", "a:65536", "a:1,", "a:1,,b:2", "a:x", "a b:1"])
    func rejectsHostileBootstrapLists(text: String) {
        #expect(throws: KafkaAdminError.invalidBootstrap(text)) { try BrokerAddress.parseList(text) }
    }
}
