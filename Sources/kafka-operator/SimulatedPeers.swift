import AddressResolution
import ClusterModel
import HTTPServer
import LocalCluster
import LocalKafka
import Logging
import Reconciler
import ServiceLifecycle

/// Local mode's simulated Kafka cluster and Cruise Control for one KafkaCluster of the local
/// cluster, and the address map that lets the operator reach them by the service names it
/// uses on Kubernetes. The brokers follow the cluster's pods (`PodFollower`), each with its
/// Kafka socket and its Prometheus metrics port; Cruise Control serves its REST API and the
/// simulator its control endpoint (the synthetic load) on loopback.
///
/// The only place the simulators meet the operator: neither imports the other.
final class SimulatedPeers: Service, Sendable {
    let cluster: String
    let namespace: String
    let simulation: ClusterSimulation
    let cruiseControl: CruiseControlSimulator
    /// The brokers' Kafka-protocol sockets: one per running broker, on its configured port.
    let brokers: SimulatedBrokerServer
    /// The simulated Cruise Control's REST server; run it in the service group.
    let cruiseControlServer: HTTPServer
    /// HTTP or HTTPS on Cruise Control's port, as its Deployment and configuration say.
    let cruiseControlTLS: SimulatedCruiseControlTLS
    /// Each running broker's `GET /metrics`, on its configured port.
    let metrics: BrokerMetricsServer
    /// The simulator's control endpoint (`SimulatorControl`); run it in the service group.
    let controlServer: HTTPServer
    private let configuration: LocalKafkaConfiguration
    private let localCluster: LocalCluster
    private let spec: KafkaClusterSpec
    private let logger: Logger

    init(
        localCluster: LocalCluster, document: ClusterDocument, configuration: LocalKafkaConfiguration,
        clock: any SimulationClock = WallClock(), logger: Logger
    ) throws {
        cluster = document.name
        namespace = document.namespace
        spec = document.cluster.spec
        self.configuration = configuration
        self.localCluster = localCluster
        self.logger = logger
        if let clash = configuration.portClash(brokers: document.cluster.spec.brokers.map(\.id)) {
            throw SimulatedPeersError.portClash(clash)
        }
        // The example's topics on the spec's brokers and disks (as the operator renders
        // `log.dirs`), all offline until their pods are Ready.
        let spec = document.cluster.spec
        let seeded = spec.brokers.map { broker in
            let dirs = spec.effectiveStorage(of: broker).map {
                ServerProperties.logDir(mountPath: $0.mountPath)
            }
            return SimulatedBroker(
                id: broker.id,
                host: ResourceConventions.brokerHost(
                    cluster: document.name, broker: broker.id, namespace: document.namespace, spec: spec),
                logDirs: dirs.isEmpty ? ["/kafka-logs/kafka"] : dirs, isAlive: false)
        }
        simulation = ClusterSimulation(
            cluster: try ExampleCluster.cluster(
                now: clock.nowMilliseconds(), brokers: seeded,
                timing: .init(replicationBytesPerSecond: configuration.replicationBytesPerSecond)),
            clock: clock)
        cruiseControl = CruiseControlSimulator(simulation: simulation, clock: clock)
        self.brokers = SimulatedBrokerServer(kafka: SimulatedKafka(simulation: simulation))
        var limits = HTTPLimits()
        limits.shutdownGracePeriod = .seconds(2)
        cruiseControlTLS = SimulatedCruiseControlTLS(
            namespace: document.namespace, cluster: document.name, logger: logger)
        cruiseControlServer = HTTPServer(
            configuration: HTTPServerConfiguration(
                listeners: [
                    HTTPListener(
                        host: configuration.host, port: configuration.cruiseControlPort,
                        switchableTLS: cruiseControlTLS.switchable)
                ],
                limits: limits),
            router: cruiseControl.routes(), logger: logger)
        // One line per broker start would drown the simulator's own account of it.
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        metrics = BrokerMetricsServer(simulation: simulation, host: configuration.host, logger: quiet)
        controlServer = HTTPServer(
            configuration: HTTPServerConfiguration(
                listeners: [HTTPListener(host: configuration.host, port: configuration.controlPort)],
                limits: Self.controlLimits, eventLoopCount: 1),
            router: SimulatorControl(simulation: simulation, cruiseControl: cruiseControl).routes(),
            logger: logger)
    }

