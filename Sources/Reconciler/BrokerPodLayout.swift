import ClusterModel
import JSON
import Kubernetes

/// What every broker pod holds besides the spec's own parts, as Koperator lays it out: the
/// Cruise Control metrics reporter jar and the Prometheus JMX exporter agent, each copied by
/// an init container into a shared volume; the broker environment; the start command.
enum BrokerPodLayout {
    static let kafkaContainer = "kafka"
    static let configVolume = "broker-config"
    static let extensionsVolume = "extensions"
    static let extensionsPath = "/opt/kafka/libs/extensions"
    static let jmxVolume = "jmx-jar-data"
    /// The broker certificate Secret, for SSL listeners.
    static let sslVolume = "server-ssl-certificates"
    /// The client keystore Secret (`clientSSLCertSecret`), for the metrics reporter.
    static let clientKeystoreVolume = "client-ssl-keystore"
    static let jmxPath = "/opt/jmx-exporter"
    static let reporterJarSource =
        "/opt/cruise-control/cruise-control/build/dependant-libs/cruise-control-metrics-reporter.jar"

    /// Koperator's default for a broker without `resourceRequirements`.
    static let defaultResources: JSONValue = .object([
        ("requests", .object([("cpu", .string("1")), ("memory", .string("2Gi"))])),
        ("limits", .object([("cpu", .string("1500m")), ("memory", .string("3Gi"))])),
    ])
    static let initContainerResources: JSONValue = .object([
        ("requests", .object([("cpu", .string("100m")), ("memory", .string("100Mi"))])),
        ("limits", .object([("cpu", .string("100m")), ("memory", .string("100Mi"))])),
    ])

    /// The certificate Secrets a broker pod mounts, as (volume, Secret, mount path): the
    /// brokers' certificate from the cluster CA when a listener uses it, each listener's own
    /// keystore (`serverSSLCertSecret`), and the client keystore (`clientSSLCertSecret`) when
    /// the metrics reporter reaches an SSL client-facing listener with it.
    static func keystoreMounts(_ spec: KafkaClusterSpec, cluster: String)
        -> [(volume: String, secret: String, path: String)]
    {
        var mounts: [(volume: String, secret: String, path: String)] = []
        if spec.needsClusterCA {
            mounts.append(
                (
                    sslVolume, ResourceConventions.serverCertificateSecretName(cluster: cluster),
                    ResourceConventions.sslMountPath
                ))
        }
        let listeners = BrokerListeners(spec)
        for listener in listeners.all where ["SSL", "SASL_SSL"].contains(listener.securityProtocol) {
            guard let secret = listener.certificateSecret else { continue }
            let mount = ResourceConventions.listenerKeystoreMount(listener: listener.name)
            mounts.append((mount.volume, secret, mount.path))
        }
        if listeners.clientFacing.securityProtocol == "SSL", let secret = spec.clientCertificateSecret {
            mounts.append((clientKeystoreVolume, secret, ResourceConventions.clientKeystoreMountPath))
        }
        return mounts
    }

    /// ZooKeeper mode starts Kafka directly. KRaft mode first formats every log dir with the
    /// cluster id (a formatted dir is left alone) and drops the quorum state Kafka keeps, which
    /// would contradict a changed voter set in the ConfigMap; Kafka rewrites it on start.
    static func command(kRaft: Bool) -> [String] {
        let config = "\(ResourceConventions.configMountPath)/\(ResourceConventions.brokerConfigKey)"
        guard kRaft else { return ["/opt/kafka/bin/kafka-server-start.sh", config] }
        let script = """
            set -e
            /opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "$CLUSTER_ID" -c \(config)
            for dir in $(sed -n 's/^log\\.dirs=//p' \(config) | tr ',' ' '); do
              rm -f "$dir/__cluster_metadata-0/quorum-state"
            done
            exec /opt/kafka/bin/kafka-server-start.sh \(config)
            """
        return ["bash", "-c", script]
    }

