import ArgumentParser
import LocalKafka
import Reconciler

/// The options of `serve` that choose the Kubernetes cluster and tune the reconcile loop.
struct ClusterOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Kubeconfig file of the cluster to manage (default: KUBECONFIG, then the pod's service account, then ~/.kube/config).",
            valueName: "file"))
    var kubeconfig: String = ""

    @Option(
        help: ArgumentHelp(
            "Kubeconfig context to use instead of its current one. Env: KAFKA_OPERATOR_CONTEXT.",
            valueName: "name"))
    var context: String = EnvironmentDefault.string("KAFKA_OPERATOR_CONTEXT", "")

    @Flag(
        help:
            "Run the embedded local cluster even when a Kubernetes cluster is configured (it runs anyway when none is)."
    )
    var localCluster = false

    @Option(
        help: ArgumentHelp(
            "Address the embedded local cluster's API listens on (port 0 picks a free one). Env: KAFKA_OPERATOR_LOCAL_CLUSTER_LISTEN.",
            valueName: "host:port"))
    var localClusterListen: String = EnvironmentDefault.string(
        "KAFKA_OPERATOR_LOCAL_CLUSTER_LISTEN", "127.0.0.1:6443")

    @Option(
        help: ArgumentHelp(
            "Append one line per request to the embedded local cluster's API (verb, group, resource, user agent) to this file, as `local-cluster --audit-log` does. Env: KAFKA_OPERATOR_LOCAL_CLUSTER_AUDIT_LOG.",
            valueName: "file"))
    var localClusterAuditLog: String = EnvironmentDefault.string("KAFKA_OPERATOR_LOCAL_CLUSTER_AUDIT_LOG", "")

    @Option(
        help:
            "Seconds the local cluster's kubelet takes to make a pod Ready. Env: KAFKA_OPERATOR_LOCAL_POD_READY_SECONDS."
    )
    var localPodReadySeconds: Double = EnvironmentDefault.double("KAFKA_OPERATOR_LOCAL_POD_READY_SECONDS", 2)

    @Option(
        help:
            "Loopback port of local mode's simulated Cruise Control (0 picks a free one). Env: KAFKA_OPERATOR_LOCAL_CRUISE_CONTROL_PORT."
    )
    var localCruiseControlPort: Int = EnvironmentDefault.int(
        "KAFKA_OPERATOR_LOCAL_CRUISE_CONTROL_PORT", Int(LocalKafkaConfiguration.defaultCruiseControlPort))

    @Option(
        help:
            "Local mode's broker N listens for Kafka clients on this loopback port + N. Env: KAFKA_OPERATOR_LOCAL_BROKER_BASE_PORT."
    )
    var localBrokerBasePort: Int = EnvironmentDefault.int(
        "KAFKA_OPERATOR_LOCAL_BROKER_BASE_PORT", Int(LocalKafkaConfiguration.defaultBrokerBasePort))

    @Option(
        help:
            "Local mode's broker N serves its Prometheus metrics (GET /metrics) on this loopback port + N. Env: KAFKA_OPERATOR_LOCAL_BROKER_METRICS_BASE_PORT."
    )
    var localBrokerMetricsBasePort: Int = EnvironmentDefault.int(
        "KAFKA_OPERATOR_LOCAL_BROKER_METRICS_BASE_PORT", Int(LocalKafkaConfiguration.defaultMetricsBasePort))

    @Option(
        help: ArgumentHelp(
            "How fast local mode's simulated brokers copy a moved replica, bytes per second (80MB, 50MiB/s, ...). Env: KAFKA_OPERATOR_LOCAL_REPLICATION_RATE.",
            valueName: "rate"))
    var localReplicationRate: String = EnvironmentDefault.string(
        "KAFKA_OPERATOR_LOCAL_REPLICATION_RATE", "50MiB/s")

    @Option(
        help:
            "Loopback port of local mode's simulator control endpoint, where `kafka-operator kafka load` sets the synthetic load (0 picks a free one). Env: KAFKA_OPERATOR_LOCAL_SIMULATOR_CONTROL_PORT."
    )
    var localSimulatorControlPort: Int = EnvironmentDefault.int(
        "KAFKA_OPERATOR_LOCAL_SIMULATOR_CONTROL_PORT", Int(LocalKafkaConfiguration.defaultControlPort))

    @Option(
        help: ArgumentHelp(
            "Only manage KafkaClusters in this namespace (default: every namespace). Env: KAFKA_OPERATOR_WATCH_NAMESPACE.",
            valueName: "namespace"))
    var watchNamespace: String = EnvironmentDefault.string("KAFKA_OPERATOR_WATCH_NAMESPACE", "")

    @Option(help: "Seconds between two full reconciles of every cluster. Env: KAFKA_OPERATOR_RESYNC.")
    var resync: Double = EnvironmentDefault.double("KAFKA_OPERATOR_RESYNC", 300)

    @Option(
        help:
            "Clusters reconciled at once (one reconcile per cluster at a time). Env: KAFKA_OPERATOR_MAX_CONCURRENT_RECONCILES."
    )
    var maxConcurrentReconciles: Int = EnvironmentDefault.int("KAFKA_OPERATOR_MAX_CONCURRENT_RECONCILES", 4)

    @Option(
        help: ArgumentHelp(
            "Seconds between two looks at a running Cruise Control task at first; it grows with the task's age up to --cruise-control-max-poll-interval. Env: KAFKA_OPERATOR_CRUISE_CONTROL_POLL_INTERVAL.",
            valueName: "seconds"))
    var cruiseControlPollInterval: Double = EnvironmentDefault.double(
        "KAFKA_OPERATOR_CRUISE_CONTROL_POLL_INTERVAL", 5)

    @Option(
        help: ArgumentHelp(
            "The longest wait between two looks at a running Cruise Control task. Env: KAFKA_OPERATOR_CRUISE_CONTROL_MAX_POLL_INTERVAL.",
            valueName: "seconds"))
    var cruiseControlMaxPollInterval: Double = EnvironmentDefault.double(
        "KAFKA_OPERATOR_CRUISE_CONTROL_MAX_POLL_INTERVAL", 30)

    @Option(
        help: ArgumentHelp(
            "How long a rolling upgrade may wait at a closed health gate before a Warning Event and the rolling_upgrade_long_pauses_total metric say so; it keeps waiting. Env: KAFKA_OPERATOR_ROLLING_UPGRADE_PAUSE_LIMIT.",
            valueName: "seconds"))
    var rollingUpgradePauseLimit: Double = EnvironmentDefault.double(
        "KAFKA_OPERATOR_ROLLING_UPGRADE_PAUSE_LIMIT", 600)

    func validate() throws {
        guard rollingUpgradePauseLimit > 0, rollingUpgradePauseLimit <= 86_400 else {
            throw ValidationError(
                "--rolling-upgrade-pause-limit must be a number of seconds between 0 and 86400.")
        }
        guard cruiseControlPollInterval > 0, cruiseControlPollInterval <= cruiseControlMaxPollInterval,
            cruiseControlMaxPollInterval <= 3_600
        else {
            throw ValidationError(
                "--cruise-control-poll-interval must be positive and at most --cruise-control-max-poll-interval, itself at most 3600 seconds."
            )
        }
        do { _ = try ListenAddress(parsing: localClusterListen) } catch {
            throw ValidationError(error.description)
        }
        guard (1...64).contains(maxConcurrentReconciles) else {
            throw ValidationError("--max-concurrent-reconciles must be between 1 and 64.")
        }
        guard resync > 0, resync <= 86_400 else {
            throw ValidationError("--resync must be a number of seconds between 0 and 86400.")
        }
        guard (0...65_535).contains(localCruiseControlPort) else {
            throw ValidationError("--local-cruise-control-port must be a port number, 0 to 65535.")
        }
        guard (1...65_535).contains(localBrokerBasePort) else {
            throw ValidationError("--local-broker-base-port must be a port number, 1 to 65535.")
        }
        guard (1...65_535).contains(localBrokerMetricsBasePort) else {
            throw ValidationError("--local-broker-metrics-base-port must be a port number, 1 to 65535.")
        }
        guard (0...65_535).contains(localSimulatorControlPort) else {
            throw ValidationError("--local-simulator-control-port must be a port number, 0 to 65535.")
        }
        guard let rate = ByteRate.parse(localReplicationRate), rate >= 1, rate <= 1e12 else {
            throw ValidationError(
                "--local-replication-rate must be a size per second from 1 B/s to 1 TB/s, such as 50MiB/s (got \(localReplicationRate))."
            )
        }
        guard localPodReadySeconds >= 0, localPodReadySeconds <= 3_600 else {
            throw ValidationError("--local-pod-ready-seconds must be between 0 and 3600.")
        }
    }

    var namespace: String? { watchNamespace.isEmpty ? nil : watchNamespace }

    var cruiseControlPolling: PollingInterval {
        PollingInterval(
            minimum: .milliseconds(Int64(cruiseControlPollInterval * 1_000)),
            maximum: .milliseconds(Int64(cruiseControlMaxPollInterval * 1_000)))
    }

    /// Where local mode's simulated Kafka and Cruise Control listen.
    var localKafka: LocalKafkaConfiguration {
        LocalKafkaConfiguration(
            brokerBasePort: UInt16(clamping: localBrokerBasePort),
            cruiseControlPort: UInt16(clamping: localCruiseControlPort),
            metricsBasePort: UInt16(clamping: localBrokerMetricsBasePort),
            controlPort: UInt16(clamping: localSimulatorControlPort),
            // validate() refused a rate that does not parse.
            replicationBytesPerSecond: ByteRate.parse(localReplicationRate)
                ?? SimulatedCluster.Timing().replicationBytesPerSecond)
    }
}
