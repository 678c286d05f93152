import Foundation
import JSON
import LocalKafka
import TestSupport
import Testing

/// Real Prometheus scrapes the simulated brokers' metrics ports, and the repository's own alert
/// rule fires when the synthetic load set through the control endpoint crosses its threshold.
@Suite(.serialized) struct BrokerMetricsPrometheusTests {
    /// One static target per broker, with the labels Koperator's ServiceMonitor gives each Kafka
    /// pod's metrics (`kafka_cr` and `brokerId` from the pod's labels, `namespace` from
    /// discovery).
    static func scrapeConfigs(_ ports: [Int32: UInt16]) -> String {
        var text = "  - job_name: kafka\n    static_configs:\n"
        for (id, port) in ports.sorted(by: { $0.key < $1.key }) {
            text += """
                      - targets: ["127.0.0.1:\(port)"]
                        labels: {kafka_cr: kafka, namespace: kafka, brokerId: "\(id)"}

                """
        }
        return text
    }

    /// The `result` of an instant query, as (labels, value) pairs.
    static func query(_ prometheus: PrometheusPeer, _ promql: String) async -> [([String: String], Double)] {
        guard let body = await prometheus.get("/api/v1/query", [("query", promql)]),
            let json = try? JSONReader.parse(Array(body.utf8)),
            case .array(let results)? = json["data"]?["result"]
        else { return [] }
        return results.compactMap { result in
            guard case .object(let members)? = result["metric"], case .array(let pair)? = result["value"],
                pair.count == 2, case .string(let text) = pair[1], let value = Double(text)
            else { return nil }
            var labels: [String: String] = [:]
            for (key, value) in members { if case .string(let text) = value { labels[key] = text } }
            return (labels, value)
        }
    }

    /// Alerts Prometheus holds in state `firing`, as their label sets.
    static func firing(_ prometheus: PrometheusPeer) async -> [[String: String]] {
        guard let body = await prometheus.get("/api/v1/alerts"),
            let json = try? JSONReader.parse(Array(body.utf8)),
            case .array(let alerts)? = json["data"]?["alerts"]
        else { return [] }
        return alerts.compactMap { alert in
            guard alert["state"] == .string("firing"), case .object(let members)? = alert["labels"] else {
                return nil
            }
            var labels: [String: String] = [:]
            for (key, value) in members { if case .string(let text) = value { labels[key] = text } }
            return labels
        }
    }

    /// The example cluster on the wall clock: Prometheus's rates are over real seconds.
    static func simulation() throws -> ClusterSimulation {
        let clock = WallClock()
        return ClusterSimulation(
            cluster: try ExampleCluster.cluster(now: clock.nowMilliseconds()), clock: clock)
    }

    @Test(.enabled(if: PrometheusPeer.isAvailable, "prometheus or curl is not installed"))
    func prometheusScrapesEveryBrokersSeries() async throws {
        let simulation = try Self.simulation()
        try await withSimulatorEndpoints(simulation) { endpoints in
            try await withPrometheus(scrapeConfigs: Self.scrapeConfigs(endpoints.metricsPorts)) {
                prometheus in
                #expect(await prometheus.waitUntilReady(), "\(prometheus.process.log)")
                let cluster = await simulation.snapshot()
                var counts: [([String: String], Double)] = []
                let scraped = await waitUntil(timeout: .seconds(30), every: .milliseconds(250)) {
                    counts = await Self.query(prometheus, "kafka_server_replicamanager_partitioncount")
                    return counts.count == 3
                }
                #expect(scraped, "\(counts)\n\(prometheus.process.log)")
                for (labels, value) in counts {
                    let id = try #require(labels["brokerId"].flatMap { Int32($0) })
                    #expect(labels["kafka_cr"] == "kafka")
                    #expect(labels["namespace"] == "kafka")
                    #expect(value == Double(cluster.replicaCount(of: id)), "broker \(id)")
                }
                // `{topic=""}` selects each broker's all-topics counter, not its per-topic ones.
                let totals = await Self.query(
                    prometheus, #"kafka_server_brokertopicmetrics_bytesin_total{topic=""}"#)
                #expect(Set(totals.compactMap { $0.0["brokerId"] }) == ["0", "1", "2"])
                let controllers = await Self.query(
                    prometheus, "sum(kafka_controller_kafkacontroller_activecontrollercount)")
                #expect(controllers.first?.1 == 1)
            }
        }
    }

    /// The repository's rules with their time windows shortened for a test — `[5m]` and the
    /// like become `[10s]`, every `for:` becomes `0s` — and nothing else changed: the same
    /// expressions, thresholds and labels as users run.
    static func rulesWithShortWindows() throws -> String {
        let original = try String(
            contentsOf: repositoryRoot.appendingPathComponent("alerts/kafka-scaling.rules.yml"),
            encoding: .utf8)
        let rules = original.replacing(#/\[\d+[smh]\]/#, with: "[10s]").replacing(
            #/for: \d+[smh]/#, with: "for: 0s")
        return rules
    }

    @Test(.enabled(if: PrometheusPeer.isAvailable, "prometheus or curl is not installed"))
    func theBytesInRuleFiresWhenTheSyntheticLoadCrossesItsThreshold() async throws {
        let rules = try Self.rulesWithShortWindows()
        #expect(rules.contains("rate(kafka_server_brokertopicmetrics_bytesin_total{topic=\"\"}[10s])"))
        #expect(!rules.contains("for: 10m"))
        let simulation = try Self.simulation()
        try await withSimulatorEndpoints(simulation) { endpoints in
            try await withPrometheus(scrapeConfigs: Self.scrapeConfigs(endpoints.metricsPorts), rules: rules)
            {
                prometheus in
                #expect(await prometheus.waitUntilReady(), "\(prometheus.process.log)")
                // The example's load, about 0.6 MB/s a broker, is measured and well under 50 MB/s.
                let rate =
                    #"avg by (kafka_cr, namespace) (rate(kafka_server_brokertopicmetrics_bytesin_total{topic=""}[10s]))"#
                var measured: [([String: String], Double)] = []
                #expect(
                    await waitUntil(timeout: .seconds(30), every: .milliseconds(250)) {
                        measured = await Self.query(prometheus, rate)
                        return measured.first.map { $0.1 > 0 } ?? false
                    }, "\(measured)\n\(prometheus.process.log)")
                #expect(measured.first.map { $0.1 < 50e6 } ?? false, "\(measured)")
                #expect(
                    await Self.firing(prometheus).allSatisfy { $0["alertname"] != "KafkaBrokerBytesInHigh" })

                // 300 MB/s over the cluster's 16 partitions: about 100 MB/s for each of the
                // three brokers, which lead about a third of them each.
                let set = try await endpoints.control("PUT", body: #"{"bytesInPerSecond":300000000}"#)
                #expect(set.status == 200, "\(String(decoding: set.body, as: UTF8.self))")

                var alerts: [[String: String]] = []
                let fired = await waitUntil(timeout: .seconds(60), every: .milliseconds(500)) {
                    alerts = await Self.firing(prometheus)
                    return alerts.contains {
                        $0["alertname"] == "KafkaBrokerBytesInHigh" && $0["kafka_cr"] == "kafka"
                            && $0["namespace"] == "kafka"
                    }
                }
                let rateAtTheEnd = await Self.query(prometheus, rate)
                #expect(fired, "\(alerts)\n\(rateAtTheEnd)\n\(prometheus.process.log)")
            }
        }
    }
}