    /// The kafka container's environment: the operator's variables, then the spec's `envs`
    /// (`+NAME` prepends, `NAME+` appends, otherwise replaces), sorted by name. The heap and
    /// JVM options of the broker config win over an `envs` entry, as in Koperator.
    static func environment(config: BrokerConfig, spec: KafkaClusterSpec, clusterID: KRaftClusterID?)
        -> [EnvVar]
    {
        let jar = "\(jmxPath)/jmx_prometheus.jar"
        let exporter = "\(ResourceConventions.configMountPath)/\(ResourceConventions.jmxExporterConfigKey)"
        var variables: [String: EnvVar] = [:]
        func set(_ name: String, _ value: String) { variables[name] = EnvVar(name: name, value: value) }
        set("CLASSPATH", "\(extensionsPath)/*")
        set("KAFKA_OPTS", "-javaagent:\(jar)=\(ResourceConventions.metricsPort):\(exporter)")
        for variable in config.envs ?? [] {
            let name = variable.name.filter { !$0.isWhitespace }
            if variable.valueFrom == nil, name.hasPrefix("+") || name.hasSuffix("+") {
                let prepend = name.hasPrefix("+")
                let bare = String(prepend ? name.dropFirst() : name.dropLast())
                let earlier = variables[bare]?.value ?? ""
                let value = variable.value ?? ""
                set(bare, prepend ? value + earlier : earlier + value)
            } else {
                variables[name] = EnvVar(name: name, value: variable.value, valueFrom: variable.valueFrom)
            }
        }
        if config.log4jConfig != nil {
            set(
                "KAFKA_LOG4J_OPTS",
                "-Dlog4j.configuration=file:\(ResourceConventions.configMountPath)/\(ResourceConventions.log4jConfigKey)"
            )
        }
        if variables["KAFKA_HEAP_OPTS"] == nil || config.kafkaHeapOpts != nil {
            set("KAFKA_HEAP_OPTS", config.kafkaHeapOpts ?? ResourceConventions.defaultHeapOptions)
        }
        if variables["KAFKA_JVM_PERFORMANCE_OPTS"] == nil || config.kafkaJvmPerfOpts != nil {
            set(
                "KAFKA_JVM_PERFORMANCE_OPTS",
                config.kafkaJvmPerfOpts ?? ResourceConventions.defaultJVMPerformanceOptions)
        }
        if let clusterID { set("CLUSTER_ID", clusterID.description) }
        return variables.keys.sorted().compactMap { variables[$0] }
    }

    /// The spec's init containers and the two that copy the reporter and exporter jars,
    /// sorted by name as Koperator sorts them.
    static func initContainers(
        config: BrokerConfig, spec: KafkaClusterSpec, brokerImage: String, own: [Container]
    )
        -> [Container]
    {
        var reporter = Container(
            name: "cruise-control-reporter",
            image: config.metricsReporterImage ?? spec.clusterMetricsReporterImage ?? brokerImage)
        reporter.command = ["/bin/sh", "-cex", "cp -v \(reporterJarSource) \(extensionsPath)/"]
        reporter.volumeMounts = [VolumeMount(name: extensionsVolume, mountPath: extensionsPath)]
        reporter.resources = initContainerResources
        var exporter = Container(
            name: "jmx-exporter",
            image: spec.monitoringConfig?.jmxImage ?? ResourceConventions.defaultJMXImage)
        exporter.command = [
            "cp", spec.monitoringConfig?.pathToJar ?? ResourceConventions.defaultJMXJarPath,
            "\(jmxPath)/jmx_prometheus.jar",
        ]
        exporter.volumeMounts = [VolumeMount(name: jmxVolume, mountPath: jmxPath)]
        exporter.resources = initContainerResources
        return (own + [reporter, exporter]).sorted { $0.name < $1.name }
    }

    /// Brokers of one cluster spread over nodes: required when `oneBrokerPerNode`, else
    /// preferred, keyed on the node's hostname.
    static func antiAffinity(cluster: String, required: Bool) -> JSONValue {
        let labels = ResourceConventions.clusterLabels(cluster: cluster).sorted { $0.key < $1.key }
        let term: JSONValue = .object([
            (
                "labelSelector",
                .object([("matchLabels", .object(labels.map { ($0.key, .string($0.value)) }))])
            ),
            ("topologyKey", .string("kubernetes.io/hostname")),
        ])
        let rule: (String, JSONValue) =
            required
            ? ("requiredDuringSchedulingIgnoredDuringExecution", .array([term]))
            : (
                "preferredDuringSchedulingIgnoredDuringExecution",
                .array([.object([("weight", .number("100")), ("podAffinityTerm", term)])])
            )
        return .object([("podAntiAffinity", .object([rule]))])
    }
}
