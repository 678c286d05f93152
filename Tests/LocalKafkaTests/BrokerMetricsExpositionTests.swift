import Foundation
import LocalKafka
import TestSupport
import Testing

/// The brokers' metrics in Prometheus's text format, under the names Koperator's JMX exporter
/// configuration gives Kafka's MBeans, checked by Prometheus's own `promtool`.
@Suite struct BrokerMetricsExpositionTests {
    static func text(_ sample: BrokerMetricsSample) -> String {
        String(decoding: BrokerMetricsExposition.render(sample), as: UTF8.self)
    }

    /// The example cluster after ten seconds, with broker 2 stopped (so `audit-log` partitions
    /// are offline and others under-replicated).
    static func example() async throws -> (ClusterSimulation, ManualClock) {
        let clock = ManualClock()
        let simulation = ClusterSimulation(
            cluster: try ExampleCluster.cluster(now: clock.nowMilliseconds()), clock: clock)
        clock.advance(milliseconds: 10_000)
        try await simulation.update { (cluster) throws(SimulatedClusterError) in try cluster.stopBroker(2) }
        return (simulation, clock)
    }

    @Test func theControllerExposesEveryFamilyUnderTheExportersNames() async throws {
        let (simulation, _) = try await Self.example()
        let sample = try #require(await simulation.brokerMetrics(0))
        let lines = Set(Self.text(sample).split(separator: "\n").map(String.init))
        let bytesIn = Int64(sample.bytesIn)
        #expect(bytesIn > 0)
        for line in [
            "# TYPE kafka_server_brokertopicmetrics_bytesin_total counter",
            "kafka_server_brokertopicmetrics_bytesin_total \(bytesIn)",
            "# TYPE kafka_server_brokertopicmetrics_bytesout_total counter",
            "# TYPE kafka_server_replicamanager_isrshrinks_total counter",
            "# TYPE kafka_server_replicamanager_isrexpands_total counter",
            "kafka_server_replicamanager_partitioncount \(sample.partitionCount)",
            "kafka_server_replicamanager_leadercount \(sample.leaderCount)",
            "kafka_server_replicamanager_underreplicatedpartitions \(sample.underReplicatedPartitions)",
            "kafka_server_replicamanager_underminisrpartitioncount 0",
            "kafka_controller_kafkacontroller_activecontrollercount 1",
            // audit-log's partitions on broker 2 alone.
            "kafka_controller_kafkacontroller_offlinepartitionscount 1",
            "# TYPE kafka_log_log_size gauge",
            "kafka_log_log_size{topic=\"orders\",partition=\"0\"} \(256 << 20)",
        ] {
            #expect(lines.contains(line), "missing: \(line)")
        }
        #expect(sample.underReplicatedPartitions > 0)
        // Per-topic series beside the all-topics one, which has no topic label (`{topic=""}`).
        let orders = try #require(sample.topicBytesIn.first { $0.topic == "orders" })
        #expect(
            lines.contains(
                "kafka_server_brokertopicmetrics_bytesin_total{topic=\"orders\"} \(Int64(orders.bytes))"))
        // Every sample line is a name the families announced.
        let families = Set(lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] })
        for line in lines where !line.hasPrefix("#") {
            let name = line.prefix { $0 != "{" && $0 != " " }
            #expect(families.contains(name), "\(line)")
        }
    }

    @Test func aFollowerReportsNoControllerOrOfflinePartitions() async throws {
        let (simulation, _) = try await Self.example()
        let text = Self.text(try #require(await simulation.brokerMetrics(1)))
        #expect(text.contains("\nkafka_controller_kafkacontroller_activecontrollercount 0\n"))
        #expect(text.contains("\nkafka_controller_kafkacontroller_offlinepartitionscount 0\n"))
    }

    @Test func labelValuesAreEscaped() async throws {
        let clock = ManualClock()
        var cluster = SimulatedCluster(now: clock.nowMilliseconds())
        try cluster.addBroker(SimulatedBroker(id: 0, host: "b0", logDirs: ["/d"]))
        try cluster.createTopic("we\"ird\\na\nme", assignment: [[0]], sizeBytes: 7, bytesInPerSecond: 1)
        let simulation = ClusterSimulation(cluster: cluster, clock: clock)
        clock.advance(milliseconds: 1_000)
        let text = Self.text(try #require(await simulation.brokerMetrics(0)))
        #expect(text.contains(#"kafka_log_log_size{topic="we\"ird\\na\nme",partition="0"} 7"#), "\(text)")
        #expect(text.contains(#"kafka_server_brokertopicmetrics_bytesin_total{topic="we\"ird\\na\nme"} 1"#))
    }

    @Test(.enabled(if: Peer.available("promtool"), "promtool is not installed"))
    func promtoolAcceptsTheExposition() async throws {
        let (simulation, clock) = try await Self.example()
        try await simulation.update { (cluster) throws(SimulatedClusterError) in try cluster.startBroker(2) }
        clock.advance(milliseconds: 60_000)
        for id: Int32 in 0...2 {
            let body = BrokerMetricsExposition.render(try #require(await simulation.brokerMetrics(id)))
            let output = try await runOffPool("promtool", ["check", "metrics"], input: Data(body))
            #expect(output.status == 0, "broker \(id): \(output.stdout)\(output.stderr)")
        }
    }

    @Test(.enabled(if: Peer.available("promtool"), "promtool is not installed"))
    func promtoolAcceptsAnEscapedLabelValue() async throws {
        let clock = ManualClock()
        var cluster = SimulatedCluster(now: clock.nowMilliseconds())
        try cluster.addBroker(SimulatedBroker(id: 0, host: "b0", logDirs: ["/d"]))
        try cluster.createTopic("we\"ird\\na\nme", assignment: [[0]], sizeBytes: 7, bytesInPerSecond: 1)
        let simulation = ClusterSimulation(cluster: cluster, clock: clock)
        let body = BrokerMetricsExposition.render(try #require(await simulation.brokerMetrics(0)))
        let output = try await runOffPool("promtool", ["check", "metrics"], input: Data(body))
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
    }
}
