import HTTPServer
import LocalKafka
import Logging

/// A simulated cluster as local mode runs it: the brokers' Kafka-protocol sockets, one per
/// broker on loopback, and the simulated Cruise Control's REST API, over one simulation on the
/// wall clock.
struct SimulatorUnderTest {
    let name: String
    let cluster: SimulatedCluster
    let simulation: ClusterSimulation
    let kafka: SimulatedKafka
    let brokers: SimulatedBrokerServer
    let cruiseControl: HTTPServer
    let cruiseControlPort: UInt16
    private let cruiseControlTask: Task<Void, Error>
    /// How long opening every broker's socket took.
    let listenMilliseconds: Double

    /// Starts `cluster`'s brokers (broker N on `basePort + N`, or any free port with 0) and
    /// Cruise Control on a free port. Proposals are computed at once (no 202 first), so a
    /// request's time is the simulator's work.
    static func start(name: String, cluster: SimulatedCluster, basePort: UInt16, logger: Logger)
        async throws(BenchmarkError) -> SimulatorUnderTest
    {
        let clock = WallClock()
        let simulation = ClusterSimulation(cluster: cluster, clock: clock)
        let kafka = SimulatedKafka(simulation: simulation)
        for id in cluster.brokerIDs {
            await kafka.setServerProperties(
                broker: id,
                """
                node.id=\(id)
                broker.rack=\(cluster.brokers[id]!.rack ?? "")
                log.dirs=\(cluster.brokers[id]!.logDirs.joined(separator: ","))
                num.network.threads=5
                """)
        }
        let brokers = SimulatedBrokerServer(kafka: kafka)
        let ports = LocalKafkaConfiguration(brokerBasePort: basePort)
        let stopwatch = ContinuousClock()
        let started = stopwatch.now
        for id in cluster.brokerIDs {
            let port = basePort == 0 ? 0 : ports.brokerPort(id) ?? 0
            do { try await brokers.start(broker: id, port: port) } catch {
                await brokers.stopAll()
                throw .setupFailed(step: "opening broker \(id)'s socket", reason: error.description)
            }
        }
        let listenMilliseconds = (stopwatch.now - started).milliseconds

        let simulator = CruiseControlSimulator(
            simulation: simulation, clock: clock, configuration: .init(proposalComputationMilliseconds: 0))
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(listeners: [HTTPListener(host: "127.0.0.1", port: 0)]),
            router: simulator.routes(), logger: logger)
        let task = Task { try await server.run() }
        let port: UInt16
        do { port = try await server.boundAddresses()[0].port } catch {
            task.cancel()
            await brokers.stopAll()
            throw .setupFailed(step: "starting Cruise Control", reason: "\(error)")
        }
        return SimulatorUnderTest(
            name: name, cluster: cluster, simulation: simulation, kafka: kafka, brokers: brokers,
            cruiseControl: server, cruiseControlPort: port, cruiseControlTask: task,
            listenMilliseconds: listenMilliseconds)
    }

    /// The first broker's address, for a client to bootstrap from.
    var bootstrap: String { "127.0.0.1:\(brokers.port(of: cluster.brokerIDs[0]) ?? 0)" }

    func stop() async {
        cruiseControlTask.cancel()
        _ = try? await cruiseControlTask.value
        await brokers.stopAll()
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
