import HTTPServer
import LocalKafka
import Logging
import TestSupport

/// The simulated Cruise Control, served from the test process over loopback for an operator
/// that manages a Kubernetes API server (no local mode, so no simulated peers of its own): the
/// cluster's `cruiseControlEndpoint` names it. Its Kafka cluster is the example's with broker 3
/// already there, so adding broker 3 and then removing broker 1 both complete.
struct SimulatedCruiseControlPeer {
    let port: UInt16
    /// Its tasks and request counts, for a test to read where the operator's requests land.
    let simulator: CruiseControlSimulator
    let simulation: ClusterSimulation
    private let serving: Task<Void, any Error>

    /// `replicationBytesPerSecond` sets how fast a replica moves (1 GiB/s: a task takes moments).
    static func start(replicationBytesPerSecond: Double = 1_073_741_824) async throws
        -> SimulatedCruiseControlPeer
    {
        let clock = WallClock()
        var cluster = try ExampleCluster.cluster(
            now: clock.nowMilliseconds(), timing: .init(replicationBytesPerSecond: replicationBytesPerSecond))
        try cluster.addBroker(SimulatedBroker(id: 3, host: "kafka-3", logDirs: ["/kafka-logs/kafka"]))
        let simulation = ClusterSimulation(cluster: cluster, clock: clock)
        let simulator = CruiseControlSimulator(
            simulation: simulation, clock: clock, configuration: .init(proposalComputationMilliseconds: 0))
        var logger = Logger(label: "simulated-cruise-control")
        logger.logLevel = .critical
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(listeners: [HTTPListener(host: "127.0.0.1", port: 0)]),
            router: simulator.routes(), logger: logger)
        let serving = Task { try await server.run() }
        do {
            return SimulatedCruiseControlPeer(
                port: try await server.boundAddresses()[0].port, simulator: simulator, simulation: simulation,
                serving: serving)
        } catch {
            serving.cancel()
            throw error
        }
    }

    func stop() { serving.cancel() }

    /// The example KafkaCluster manifest with its Cruise Control at this peer (and finished
    /// CruiseControlOperations deleted `ttl` seconds after they finished, when given), written
    /// to `path`.
    func exampleManifest(at path: String, ttl: Int? = nil) throws -> String {
        let example = try String(contentsOfFile: ReconcileFlowTests.example, encoding: .utf8)
        let operationSpec =
            ttl.map { "    cruiseControlOperationSpec:\n      ttlSecondsAfterFinished: \($0)\n" } ?? ""
        let manifest = example.replacing(
            "  cruiseControlConfig:\n",
            with: "  cruiseControlConfig:\n    cruiseControlEndpoint: 127.0.0.1:\(port)\n" + operationSpec)
        try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

extension ReconcileFlowTests {
    /// The example manifest without `cruiseControlConfig`: for tests against an API server with
    /// no Cruise Control to reach, whose subject is not graceful scaling (there a new broker
    /// would wait for an add_broker that cannot run).
    static func exampleWithoutCruiseControl() throws -> String {
        let lines = try String(contentsOfFile: example, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        var skipping = false
        for line in lines {
            if line == "  cruiseControlConfig:" {
                skipping = true
                continue
            }
            if skipping, line.hasPrefix("    ") || line.isEmpty { continue }
            skipping = false
            kept.append(line)
        }
        return kept.joined(separator: "\n")
    }
}
