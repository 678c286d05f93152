import Dispatch
import HTTPServer
import LocalKafka
import Logging
import TestSupport

/// A simulation's brokers with their metrics endpoints open and the simulator control endpoint
/// beside them, all on free loopback ports, closed when `body` returns.
struct SimulatorEndpoints {
    let simulation: ClusterSimulation
    let metrics: BrokerMetricsServer
    /// Each broker's metrics port.
    let metricsPorts: [Int32: UInt16]
    let controlPort: UInt16

    /// Sends one request (`Connection: close`) and reads its answer, on a Dispatch thread: the
    /// blocking socket must not hold a thread of the small cooperative pool the handlers need.
    static func exchange(port: UInt16, _ request: String, head: Bool = false) async throws -> RawResponse {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        let socket = try RawSocket(port: port)
                        try socket.send(request)
                        return try socket.readResponse(headRequest: head)
                    })
            }
        }
    }

    func control(_ method: String, body: String = "") async throws -> RawResponse {
        try await Self.exchange(
            port: controlPort,
            "\(method) \(SimulatorControl.loadPath) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
    }
}

func withSimulatorEndpoints<T>(
    _ simulation: ClusterSimulation, _ body: (SimulatorEndpoints) async throws -> T
) async throws -> T {
    var logger = Logger(label: "simulator-endpoints-test")
    logger.logLevel = .critical
    let metrics = BrokerMetricsServer(simulation: simulation, logger: logger)
    var limits = HTTPLimits()
    limits.maxBodyBytes = 4_096
    limits.shutdownGracePeriod = .seconds(1)
    let control = HTTPServer(
        configuration: HTTPServerConfiguration(
            listeners: [HTTPListener(host: "127.0.0.1", port: 0)], limits: limits, eventLoopCount: 1),
        router: SimulatorControl(simulation: simulation).routes(), logger: logger)
    let running = Task { try await control.run() }
    func stop() async {
        await metrics.stopAll()
        running.cancel()
        _ = try? await running.value
    }
    do {
        var ports: [Int32: UInt16] = [:]
        for id in await simulation.snapshot().aliveBrokerIDs {
            ports[id] = try await metrics.start(broker: id)
        }
        let controlPort = try await control.boundAddresses().first?.port ?? 0
        let result = try await body(
            SimulatorEndpoints(
                simulation: simulation, metrics: metrics, metricsPorts: ports, controlPort: controlPort))
        await stop()
        return result
    } catch {
        await stop()
        throw error
    }
}
