import AddressResolution
import KafkaAdmin
import KafkaProtocol
import LocalKafka
import Testing

/// The operator's own Kafka client against the simulated brokers: the health it reports and
/// the configuration it reads are what the simulated cluster says, through the same protocol
/// it speaks to a real cluster.
@Suite struct AdminClientAgainstSimulatorTests {
    @Test func healthFollowsTheSimulatedCluster() async throws {
        try await withSimulatedKafka { _, server, simulation in
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let cluster = await simulation.snapshot()
            let healthy = try await client.healthReport(expectedBrokers: cluster.brokerIDs)
            #expect(healthy.isHealthy, "\(healthy)")
            #expect(healthy.brokers == cluster.brokerIDs)
            #expect(healthy.topicCount == 4)
            #expect(healthy.partitionCount == cluster.partitions.count)
            #expect(
                healthy.shares.map { [$0.broker, Int32($0.replicas), Int32($0.leaders)] }
                    == cluster.brokerIDs.map { id in
                        let held = cluster.partitions.values.filter { $0.replicas.contains(id) }
                        return [id, Int32(held.count), Int32(held.filter { $0.leader == id }.count)]
                    })

            // Broker 2 stops: its partitions lose it from the ISR, the lone replicas it held go
            // offline, and it is missing from the expected brokers.
            let lone = cluster.partitions.filter { $0.value.replicas == [2] }.count
            #expect(lone > 0, "the example has a replication-factor-1 topic with a partition on broker 2")
            try await simulation.update { (cluster) throws(SimulatedClusterError) in try cluster.stopBroker(2)
            }
            await server.stop(broker: 2)
            let degraded = try await client.healthReport(expectedBrokers: cluster.brokerIDs)
            #expect(!degraded.isHealthy)
            #expect(degraded.missingBrokers == [2])
            #expect(degraded.offlinePartitions.count == lone)
            #expect(!degraded.underReplicatedPartitions.isEmpty)
            #expect(degraded.underReplicatedPartitions.allSatisfy { !$0.inSyncReplicas.contains(2) })
        }
    }

    /// DescribeLogDirs, asked of the broker itself: every log directory of broker 2 (it has two
    /// disks), with as many replicas as the simulated cluster places there.
    @Test func logDirReplicaCountsAreWhatEachDirectoryHolds() async throws {
        try await withSimulatedKafka { _, server, simulation in
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let cluster = await simulation.snapshot()
            let dirs = try #require(cluster.brokers[2]?.logDirs)
            #expect(dirs.count == 2)
            let expected = Dictionary(
                uniqueKeysWithValues: dirs.map { dir in
                    (dir, cluster.partitions.values.filter { $0.logDirs[2] == dir }.count)
                })
            #expect(try await client.logDirReplicaCounts(broker: 2) == expected)
            #expect(
                expected.values.reduce(0, +)
                    == cluster.partitions.values.filter { $0.replicas.contains(2) }.count)
            await #expect(throws: (any Error).self) { try await client.logDirReplicaCounts(broker: 9) }
        }
    }

    /// A client that comes in through a broker's external listener is told every broker's
    /// external address, and a broker without that listener is left out, as Kafka answers each
    /// listener with its own endpoints; the brokers' own sockets still advertise themselves.
    @Test func metadataAdvertisesTheListenerTheClientCameInThrough() async throws {
        try await withSimulatedKafka { _, server, _ in
            var external = AddressMap()
            for id: Int32 in [0, 1] {
                let endpoint = BrokerListenerEndpoint(
                    name: "EXTERNAL", port: 9094, advertisedHost: "203.0.113.7", advertisedPort: 19090 + id)
                let port = try await server.start(broker: id, listener: endpoint)
                #expect(server.port(of: id, listener: "EXTERNAL") == port)
                external.map(
                    ServiceAddress(host: "203.0.113.7", port: UInt16(19090 + id)),
                    to: ServiceAddress(host: "127.0.0.1", port: port))
            }
            #expect(server.port(of: 2, listener: "EXTERNAL") == nil)
            let throughExternal = try KafkaProtocolAdminClient(
                bootstrap: "203.0.113.7:19091", options: KafkaAdminOptions(addressResolver: external))
            let outside = try await throughExternal.metadata(topics: [])
            #expect(
                outside.brokers.map { "\($0.host):\($0.port)" } == ["203.0.113.7:19090", "203.0.113.7:19091"])
            let described = try await throughExternal.describeCluster()
            #expect(described.brokers.map(\.port) == [19090, 19091])

            let inside = try await KafkaProtocolAdminClient(bootstrap: server.bootstrap).metadata(topics: [])
            #expect(inside.brokers.map(\.nodeId) == [0, 1, 2])
            #expect(
                inside.brokers.allSatisfy {
                    $0.host == "127.0.0.1" && UInt16($0.port) == server.port(of: $0.nodeId)
                })

            // A stopped broker closes every listener.
            await server.stop(broker: 1)
            #expect(server.port(of: 1, listener: "EXTERNAL") == nil)
            #expect(server.port(of: 1) == nil)
        }
    }

    @Test func metadataListsTopicsByNameAndPartitionsInOrderAsTheModelHoldsThem() async throws {
        try await withSimulatedKafka { _, server, simulation in
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            try await simulation.update { (cluster) throws(SimulatedClusterError) in try cluster.stopBroker(2)
            }
            let cluster = await simulation.snapshot()

            let all = try await client.metadata(topics: nil)
            #expect(all.topics.map(\.name) == ["audit-log", "inventory", "orders", "payments"])
            for topic in all.topics {
                let name = try #require(topic.name)
                #expect(topic.errorCode == KafkaErrorCode.none)
                #expect(topic.partitions.map(\.partitionIndex) == Array(0..<Int32(topic.partitions.count)))
                for answered in topic.partitions {
                    let partition = try #require(
                        cluster.partitions[TopicPartition(name, answered.partitionIndex)])
                    #expect(answered.replicaNodes == partition.replicas)
                    #expect(answered.isrNodes == partition.isr)
                    #expect(answered.leaderId == partition.leader ?? -1)
                    #expect(
                        answered.errorCode
                            == (partition.isOffline ? KafkaErrorCode.leaderNotAvailable : KafkaErrorCode.none)
                    )
                    #expect(answered.offlineReplicas == partition.replicas.filter { $0 == 2 })
                }
            }
            #expect(all.topics.reduce(0) { $0 + $1.partitions.count } == cluster.partitions.count)

            // Named topics come back in the order asked, an unknown one refused on its own.
            let named = try await client.metadata(topics: ["payments", "no-such-topic", "orders"])
            #expect(named.topics.map(\.name) == ["payments", "no-such-topic", "orders"])
            #expect(
                named.topics.map(\.errorCode)
                    == [KafkaErrorCode.none, KafkaErrorCode.unknownTopicOrPartition, KafkaErrorCode.none])
            #expect(named.topics.map(\.partitions.count) == [3, 0, 6])
            #expect(named.topics[0].partitions == all.topics[3].partitions)
            #expect(named.topics[0].topicId == all.topics[3].topicId)
        }
    }

    @Test func brokerConfigurationShowsItsSource() async throws {
        try await withSimulatedKafka { _, server, _ in
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let entries = try await client.describeConfigs(broker: 1)
            let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            // From the broker's server.properties: a static broker config (source 4).
            #expect(byName["log.retention.hours"]?.value == "72")
            #expect(byName["log.retention.hours"]?.sourceCode == 4)
            #expect(byName["num.network.threads"]?.value == "5")
        }
    }
}
