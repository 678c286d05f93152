import HTTPServer
import Logging
import Synchronization

/// Each running simulated broker's Prometheus endpoint, `GET /metrics`, on a loopback port of
/// its own, as each Kafka pod's JMX exporter serves its broker's metrics on 9020. Opened when
/// the broker starts and closed when it stops, as the broker's Kafka socket is; any other path
/// is 404.
public final class BrokerMetricsServer: Sendable {
    public let simulation: ClusterSimulation
    private let host: String
    private let logger: Logger
    private let servers = Mutex<[Int32: Running]>([:])

    private struct Running: Sendable {
        var server: HTTPServer
        var task: Task<Void, Never>
        var port: UInt16?
    }

    public init(simulation: ClusterSimulation, host: String = "127.0.0.1", logger: Logger) {
        self.simulation = simulation
        self.host = host
        self.logger = logger
    }

    /// Broker `id`'s exporter: its metrics as of the moment of the request.
    public func routes(broker id: Int32) -> Router {
        var router = Router()
        router.add(.get, "/metrics") { [simulation] _ in
            guard let sample = await simulation.brokerMetrics(id) else {
                return HTTPResponse(
                    status: .notFound, contentType: "text/plain; charset=utf-8",
                    body: "broker \(id) is not running\n")
            }
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": BrokerMetricsExposition.contentType],
                body: BrokerMetricsExposition.render(sample))
        }
        return router
    }

    /// Opens broker `broker`'s endpoint on `port` (0 lets the kernel choose) and returns the
    /// port; one already open stays as it is. Throws the server's error when the port cannot
    /// be bound.
    @discardableResult
    public func start(broker: Int32, port: UInt16 = 0) async throws -> UInt16 {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 0
        limits.maxConnections = 64
        limits.shutdownGracePeriod = .seconds(1)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(
                listeners: [HTTPListener(host: host, port: port)], limits: limits, eventLoopCount: 1),
            router: routes(broker: broker), logger: logger)
        let existing: HTTPServer? = servers.withLock { servers in
            if let running = servers[broker] { return running.server }
            servers[broker] = Running(server: server, task: Task { try? await server.run() })
            return nil
        }
        if let existing { return try await existing.boundAddresses().first?.port ?? port }
        do {
            let bound = try await server.boundAddresses().first?.port ?? port
            servers.withLock { $0[broker]?.port = bound }
            return bound
        } catch {
            _ = servers.withLock { $0.removeValue(forKey: broker) }
            throw error
        }
    }

    /// The port broker `broker`'s endpoint listens on, nil when it is closed.
    public func port(of broker: Int32) -> UInt16? { servers.withLock { $0[broker]?.port } }

    /// Closes broker `broker`'s endpoint and waits until it has stopped.
    public func stop(broker: Int32) async {
        guard let running = servers.withLock({ $0.removeValue(forKey: broker) }) else { return }
        running.task.cancel()
        await running.task.value
    }

    /// Closes every endpoint.
    public func stopAll() async {
        for broker in servers.withLock({ Array($0.keys) }) { await stop(broker: broker) }
    }
}
