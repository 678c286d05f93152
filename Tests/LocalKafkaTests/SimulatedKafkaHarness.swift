import LocalKafka

/// The example cluster behind simulated brokers listening on loopback, for tests that talk to
/// it with real clients; every broker's socket is closed when `body` returns. `extraProperties`
/// ends every broker's `server.properties` (an authorizer, say).
func withSimulatedKafka<T>(
    clock: ManualClock = ManualClock(), extraProperties: String = "",
    handshakeTimeout: Duration = .seconds(10),
    _ body: (SimulatedKafka, SimulatedBrokerServer, ClusterSimulation) async throws -> T
) async throws -> T {
    let cluster = try ExampleCluster.cluster(now: clock.nowMilliseconds())
    let simulation = ClusterSimulation(cluster: cluster, clock: clock)
    let kafka = SimulatedKafka(simulation: simulation)
    for id in cluster.brokerIDs {
        await kafka.setServerProperties(
            broker: id,
            """
            # rendered by the operator
            node.id=\(id)
            log.dirs=\(cluster.brokers[id]!.logDirs.joined(separator: ","))
            num.network.threads = 5
            log.retention.hours=72
            \(extraProperties)
            """)
    }
    let server = SimulatedBrokerServer(kafka: kafka, handshakeTimeout: handshakeTimeout)
    for id in cluster.brokerIDs { try await server.start(broker: id) }
    do {
        let result = try await body(kafka, server, simulation)
        await server.stopAll()
        return result
    } catch {
        await server.stopAll()
        throw error
    }
}
