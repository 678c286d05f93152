import JSON
import KafkaAdmin
import KafkaProtocol
import TestSupport
import Testing

@testable import LocalKafka

/// The simulated brokers' dynamic configuration follows Kafka's semantics where the operator
/// relies on them, checked with confluent-kafka as a second client: a value Kafka does not
/// parse is refused for the whole resource, deleting a key nobody set is fine, and dynamic
/// configs live in the cluster's metadata, so a broker restart keeps them.
@Suite(.enabled(if: Peer.available("python3"), "python3 is not installed"))
struct DynamicBrokerConfigTests {
    @Test func refusalsDeletesAndARestartAreAsInKafka() async throws {
        try await withSimulatedKafka { kafka, server, simulation in
            let client = try KafkaProtocolAdminClient(bootstrap: server.bootstrap)
            try await client.incrementalAlterConfigs(
                .clusterDefault, operations: [.set(key: "log.retention.hours", value: "72")])
            let seen = try await ConfluentKafkaAdminTests().run(
                """
                b1 = ConfigResource('broker', '1')
                def alter(*entries):
                    target = ConfigResource('broker', '1', incremental_configs=list(entries))
                    return outcome(admin.incremental_alter_configs([target], request_timeout=10)[target])
                S, D = AlterConfigOpType.SET, AlterConfigOpType.DELETE
                out['unparsed'] = alter(ConfigEntry('log.cleaner.threads', '3', incremental_operation=S),
                                        ConfigEntry('num.io.threads', 'many', incremental_operation=S))
                out['unset'] = alter(ConfigEntry('log.cleaner.backoff.ms', None, incremental_operation=D))
                out['set'] = alter(ConfigEntry('log.cleaner.threads', '3', incremental_operation=S))
                print(json.dumps(out))
                """, bootstrap: server.bootstrap)
            #expect(seen["unparsed"] == "INVALID_REQUEST")
            #expect(seen["unset"] == "ok")
            #expect(seen["set"] == "ok")
            // All or nothing: the refused request left log.cleaner.threads alone until the
            // second one set it; Kafka's words for the refusal.
            await #expect(throws: KafkaAdminError.self) {
                try await client.incrementalAlterConfigs(
                    .broker(1), operations: [.set(key: "num.io.threads", value: "many")])
            }
            do {
                try await client.incrementalAlterConfigs(
                    .broker(1), operations: [.set(key: "num.io.threads", value: "many")])
            } catch {
                #expect(
                    "\(error)".contains(
                        "Invalid config value for resource ConfigResource(type=BROKER, name='1'): "
                            + "Invalid value many for configuration num.io.threads: Not a number of type INT")
                )
            }

            // Broker 1 restarts (its pod replaced): its process reads server.properties again,
            // and the dynamic levels, kept by the cluster, still apply.
            try await simulation.update { (cluster: inout SimulatedCluster) throws(SimulatedClusterError) in
                try cluster.stopBroker(1)
            }
            await server.stop(broker: 1)
            await kafka.setServerProperties(broker: 1, "node.id=1\nlog.dirs=/kafka-logs/kafka\n")
            try await simulation.update { (cluster: inout SimulatedCluster) throws(SimulatedClusterError) in
                try cluster.startBroker(1)
            }
            _ = try await server.start(broker: 1)
            let after = try await ConfluentKafkaAdminTests().run(
                """
                b1 = ConfigResource('broker', '1')
                d = configs(outcome(admin.describe_configs([b1], request_timeout=10)[b1]))
                out['threads'] = d.get('log.cleaner.threads')[:2]
                out['retention'] = d.get('log.retention.hours')[:2]
                print(json.dumps(out))
                """, bootstrap: server.bootstrap)
            #expect(after["threads"] == ["3", "DYNAMIC_BROKER_CONFIG"])
            #expect(after["retention"] == ["72", "DYNAMIC_DEFAULT_BROKER_CONFIG"])
        }
    }

    /// A broker describes only itself; clients send a broker's resource to that broker.
    @Test func aBrokerRefusesToDescribeAnotherBroker() async throws {
        try await withSimulatedKafka { kafka, _, _ in
            let response = await kafka.describeConfigs(
                DescribeConfigsRequest(resources: [.init(type: .broker, name: "1")]), broker: 0)
            #expect(response.results.first?.errorCode == KafkaErrorCode.invalidRequest)
            #expect(
                response.results.first?.errorMessage
                    == "Unexpected broker id, expected 0 or empty string, but received 1")
            let own = await kafka.describeConfigs(
                DescribeConfigsRequest(resources: [.init(type: .broker, name: "1")]), broker: 1)
            #expect(own.results.first?.errorCode == KafkaErrorCode.none)
        }
    }
}
