import AddressResolution
import CruiseControl
import HTTPClient
import HTTPServer
import LocalKafka
import Logging
import Synchronization
import TestSupport

/// The simulated Cruise Control over the example cluster (with broker 3 added, empty), served
/// on loopback for the production client, which reaches it by its Kubernetes service name
/// through an address map, as local mode does.
///
/// One clock drives both sides: the simulation reads it, and the client's waits (backoffs,
/// polls) move it forward instead of sleeping, so a task that takes minutes of simulated time
/// runs instantly and every wait the client makes is recorded.
struct SimulatedCruiseControl {
    /// The name the client is given, as on Kubernetes.
    static let serviceURL = "http://kafka-cruisecontrol-svc.kafka.svc.cluster.local:8090"

    let clock = SteppedClock()
    let simulation: ClusterSimulation
    let simulator: CruiseControlSimulator

    init(
        configuration: CruiseControlSimulator.Configuration = .init(proposalComputationMilliseconds: 200),
        bytesPerSecond: Double = 64 * 1_048_576
    ) throws {
        var cluster = try ExampleCluster.cluster(
            now: clock.nowMilliseconds(), timing: .init(replicationBytesPerSecond: bytesPerSecond))
        try cluster.addBroker(SimulatedBroker(id: 3, host: "kafka-3", logDirs: ["/kafka-logs/kafka"]))
        simulation = ClusterSimulation(cluster: cluster, clock: clock)
        simulator = CruiseControlSimulator(simulation: simulation, clock: clock, configuration: configuration)
    }

    /// A retry policy with room for the waits these tests make.
    static let retries = RetryPolicy(
        maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(1), budget: .seconds(30))

    /// Serves the simulator for the duration of `body`, which gets a client pointed at it.
    func withClient<T>(
        configure: (inout CruiseControlClientConfiguration) -> Void = { _ in },
        _ body: (CruiseControlRESTClient) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "cruise-control-test")
        logger.logLevel = .critical
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(listeners: [HTTPListener(host: "127.0.0.1", port: 0)]),
            router: simulator.routes(), logger: logger)
        let task = Task { try await server.run() }
        do {
            let port = try await server.boundAddresses()[0].port
            let map = AddressMap([
                ServiceAddress(host: "kafka-cruisecontrol-svc.kafka.svc.cluster.local", port: 8090):
                    ServiceAddress(host: "127.0.0.1", port: port)
            ])
            var configuration = CruiseControlClientConfiguration(
                url: Self.serviceURL, resolver: map, retryPolicy: Self.retries)
            configure(&configuration)
            let client = try CruiseControlRESTClient(
                configuration: configuration, clock: clock.retryClock, logger: logger)
            let result = try await body(client)
            task.cancel()
            _ = try? await task.value
            return result
        } catch {
            task.cancel()
            _ = try? await task.value
            throw error
        }
    }
}

/// Simulated time shared by the simulation (milliseconds since the epoch) and the client under
/// test (`retryClock`, whose sleeps move it forward at once and are recorded).
final class SteppedClock: SimulationClock {
    private let state = Mutex<(now: Int64, sleeps: [Duration])>((1_700_000_000_000, []))
    private let origin = ContinuousClock.now

    func nowMilliseconds() -> Int64 { state.withLock { $0.now } }

    /// Every wait the client made, in order.
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        state.withLock { $0.now += seconds * 1000 + attoseconds / 1_000_000_000_000_000 }
    }

    var retryClock: RetryClock {
        let start = nowMilliseconds()
        return RetryClock(
            now: { [self] in origin + .milliseconds(nowMilliseconds() - start) },
            sleep: { [self] duration in
                state.withLock { $0.sleeps.append(duration) }
                advance(by: duration)
            })
    }
}
