import KafkaAdmin
import KafkaProtocol
import LocalKafka
import Testing

/// The simulated brokers enforcing ACLs against the operator's admin client on their plaintext
/// sockets, where the client is `User:ANONYMOUS`: each API refused as Kafka refuses it, per
/// topic or for the cluster, until ACLs grant it; decided by each broker's own configuration.
@Suite struct AdminClientAuthorizationTests {
    static let authorizer = "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    static let anonymous = "User:ANONYMOUS"

    /// Gives every broker (or `brokers`) a new `server.properties`, as a restart with another
    /// configuration would.
    static func configure(_ kafka: SimulatedKafka, _ properties: String, brokers: [Int32] = [0, 1, 2]) async {
        for id in brokers { await kafka.setServerProperties(broker: id, "node.id=\(id)\n\(properties)") }
    }

    static func brokerError(_ api: ApiKey, _ code: Int16, _ message: String?, _ resource: String)
        -> KafkaAdminError
    {
        .brokerError(api: api, code: code, message: message, resource: resource)
    }

    @Test func withoutACLsEveryAPIButTheClustersDescriptionIsRefused() async throws {
        try await withSimulatedKafka(extraProperties: Self.authorizer) { kafka, server, simulation in
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            #expect(try await client.metadata(topics: nil).topics.isEmpty)
            let named = try await client.metadata(topics: ["orders", "missing"]).topics
            #expect(named.map(\.name) == ["orders", "missing"])
            #expect(
                named.allSatisfy { $0.errorCode == 29 && $0.partitions.isEmpty && $0.topicId == zeroUUID })
            #expect(try await client.describeCluster().brokers.count == 3)

            let topic = CreateTopicsRequest.Topic(name: "fresh", partitions: 1, replicationFactor: 1)
            await #expect(throws: Self.brokerError(.createTopics, 29, "Authorization failed.", "topic fresh"))
            {
                _ = try await client.createTopic(topic)
            }
            await #expect(
                throws: Self.brokerError(.deleteTopics, 29, "Topic authorization failed.", "topic orders")
            ) { _ = try await client.deleteTopic("orders") }
            await #expect(throws: Self.brokerError(.createPartitions, 29, nil, "topic orders")) {
                try await client.createPartitions(topic: "orders", count: 12)
            }
            await #expect(
                throws: Self.brokerError(.describeConfigs, 29, "Topic authorization failed.", "topic orders")
            ) { _ = try await client.describeTopicConfigs("orders") }
            await #expect(
                throws: Self.brokerError(
                    .incrementalAlterConfigs, 29, "Topic authorization failed.", "topic orders")
            ) {
                try await client.incrementalAlterTopicConfigs(
                    "orders", operations: [.set(key: "retention.ms", value: "1")])
            }
            await #expect(
                throws: Self.brokerError(.describeConfigs, 31, "Cluster authorization failed.", "broker 0")
            ) { _ = try await client.describeConfigs(broker: 0) }
            await #expect(
                throws: Self.brokerError(
                    .incrementalAlterConfigs, 31, "Cluster authorization failed.", "broker 0")
            ) {
                try await client.incrementalAlterConfigs(
                    .broker(0), operations: [.set(key: "num.io.threads", value: "9")])
            }
            await #expect(throws: Self.brokerError(.describeLogDirs, 31, nil, "broker 0")) {
                _ = try await client.logDirReplicaCounts(broker: 0)
            }

            let read = AclBinding(
                resourceType: .topic, resourceName: "orders", principal: Self.anonymous, operation: .read)
            let refusal = { (api: ApiKey, target: AclRefusal.Subject) in
                KafkaAdminError.aclsRefused(
                    api: api,
                    [
                        AclRefusal(
                            target, code: 31, message: "Request \(api) from User:ANONYMOUS is not authorized."
                        )
                    ])
            }
            await #expect(throws: refusal(.describeAcls, .filter(.any))) {
                _ = try await client.describeAcls(.any)
            }
            await #expect(throws: refusal(.createAcls, .binding(read))) {
                try await client.createAcls([read])
            }
            await #expect(throws: refusal(.deleteAcls, .filter(.any))) {
                _ = try await client.deleteAcls([.any])
            }

            // Nothing changed.
            #expect(
                await simulation.snapshot().topics.sorted() == [
                    "audit-log", "inventory", "orders", "payments",
                ])
            #expect(await kafka.acls.bindings.isEmpty)
            #expect(await kafka.topicConfigs.overrides["orders"] == nil)
        }
    }

    @Test func aclsGrantWhatTheyNameAndNoMore() async throws {
        try await withSimulatedKafka { kafka, server, simulation in
            // A super user grants, then the brokers restart without super users.
            await Self.configure(kafka, "\(Self.authorizer)\nsuper.users=\(Self.anonymous)")
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            func allow(
                _ operation: AclOperation, _ type: AclResourceType, _ name: String, _ pattern: AclPatternType
            )
                -> AclBinding
            {
                AclBinding(
                    resourceType: type, resourceName: name, patternType: pattern, principal: Self.anonymous,
                    operation: operation)
            }
            try await client.createAcls([
                allow(.read, .topic, "orders", .literal), allow(.alterConfigs, .topic, "orders", .literal),
                allow(.create, .topic, "team-", .prefixed),
                allow(.describeConfigs, .cluster, "kafka-cluster", .literal),
            ])
            await Self.configure(kafka, Self.authorizer)

            #expect(try await client.metadata(topics: nil).topics.map(\.name) == ["orders"])
            #expect(try await client.describeTopicConfigs("orders").isEmpty == false)
            try await client.incrementalAlterTopicConfigs(
                "orders", operations: [.set(key: "retention.ms", value: "60000")])
            #expect(await kafka.topicConfigs.overrides["orders"] == ["retention.ms": "60000"])
            #expect(try await client.describeConfigs(broker: 0).isEmpty == false)
            await #expect(
                throws: Self.brokerError(
                    .incrementalAlterConfigs, 31, "Cluster authorization failed.", "broker 0")
            ) {
                try await client.incrementalAlterConfigs(
                    .broker(0), operations: [.set(key: "num.io.threads", value: "9")])
            }

            let team = CreateTopicsRequest.Topic(name: "team-a", partitions: 2, replicationFactor: 2)
            #expect(try await client.createTopic(team) == .created)
            let other = CreateTopicsRequest.Topic(name: "other", partitions: 1, replicationFactor: 1)
            await #expect(throws: Self.brokerError(.createTopics, 29, "Authorization failed.", "topic other"))
            {
                _ = try await client.createTopic(other)
            }
            // CREATE does not imply DESCRIBE: the new topic exists but is not listed.
            #expect(await simulation.snapshot().topics.contains("team-a"))
            #expect(try await client.metadata(topics: nil).topics.map(\.name) == ["orders"])
            await #expect(
                throws: Self.brokerError(.deleteTopics, 29, "Topic authorization failed.", "topic orders")
            ) { _ = try await client.deleteTopic("orders") }
        }
    }

    @Test func theAnsweringBrokersOwnConfigurationDecides() async throws {
        try await withSimulatedKafka { kafka, server, _ in
            await Self.configure(kafka, Self.authorizer, brokers: [0])
            await Self.configure(kafka, "", brokers: [1, 2])
            let viaBroker0 = try KafkaProtocolAdminClient(bootstrap: "127.0.0.1:\(server.port(of: 0)!)")
            let viaBroker1 = try KafkaProtocolAdminClient(bootstrap: "127.0.0.1:\(server.port(of: 1)!)")
            #expect(try await viaBroker0.metadata(topics: nil).topics.isEmpty)
            #expect(
                try await viaBroker1.metadata(topics: nil).topics.map(\.name)
                    == ["audit-log", "inventory", "orders", "payments"])
        }
    }

    @Test func aSuperUserAndAllowEveryoneIfNoAclFoundSeeEverything() async throws {
        try await withSimulatedKafka { kafka, server, _ in
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let all = ["audit-log", "inventory", "orders", "payments"]
            await Self.configure(kafka, "\(Self.authorizer)\nsuper.users=User:CN=admin;\(Self.anonymous)")
            #expect(try await client.metadata(topics: nil).topics.map(\.name) == all)
            await Self.configure(kafka, "\(Self.authorizer)\nallow.everyone.if.no.acl.found=true")
            #expect(try await client.metadata(topics: nil).topics.map(\.name) == all)
        }
    }
}
