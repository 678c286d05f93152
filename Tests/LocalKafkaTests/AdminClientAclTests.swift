import KafkaAdmin
import KafkaProtocol
import LocalKafka
import Testing

/// The operator's admin client managing ACLs on the simulated brokers over loopback: refused
/// without an authorizer, as Kafka refuses; with one, the bindings it creates are the
/// cluster's, seen through any broker and kept across a broker's restart.
@Suite struct AdminClientAclTests {
    /// The standard authorizer, with the plaintext sockets' client (`User:ANONYMOUS`) as a super
    /// user: as on Kafka, an admin client on a plaintext listener may manage ACLs only so.
    static let authorizer = """
        authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
        super.users=User:ANONYMOUS
        """
    static let read = AclBinding(
        resourceType: .topic, resourceName: "orders", principal: "User:alice", operation: .read)
    static let write = AclBinding(
        resourceType: .topic, resourceName: "orders-", patternType: .prefixed, principal: "User:alice",
        operation: .write)

    @Test func withoutAnAuthorizerEveryAclRequestIsSecurityDisabled() async throws {
        try await withSimulatedKafka { kafka, server, _ in
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            await #expect(
                throws: KafkaAdminError.aclsRefused(
                    api: .describeAcls,
                    [
                        AclRefusal(
                            .filter(.any), code: 54, message: "No Authorizer is configured on the broker")
                    ])
            ) { _ = try await client.describeAcls(.any) }
            await #expect(
                throws: KafkaAdminError.aclsRefused(
                    api: .createAcls,
                    [AclRefusal(.binding(Self.read), code: 54, message: "No Authorizer is configured.")])
            ) { try await client.createAcls([Self.read]) }
            await #expect(
                throws: KafkaAdminError.aclsRefused(
                    api: .deleteAcls,
                    [AclRefusal(.filter(.any), code: 54, message: "No Authorizer is configured.")])
            ) { _ = try await client.deleteAcls([.any]) }
            #expect(await kafka.acls.bindings.isEmpty)
            let error = KafkaAdminError.aclsRefused(
                api: .createAcls,
                [AclRefusal(.binding(Self.read), code: 54, message: "No Authorizer is configured.")])
            #expect(!error.isRetryable)
            #expect(
                error.description
                    == "CreateAcls was refused for ACL ALLOW User:alice READ on TOPIC orders (LITERAL) from *: "
                    + "SECURITY_DISABLED (No Authorizer is configured.); retrying will not help.")
        }
    }

    @Test func createdBindingsAreTheClustersAndADeleteReturnsWhatItRemoved() async throws {
        try await withSimulatedKafka(extraProperties: Self.authorizer) { kafka, server, simulation in
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            let wrongCluster = AclBinding(
                resourceType: .cluster, resourceName: "c1", principal: "User:alice", operation: .alter)
            // Each binding is judged on its own: the refused one is named, the others are created.
            await #expect(
                throws: KafkaAdminError.aclsRefused(
                    api: .createAcls,
                    [
                        AclRefusal(
                            .binding(wrongCluster), code: 42,
                            message: "The only valid name for the CLUSTER resource is kafka-cluster")
                    ])
            ) { try await client.createAcls([Self.read, wrongCluster, Self.write]) }
            try await client.createAcls([Self.read])
            #expect(try await client.describeAcls(.any) == [Self.read, Self.write])
            #expect(await kafka.acls.bindings == [Self.read, Self.write])

            // Any broker answers from the same ACLs, also after broker 0 restarts.
            try await simulation.update { (cluster) throws(SimulatedClusterError) in try cluster.stopBroker(0)
            }
            await server.stop(broker: 0)
            try await simulation.update { (cluster) throws(SimulatedClusterError) in
                try cluster.startBroker(0)
            }
            let port = try await server.start(broker: 0)
            let viaBroker0 = try KafkaProtocolAdminClient(bootstrap: "127.0.0.1:\(port)")
            let viaBroker2 = try KafkaProtocolAdminClient(bootstrap: "127.0.0.1:\(server.port(of: 2)!)")
            let match = AclBindingFilter(resourceType: .topic, resourceName: "orders-eu", patternType: .match)
            #expect(try await viaBroker0.describeAcls(match) == [Self.write])
            #expect(try await viaBroker2.describeAcls(match) == [Self.write])

            let removed = try await viaBroker2.deleteAcls([
                AclBindingFilter(principal: "User:alice", operation: .read),
                AclBindingFilter(principal: "User:bob"),
            ])
            #expect(removed == [Self.read])
            #expect(try await client.describeAcls(.any) == [Self.write])
            #expect(try await client.deleteAcls([.any]) == [Self.write])
            #expect(try await client.describeAcls(.any).isEmpty)
        }
    }

    /// CreateAcls and DeleteAcls are forwarded to the controller (broker 0, the lowest alive
    /// id), whose configuration decides; DescribeAcls is the receiving broker's own answer.
    @Test func theControllersAuthorizerDecidesChangesAndTheReceivingBrokersDescribes() async throws {
        try await withSimulatedKafka(extraProperties: Self.authorizer) { kafka, server, _ in
            await kafka.setServerProperties(broker: 1, "node.id=1\nlog.dirs=/kafka-logs/kafka\n")
            let viaBroker1 = try KafkaProtocolAdminClient(bootstrap: "127.0.0.1:\(server.port(of: 1)!)")
            try await viaBroker1.createAcls([Self.read])
            #expect(await kafka.acls.bindings == [Self.read])
            await #expect(throws: KafkaAdminError.self) { _ = try await viaBroker1.describeAcls(.any) }
            #expect(try await viaBroker1.deleteAcls([.any]) == [Self.read])
        }
    }
}
