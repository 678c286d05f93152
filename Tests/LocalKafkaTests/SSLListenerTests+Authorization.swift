import JSON
import KafkaAdmin
import KafkaProtocol
import LocalKafka
import TestSupport
import Testing

/// confluent-kafka over an SSL listener of brokers with the standard authorizer, as the client
/// certificate's principal (`User:CN=alice`): without ACLs it lists no topics and cannot
/// produce; an ACL shows it exactly the topic it names; as a super user it sees everything.
/// Without an authorizer it sees every topic (`confluentKafkaListsTopicsThroughTheSSLListener…`).
extension SSLListenerTests {
    static let authorizer = "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    static let allTopics: JSONValue = ["audit-log", "inventory", "orders", "payments"]

    /// Lists the topics, then, when a topic is given, produces one message to it: prints the
    /// topics and the delivery report's error name (or 'ok').
    static let listAndProduce = """
        import json, sys
        from confluent_kafka import Producer
        from confluent_kafka.admin import AdminClient
        bootstrap, ca, cert, key = sys.argv[1:5]
        conf = {'bootstrap.servers': bootstrap, 'security.protocol': 'SSL', 'ssl.ca.location': ca,
                'ssl.certificate.location': cert, 'ssl.key.location': key}
        seen = {'topics': sorted(AdminClient(conf).list_topics(timeout=10).topics)}
        if len(sys.argv) > 5:
            reports = []
            producer = Producer(dict(conf, **{'message.timeout.ms': 10000}))
            producer.produce(sys.argv[5], b'hello',
                             on_delivery=lambda err, msg: reports.append(err.name() if err else 'ok'))
            producer.flush(15)
            seen['delivery'] = reports
        print(json.dumps(seen))
        """

    /// The operations confluent-kafka reports as authorized on topic `orders` and on the cluster.
    static let authorizedOperations = """
        import json, sys
        from confluent_kafka import TopicCollection
        from confluent_kafka.admin import AdminClient
        bootstrap, ca, cert, key = sys.argv[1:5]
        admin = AdminClient({'bootstrap.servers': bootstrap, 'security.protocol': 'SSL', 'ssl.ca.location': ca,
                             'ssl.certificate.location': cert, 'ssl.key.location': key})
        topic = admin.describe_topics(TopicCollection(['orders']), include_authorized_operations=True)['orders']
        cluster = admin.describe_cluster(include_authorized_operations=True)
        names = lambda operations: sorted(o.name for o in operations or [])
        print(json.dumps({'topic': names(topic.result(timeout=10).authorized_operations),
                          'cluster': names(cluster.result(timeout=10).authorized_operations)}))
        """

    func alice(
        _ fixture: SSLListenerFixture, port: UInt16, script: String = listAndProduce,
        producingTo topic: String? = nil
    ) async throws -> JSONValue {
        let arguments = [
            "-c", script, "127.0.0.1:\(port)", fixture.caFile, fixture.aliceCertificateFile,
            fixture.aliceKeyFile,
        ]
        let output = try await runOffPool("python3", arguments + (topic.map { [$0] } ?? []))
        #expect(output.status == 0, "\(output.stderr)")
        return try JSONReader.parse(Array(output.stdout.utf8))
    }

    @Test(.enabled(if: Peer.available("python3")))
    func aCertificatePrincipalSeesAndProducesOnlyWhatACLsGrant() async throws {
        // The operator's client on the plaintext sockets (User:ANONYMOUS) manages the ACLs.
        let properties = "\(Self.authorizer)\nsuper.users=User:ANONYMOUS"
        try await withSSLListeners(extraProperties: properties) { server, ports, fixture in
            let refused = try await alice(fixture, port: ports[0]!, producingTo: "orders")
            #expect(refused["topics"] == [])
            #expect(refused["delivery"] == ["TOPIC_AUTHORIZATION_FAILED"], "\(refused)")

            let admin = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            try await admin.createAcls([
                AclBinding(
                    resourceType: .topic, resourceName: "orders", principal: "User:CN=alice", operation: .read
                ),
                AclBinding(
                    resourceType: .topic, resourceName: "orders", principal: "User:CN=alice",
                    operation: .describe),
            ])
            let granted = try await alice(fixture, port: ports[1]!)
            #expect(granted["topics"] == ["orders"])
            let operations = try await alice(fixture, port: ports[1]!, script: Self.authorizedOperations)
            #expect(operations == ["topic": ["DESCRIBE", "READ"], "cluster": []])
        }
    }

    @Test(.enabled(if: Peer.available("python3")))
    func aSuperUsersCertificateSeesEveryTopic() async throws {
        let properties = "\(Self.authorizer)\nsuper.users=User:CN=kafka-controller;User:CN=alice"
        try await withSSLListeners(extraProperties: properties) { _, ports, fixture in
            let seen = try await alice(fixture, port: ports[0]!)
            #expect(seen["topics"] == Self.allTopics)
            let operations = try await alice(fixture, port: ports[0]!, script: Self.authorizedOperations)
            #expect(
                operations == [
                    "topic": [
                        "ALTER", "ALTER_CONFIGS", "CREATE", "DELETE", "DESCRIBE", "DESCRIBE_CONFIGS", "READ",
                        "WRITE",
                    ],
                    "cluster": [
                        "ALTER", "ALTER_CONFIGS", "CLUSTER_ACTION", "CREATE", "DESCRIBE", "DESCRIBE_CONFIGS",
                        "IDEMPOTENT_WRITE",
                    ],
                ])
        }
    }
}