    /// A load change is a few dozen bytes.
    private static var controlLimits: HTTPLimits {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 4_096
        limits.maxConnections = 64
        limits.shutdownGracePeriod = .seconds(2)
        return limits
    }

    /// The address clients bootstrap from, as on Kubernetes.
    var bootstrap: ServiceAddress {
        let (host, port) = ResourceConventions.clientBootstrap(
            cluster: cluster, namespace: namespace, spec: spec)
        return ServiceAddress(host: host, port: UInt16(clamping: port))
    }

    var cruiseControlService: ServiceAddress {
        ServiceAddress(
            host:
                "\(ResourceConventions.cruiseControlServiceName(cluster: cluster)).\(namespace).svc.\(spec.clusterDomain)",
            port: UInt16(ResourceConventions.cruiseControlPort))
    }

    /// Service names to loopback: each broker's address to its own socket (brokers added later
    /// included), the cluster-wide Service to the lowest broker's, Cruise Control's Service to
    /// its REST port once known.
    func addresses(cruiseControlPort: UInt16?) -> LocalPeerAddresses {
        var fixed = AddressMap()
        if let first = spec.brokers.map(\.id).min(), let port = configuration.brokerPort(first) {
            fixed.map(bootstrap, to: ServiceAddress(host: configuration.host, port: port))
        }
        if let cruiseControlPort {
            fixed.map(
                cruiseControlService, to: ServiceAddress(host: configuration.host, port: cruiseControlPort))
        }
        return LocalPeerAddresses(
            cluster: cluster, namespace: namespace, spec: spec, configuration: configuration, fixed: fixed)
    }

    /// The port the simulated Cruise Control listens on, once its server is up.
    func cruiseControlPort() async throws -> UInt16 {
        let addresses = try await cruiseControlServer.boundAddresses()
        return addresses.first?.port ?? configuration.cruiseControlPort
    }

    /// The simulated Cruise Control's base URL, as `cccli -a` takes its host and port.
    func cruiseControlURL() async throws -> String {
        "http://\(configuration.host):\(try await cruiseControlPort())"
    }

    /// The simulator control endpoint's base URL, once its server is up.
    func controlURL() async throws -> String {
        let port = try await controlServer.boundAddresses().first?.port ?? configuration.controlPort
        return "http://\(configuration.host):\(port)"
    }

    /// Where each of the spec's brokers serves its metrics while it runs, `host:port,...`.
    var metricsAddresses: String {
        spec.brokers.map(\.id).sorted().compactMap { id in
            configuration.metricsPort(id).map { "\(configuration.host):\($0)" }
        }.joined(separator: ",")
    }

