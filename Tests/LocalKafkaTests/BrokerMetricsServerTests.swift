import LocalKafka
import TestSupport
import Testing

/// Each running broker's metrics over HTTP, on a port of its own, closed with the broker.
@Suite struct BrokerMetricsServerTests {
    static func get(_ port: UInt16, _ path: String, method: String = "GET") async throws -> RawResponse {
        try await SimulatorEndpoints.exchange(
            port: port,
            "\(method) \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            head: method == "HEAD")
    }

    @Test func eachBrokerServesItsOwnMetricsAndNothingElse() async throws {
        let clock = ManualClock()
        let simulation = ClusterSimulation(
            cluster: try ExampleCluster.cluster(now: clock.nowMilliseconds()), clock: clock)
        try await withSimulatorEndpoints(simulation) { endpoints in
            for (id, port) in endpoints.metricsPorts {
                let answer = try await Self.get(port, "/metrics")
                #expect(answer.status == 200)
                #expect(answer.header("Content-Type") == BrokerMetricsExposition.contentType)
                let text = String(decoding: answer.body, as: UTF8.self)
                let controller = id == 0 ? 1 : 0
                #expect(
                    text.contains("\nkafka_controller_kafkacontroller_activecontrollercount \(controller)\n"))
            }
            let port = try #require(endpoints.metricsPorts[1])
            #expect(try await Self.get(port, "/").status == 404)
            #expect(try await Self.get(port, "/metrics/extra").status == 404)
            #expect(try await Self.get(port, "/metrics", method: "POST").status == 405)
            #expect(try await Self.get(port, "/metrics", method: "HEAD").status == 200)
        }
    }

    @Test func aStoppedBrokersEndpointClosesAndAnOpenOneForAStoppedBrokerSaysSo() async throws {
        let clock = ManualClock()
        let simulation = ClusterSimulation(
            cluster: try ExampleCluster.cluster(now: clock.nowMilliseconds()), clock: clock)
        try await withSimulatorEndpoints(simulation) { endpoints in
            let port = try #require(endpoints.metricsPorts[2])
            try await simulation.update { (cluster) throws(SimulatedClusterError) in try cluster.stopBroker(2)
            }
            // The endpoint is the exporter's, so it knows its broker is gone before it closes.
            let answer = try await Self.get(port, "/metrics")
            #expect(answer.status == 404)
            #expect(String(decoding: answer.body, as: UTF8.self) == "broker 2 is not running\n")
            await endpoints.metrics.stop(broker: 2)
            #expect(endpoints.metrics.port(of: 2) == nil)
            #expect(!isListening(port: port))
            // It opens again on the same port when the broker comes back.
            try await simulation.update { (cluster) throws(SimulatedClusterError) in
                try cluster.startBroker(2)
            }
            #expect(try await endpoints.metrics.start(broker: 2, port: port) == port)
            #expect(try await Self.get(port, "/metrics").status == 200)
        }
    }
}
