import AddressResolution
import AlertReceiver
import ArgumentParser
import CoreMetrics
import Foundation
import HTTPServer
import KafkaAdmin
import Kubernetes
import KubernetesClusterStore
import Logging
import Prometheus
import Reconciler
import ServiceLifecycle

/// `kafka-operator serve`: the HTTP front door (Alertmanager webhooks, probes, metrics).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Serve the Alertmanager webhook, health probes and metrics, and reconcile KafkaClusters into brokers."
    )

    @Option(
        name: .customLong("listen"),
        help: ArgumentHelp(
            "Plain-HTTP address to listen on, host:port; repeat for more (port 0 picks a free one). Env: KAFKA_OPERATOR_LISTEN (comma-separated).",
            valueName: "host:port"))
    var plainListeners: [String] = EnvironmentDefault.list("KAFKA_OPERATOR_LISTEN", ["0.0.0.0:8080"])

    @Option(
        name: .customLong("tls-listen"),
        help: ArgumentHelp(
            "HTTPS address to listen on, host:port; repeat for more. Needs --tls-cert and --tls-key. Env: KAFKA_OPERATOR_TLS_LISTEN.",
            valueName: "host:port"))
    var tlsListeners: [String] = EnvironmentDefault.list("KAFKA_OPERATOR_TLS_LISTEN", [])

    @Option(
        help: ArgumentHelp(
            "PEM certificate chain for HTTPS. Env: KAFKA_OPERATOR_TLS_CERT.", valueName: "file"))
    var tlsCert: String = EnvironmentDefault.string("KAFKA_OPERATOR_TLS_CERT", "")

    @Option(help: ArgumentHelp("PEM private key for HTTPS. Env: KAFKA_OPERATOR_TLS_KEY.", valueName: "file"))
    var tlsKey: String = EnvironmentDefault.string("KAFKA_OPERATOR_TLS_KEY", "")

    @Option(
        help:
            "Largest request body accepted, in bytes; larger ones get 413. Env: KAFKA_OPERATOR_MAX_BODY_BYTES."
    )
    var maxBodyBytes: Int = EnvironmentDefault.int("KAFKA_OPERATOR_MAX_BODY_BYTES", 1 << 20)

    @Option(
        help:
            "Most connections open at once; at the cap the longest-idle one is closed to admit a new one. Env: KAFKA_OPERATOR_MAX_CONNECTIONS."
    )
    var maxConnections: Int = EnvironmentDefault.int("KAFKA_OPERATOR_MAX_CONNECTIONS", 4096)

    @Option(help: "Seconds a client has to send a request's headers. Env: KAFKA_OPERATOR_HEADER_TIMEOUT.")
    var headerTimeout: Double = EnvironmentDefault.double("KAFKA_OPERATOR_HEADER_TIMEOUT", 10)

    @Option(help: "Seconds a client has to send a request's body. Env: KAFKA_OPERATOR_BODY_TIMEOUT.")
    var bodyTimeout: Double = EnvironmentDefault.double("KAFKA_OPERATOR_BODY_TIMEOUT", 30)

    @Option(help: "Seconds an idle keep-alive connection stays open. Env: KAFKA_OPERATOR_IDLE_TIMEOUT.")
    var idleTimeout: Double = EnvironmentDefault.double("KAFKA_OPERATOR_IDLE_TIMEOUT", 60)

    @Option(
        help:
            "Seconds unsent output may wait for a client that reads none of it. Env: KAFKA_OPERATOR_WRITE_TIMEOUT."
    )
    var writeTimeout: Double = EnvironmentDefault.double("KAFKA_OPERATOR_WRITE_TIMEOUT", 30)

    @Option(
        help:
            "Seconds in-flight requests may take to finish after SIGTERM/SIGINT. Env: KAFKA_OPERATOR_SHUTDOWN_GRACE."
    )
    var shutdownGrace: Double = EnvironmentDefault.double("KAFKA_OPERATOR_SHUTDOWN_GRACE", 10)

    @Option(
        help: ArgumentHelp(
            "Bearer token Alertmanager must send to POST /alerts (its http_config.authorization). Env: KAFKA_OPERATOR_ALERTS_TOKEN.",
            valueName: "token"))
    var alertsToken: String = EnvironmentDefault.string("KAFKA_OPERATOR_ALERTS_TOKEN", "")

    @Option(
        help: ArgumentHelp(
            "File holding that bearer token, e.g. a mounted Secret. Env: KAFKA_OPERATOR_ALERTS_TOKEN_FILE.",
            valueName: "file"))
    var alertsTokenFile: String = EnvironmentDefault.string("KAFKA_OPERATOR_ALERTS_TOKEN_FILE", "")

    @Option(
        help: ArgumentHelp(
            "user:password Alertmanager must send as basic auth to POST /alerts. Env: KAFKA_OPERATOR_ALERTS_BASIC_AUTH.",
            valueName: "user:password"))
    var alertsBasicAuth: String = EnvironmentDefault.string("KAFKA_OPERATOR_ALERTS_BASIC_AUTH", "")

    @Option(help: "Log line format: logfmt or json. Env: KAFKA_OPERATOR_LOG_FORMAT.")
    var logFormat: LogFormat =
        LogFormat(rawValue: EnvironmentDefault.string("KAFKA_OPERATOR_LOG_FORMAT", "logfmt")) ?? .logfmt

    @Option(
        help:
            "Least severe level logged: trace, debug, info, notice, warning, error, critical. Env: KAFKA_OPERATOR_LOG_LEVEL."
    )
    var logLevel: LogLevelOption =
        LogLevelOption(rawValue: EnvironmentDefault.string("KAFKA_OPERATOR_LOG_LEVEL", "info")) ?? .info

    @OptionGroup(title: "Clusters and actions") var actionOptions: ActionOptions

    @OptionGroup(title: "Kubernetes") var clusterOptions: ClusterOptions

    @OptionGroup(title: "Several replicas") var leaderElection: LeaderElectionOptions

    @OptionGroup(title: "Kafka (downScale without brokerId removes the broker with the fewest replicas)")
    var kafkaOptions: KafkaConnectionOptions<ServeSpelling>

    @Option(
        help:
            "How the operator reaches each cluster's brokers without --kafka-bootstrap: spec (its Service on the client-facing listener, with the operator's certificate when that listener is SSL) or off (no Kafka client: removals go on Cruise Control's word). Env: KAFKA_OPERATOR_KAFKA_CONNECTION."
    )
    var kafkaConnection: KafkaConnectionMode =
        KafkaConnectionMode(rawValue: EnvironmentDefault.string("KAFKA_OPERATOR_KAFKA_CONNECTION", "spec"))
        ?? .spec

    func validate() throws {
        if !tlsListeners.isEmpty && (tlsCert.isEmpty || tlsKey.isEmpty) {
            throw ValidationError("--tls-listen needs both --tls-cert and --tls-key.")
        }
        if plainListeners.isEmpty && tlsListeners.isEmpty {
            throw ValidationError("Give at least one --listen or --tls-listen address.")
        }
        for address in plainListeners + tlsListeners {
            do { _ = try ListenAddress(parsing: address) } catch { throw ValidationError(error.description) }
        }
        if !alertsBasicAuth.isEmpty && !alertsBasicAuth.contains(":") {
            throw ValidationError("--alerts-basic-auth must be user:password.")
        }
        guard maxBodyBytes > 0, maxConnections > 0 else {
            throw ValidationError("--max-body-bytes and --max-connections must be positive.")
        }
        for (name, seconds) in [
            ("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout),
            ("--idle-timeout", idleTimeout), ("--write-timeout", writeTimeout),
            ("--shutdown-grace", shutdownGrace),
        ] where !(seconds > 0 && seconds <= 86_400) {
            throw ValidationError("\(name) must be a number of seconds between 0 and 86400.")
        }
    }

    func run() async throws {
        let format = logFormat
        let level = logLevel.level
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, level: level) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(DocumentedMetricsFactory(registry: registry))
        CoreMetrics.Gauge(label: "operator_build_info", dimensions: [("version", OperatorVersion.current)])
            .record(1)

        let logger = Logger(label: "kafka-operator")
        let readiness = Readiness()
        var router = Router()
        OperatorEndpoints(registry: registry, readiness: readiness).register(on: &router)
        let credentials = try alertCredentials()
        if credentials.isOpen {
            logger.warning(
                "POST /alerts accepts requests without credentials; set --alerts-token or --alerts-basic-auth"
            )
        }
        // A Kafka setting that cannot work stops the start, before anything is served.
        let configured = try kafkaOptions.client()
        let connection = try await ClusterConnection.open(
            options: clusterOptions, dataDirectory: actionOptions.dataDir,
            replica: leaderElection.replicaName, logger: logger)
        let store = KubernetesClusterStore(api: connection.api, namespace: clusterOptions.namespace)
        try await actionOptions.loadManifests(into: store, connection: connection, logger: logger)
        let peers = try await simulatedPeers(connection: connection, store: store)
        let kafka = try await kafkaClients(configured: configured, local: peers, api: connection.api)
        let kafkaProvider: KafkaClientProvider? =
            kafka.reachesAnyCluster ? { @Sendable cluster in try await kafka.client(for: cluster) } : nil
        let runner = actionOptions.makeRunner(store: store)
        // With leader election the reconciler writes only within the leader's term; alerts and
        // the action API write on every replica (their writes are optimistic).
        let electing = leaderElection.isEnabled(ownsCluster: connection.localCluster != nil)
        if !electing {
            let why =
                connection.localCluster != nil ? "it runs its own local cluster" : "--leader-election off"
            logger.info("leader election off: this replica reconciles alone", metadata: ["why": "\(why)"])
        }
        if electing, connection.localCluster != nil {
            // The embedded cluster starts with few namespaces; on Kubernetes the pod's exists.
            try await connection.api.createNamespaceUnlessPresent(leaderElection.leaderElectionNamespace)
        }
        let elector =
            electing
            ? LeaderElector(
                api: connection.api, configuration: leaderElection.configuration,
                onChange: LeaderElectedLoop.recordMetrics())
            : nil
        let reconcilerAPI: any KubernetesAPI =
            elector.map { LeaderOnlyWrites(connection.api, leadership: $0.leadership) } ?? connection.api
        let cruiseControl = CruiseControlClients(
            resolver: { () async -> any AddressResolver in
                guard let peers else { return IdentityAddressResolver() }
                return peers.addresses(cruiseControlPort: try? await peers.cruiseControlPort())
            }, api: connection.api, logger: Logger(label: "kafka-operator.cruise-control"))
        let reconcileLoop = ReconcileLoop(
            reconciler: ClusterReconciler(
                api: reconcilerAPI,
                configuration: .init(
                    cruiseControl: { await cruiseControl.client(for: $0) },
                    replicaCounts: kafkaProvider.map { replicaCounter(clients: $0) },
                    logDirReplicas: kafkaProvider.map { logDirReplicaCounter(clients: $0) },
                    polling: clusterOptions.cruiseControlPolling,
                    chooseBroker: fewestReplicasChooser(clients: kafkaProvider),
                    createTopic: topicCreator(clients: kafkaProvider),
                    dynamicConfig: kafkaProvider,
                    clusterHealth: kafkaProvider.map { clusterHealthReader(clients: $0) },
                    rollingUpgradePauseLimit: .milliseconds(
                        Int64(clusterOptions.rollingUpgradePauseLimit * 1000))
                ),
                logger: Logger(label: "kafka-operator.reconciler")),
            configuration: .init(
                namespace: clusterOptions.namespace, resyncInterval: .seconds(clusterOptions.resync),
                maxConcurrentReconciles: clusterOptions.maxConcurrentReconciles),
            logger: Logger(label: "kafka-operator.reconcile-loop"))
        let topicLoop = TopicLoop(
            reconciler: TopicReconciler(
                api: reconcilerAPI,
                kafka: { await kafka.client(for: $0) }, logger: Logger(label: "kafka-operator.topics")),
            configuration: .init(
                namespace: clusterOptions.namespace, resyncInterval: .seconds(clusterOptions.resync),
                maxConcurrentReconciles: clusterOptions.maxConcurrentReconciles),
            logger: Logger(label: "kafka-operator.topic-loop"))
        let userLoop = UserLoop(
            reconciler: UserReconciler(
                api: reconcilerAPI,
                kafka: { await kafka.client(for: $0) }, logger: Logger(label: "kafka-operator.users")),
            configuration: .init(
                namespace: clusterOptions.namespace, resyncInterval: .seconds(clusterOptions.resync),
                maxConcurrentReconciles: clusterOptions.maxConcurrentReconciles),
            logger: Logger(label: "kafka-operator.user-loop"))
        AlertWebhookEndpoint(runner: runner, logger: logger, credentials: credentials, claims: store)
            .register(
                on: &router)
        ActionsEndpoint(runner: runner, credentials: actionOptions.apiCredentials, logger: logger).register(
            on: &router)

        let server = HTTPServer(configuration: try serverConfiguration(), router: router, logger: logger)
        readiness.track(server)
        // Shutdown runs in reverse: the HTTP server stops taking alerts, then the loop finishes
        // its reconcile, then the local cluster (if any) stops.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let local = connection.localCluster { services.append(.init(service: local)) }
        if let peers {
            services += [
                .init(service: peers.cruiseControlServer), .init(service: peers.controlServer),
                .init(service: peers),
            ]
        }
        if let elector {
            services.append(
                .init(
                    service: LeaderElectedLoop(elector: elector, loops: [reconcileLoop, topicLoop, userLoop]))
            )
        } else {
            services += [.init(service: reconcileLoop), .init(service: topicLoop), .init(service: userLoop)]
        }
        services.append(.init(service: server))
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                let addresses = try await server.boundAddresses()
                for address in addresses {
                    logger.info(
                        "listening",
                        metadata: [
                            "address": "\(ListenAddress(host: address.host, port: address.port))",
                            "tls": "\(address.isTLS)",
                        ])
                }
                if let peers {
                    let port = try await peers.cruiseControlPort()
                    let url = try await peers.cruiseControlURL()
                    let map = peers.addresses(cruiseControlPort: port)
                    let control = try await peers.controlURL()
                    logger.info(
                        "simulated Kafka and Cruise Control",
                        metadata: [
                            "cluster": "\(peers.namespace)/\(peers.cluster)",
                            "cruise_control": "\(url)",
                            "kafka_bootstrap": "\(peers.bootstrap)",
                            "kafka_bootstrap_local": "\(map.resolve(peers.bootstrap))",
                            "broker_metrics": "\(peers.metricsAddresses)",
                            "simulator_control": "\(control)",
                        ])
                }
            }
            try await tasks.waitForAll()
        }
        logger.info("stopped")
    }

    /// Local mode simulates the first KafkaCluster's brokers and Cruise Control.
    private func simulatedPeers(connection: ClusterConnection, store: KubernetesClusterStore) async throws
        -> SimulatedPeers?
    {
        guard let local = connection.localCluster, let simulated = try await store.list().first else {
            return nil
        }
        return try SimulatedPeers(
            localCluster: local, document: simulated.document, configuration: clusterOptions.localKafka,
            logger: Logger(label: "kafka-operator.local-kafka"))
    }

    /// Each cluster's admin client: a configured bootstrap list serves every cluster; without
    /// one, each cluster is reached at its own Service, with the operator's certificate for
    /// that cluster when its listener is SSL (unless `--kafka-connection off`). In local mode
    /// that is the cluster the simulated brokers simulate, by the same names, mapped to their
    /// loopback sockets.
    private func kafkaClients(
        configured: KafkaProtocolAdminClient?, local peers: SimulatedPeers?, api: any KubernetesAPI
    ) async throws -> KafkaClients {
        var options = try kafkaOptions.options()
        if let peers { options.addressResolver = peers.addresses(cruiseControlPort: nil) }
        return KafkaClients(
            configured: configured,
            reach: kafkaConnection == .off
                ? .none
                : peers.map { .only(ClusterKey(namespace: $0.namespace, name: $0.cluster)) } ?? .everyCluster,
            api: api,
            options: options, logger: Logger(label: "kafka-operator.kafka-clients"))
    }

    private func alertCredentials() throws -> WebhookCredentials {
        var credentials = WebhookCredentials()
        if !alertsToken.isEmpty { credentials.allowBearer(token: alertsToken) }
        if !alertsTokenFile.isEmpty {
            let token = try String(contentsOfFile: alertsTokenFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw ValidationError("\(alertsTokenFile) holds no token.") }
            credentials.allowBearer(token: token)
        }
        if let colon = alertsBasicAuth.firstIndex(of: ":") {
            credentials.allowBasic(
                username: String(alertsBasicAuth[..<colon]),
                password: String(alertsBasicAuth[alertsBasicAuth.index(after: colon)...]))
        }
        return credentials
    }

    private func serverConfiguration() throws -> HTTPServerConfiguration {
        var listeners = try plainListeners.map { text in
            let address = try ListenAddress(parsing: text)
            return HTTPListener(host: address.host, port: address.port)
        }
        let tls = TLSFiles(certificatePath: tlsCert, keyPath: tlsKey)
        listeners += try tlsListeners.map { text in
            let address = try ListenAddress(parsing: text)
            return HTTPListener(host: address.host, port: address.port, tls: tls)
        }
        var limits = HTTPLimits()
        limits.maxBodyBytes = maxBodyBytes
        limits.maxConnections = maxConnections
        limits.headerTimeout = .seconds(headerTimeout)
        limits.bodyTimeout = .seconds(bodyTimeout)
        limits.idleTimeout = .seconds(idleTimeout)
        limits.writeTimeout = .seconds(writeTimeout)
        limits.shutdownGracePeriod = .seconds(shutdownGrace)
        return HTTPServerConfiguration(listeners: listeners, limits: limits)
    }
}