    /// Follows the cluster's pods and ConfigMaps until shutdown or the local cluster stops.
    func run() async throws {
        let changes = try await localCluster.objectChanges(of: ["pods", "configmaps", "secrets"])
        let cruiseControlChanges = try await localCluster.objectChanges(of: [
            "deployments", "configmaps", "secrets",
        ])
        let web = Task { [cruiseControlTLS] in
            for await change in cruiseControlChanges { cruiseControlTLS.apply(change) }
        }
        defer { web.cancel() }
        let mounted = MountedSecrets(namespace: namespace, cluster: cluster)
        let events = Self.followerEvents(changes, secrets: mounted)
        let clientPort = Int32(clamping: ResourceConventions.brokerClientPort(spec: spec))
        let follower = Task { [cluster, namespace, simulation, logger, brokers, metrics, configuration] in
            var follower = PodFollower(cluster: cluster, namespace: namespace)
            await follower.follow(
                events, simulation: simulation,
                report: { line in
                    logger.info(
                        "simulated kafka",
                        metadata: ["cluster": "\(namespace)/\(cluster)", "change": "\(line)"])
                },
                applied: { change in
                    await Self.openOrClose(
                        change, brokers: brokers, metrics: metrics, configuration: configuration,
                        clientPort: clientPort, secrets: mounted, logger: logger)
                })
            await brokers.stopAll()
            await metrics.stopAll()
        }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await follower.value
            } onGracefulShutdown: {
                follower.cancel()
            }
        } onCancel: {
            follower.cancel()
        }
    }

    /// A started broker listens on its configured ports (Kafka and metrics) with the
    /// configuration its pod read, and on a kernel-chosen port for each other listener it
    /// advertises (an external listener, which an Envoy in front of it reaches); a stopped one
    /// closes them, so a client finds it gone as it would a real broker. `clientPort` is the
    /// container port of the listener the operator reaches, served by the configured port.
    static func openOrClose(
        _ change: PodFollower.Change, brokers: SimulatedBrokerServer, metrics: BrokerMetricsServer,
        configuration: LocalKafkaConfiguration, clientPort: Int32, secrets: MountedSecrets, logger: Logger
    ) async {
        switch change {
        case .start(let config):
            let id = config.brokerID
            await brokers.kafka.setServerProperties(
                broker: id,
                config.properties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: "\n"))
            if brokers.port(of: id) == nil, let port = configuration.brokerPort(id) {
                do {
                    // The operator's own socket speaks as the client-facing listener: TLS
                    // with the broker's keystore when that listener is SSL, advertising the
                    // listener's name (the one its certificate carries), which the operator
                    // maps back to this socket.
                    let clientFacing = config.advertisedListeners.first { $0.port == clientPort }
                    let tls = try clientFacing.flatMap {
                        try ReloadableListenerTLS.serving($0, readFile: secrets.read)
                    }
                    let advertised =
                        tls == nil ? nil : clientFacing.map { ($0.advertisedHost, $0.advertisedPort) }
                    try await brokers.start(broker: id, port: port, tls: tls, advertised: advertised)
                } catch {
                    logger.warning(
                        "a simulated broker cannot listen",
                        metadata: ["broker": "\(id)", "port": "\(port)", "error": "\(error)"])
                }
            }
            for listener in config.advertisedListeners
            where listener.port != clientPort && brokers.port(of: id, listener: listener.name) == nil {
                do {
                    let port = try await brokers.start(broker: id, listener: listener, readFile: secrets.read)
                    logger.info(
                        "simulated broker listener",
                        metadata: [
                            "broker": "\(id)", "listener": "\(listener.name)",
                            "socket": "\(configuration.host):\(port)",
                            "advertised": "\(listener.advertisedHost):\(listener.advertisedPort)",
                        ])
                } catch {
                    logger.warning(
                        "a simulated broker cannot listen",
                        metadata: ["broker": "\(id)", "listener": "\(listener.name)", "error": "\(error)"])
                }
            }
            if metrics.port(of: id) == nil, let port = configuration.metricsPort(id) {
                do {
                    try await metrics.start(broker: id, port: port)
                } catch {
                    logger.warning(
                        "a simulated broker cannot serve its metrics",
                        metadata: ["broker": "\(id)", "port": "\(port)", "error": "\(error)"])
                }
            }
        case .stop(let id):
            await brokers.stop(broker: id)
            await metrics.stop(broker: id)
        case .refused:
            return
        }
    }

    /// The local cluster's pod and ConfigMap changes as the follower reads them; Secrets and
    /// the pods' Secret mounts go to `secrets`, which the brokers' TLS listeners read their
    /// mounted files from.
    static func followerEvents(_ changes: AsyncStream<ObjectChange>, secrets: MountedSecrets)
        -> AsyncStream<PodFollower.Event>
    {
        let (stream, continuation) = AsyncStream.makeStream(of: PodFollower.Event.self)
        let forward = Task {
            for await change in changes {
                secrets.apply(change)
                if change.resource == "secrets" { continue }
                let resource: PodFollower.Event.Resource = change.resource == "pods" ? .pod : .configMap
                continuation.yield(
                    .init(resource: resource, deleted: change.kind == .deleted, object: change.object))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in forward.cancel() }
        return stream
    }
}

/// Why local mode's simulators cannot start.
enum SimulatedPeersError: Error, CustomStringConvertible {
    case portClash(String)

    var description: String {
        switch self {
        case .portClash(let clash):
            "local mode's simulated Kafka cannot start: \(clash); choose other ports (--local-broker-base-port, --local-broker-metrics-base-port, --local-simulator-control-port, --local-cruise-control-port)"
        }
    }
}
