import ClusterModel

/// Cruise Control's `cruisecontrol.properties`: the operator's defaults, then the spec's
/// `cruiseControlConfig.config` over them, then the keys the operator owns, written sorted by
/// key so the same spec always gives the same bytes.
///
/// The operator owns what must agree with the objects rendered beside it: where Kafka is
/// (`bootstrap.servers`, and `zookeeper.connect` in ZooKeeper mode), the metrics topic the
/// brokers' reporter writes to, where the mounted capacity and cluster configuration files
/// are, and the REST port the Service and probe use. A spec value for any of them is replaced,
/// as Koperator replaces `bootstrap.servers`.
public struct CruiseControlProperties: Equatable, Sendable {
    public let properties: [String: String]

    /// Defaults a spec may replace: sampling from the brokers' metrics reporter, samples
    /// kept in Kafka, and in KRaft mode broker failures detected through Kafka's admin API,
    /// since there is no ZooKeeper to watch.
    static func defaults(_ spec: KafkaClusterSpec) -> [String: String] {
        let sampling = "com.linkedin.kafka.cruisecontrol.monitor.sampling"
        var defaults = [
            "metric.sampler.class": "\(sampling).CruiseControlMetricsReporterSampler",
            "sample.store.class": "\(sampling).KafkaSampleStore",
            "partition.metric.sample.store.topic": "__KafkaCruiseControlPartitionMetricSamples",
            "broker.metric.sample.store.topic": "__KafkaCruiseControlModelTrainingSamples",
            // As many copies as the metrics topic, but never more than there are brokers.
            "sample.store.topic.replication.factor": String(
                max(
                    1,
                    min(
                        Int(spec.cruiseControlConfig?.metricsTopic.replicationFactor ?? 1), spec.brokers.count
                    ))),
            "num.metric.fetchers": "1",
            "webserver.http.address": "0.0.0.0",
        ]
        if spec.usesKRaft {
            defaults["kafka.broker.failure.detection.enable"] = "true"
            defaults["topic.config.provider.class"] =
                "com.linkedin.kafka.cruisecontrol.config.KafkaAdminTopicConfigProvider"
        }
        return defaults
    }

    public init(cluster spec: KafkaClusterSpec, clusterName: String, namespace: String) {
        var merged = Self.defaults(spec).merging(BrokerProperties.parse(spec.cruiseControlConfig?.config)) {
            _, own in own
        }
        let bootstrap = ResourceConventions.clientBootstrap(
            cluster: clusterName, namespace: namespace, spec: spec)
        merged["bootstrap.servers"] = "\(bootstrap.host):\(bootstrap.port)"
        if spec.usesKRaft {
            merged["zookeeper.connect"] = nil
        } else if let connect = ServerProperties.zookeeperConnect(spec)
            ?? BrokerProperties.parse(spec.readOnlyConfig)["zookeeper.connect"]
        {
            merged["zookeeper.connect"] = connect
        }
        merged["metric.reporter.topic"] = spec.cruiseControlMetricsTopic
        let directory = ResourceConventions.cruiseControlConfigPath
        merged["capacity.config.file"] = "\(directory)/\(CruiseControlComponent.capacityKey)"
        merged["cluster.configs.file"] = "\(directory)/\(CruiseControlComponent.clusterConfigsKey)"
        merged["webserver.http.port"] = String(ResourceConventions.cruiseControlPort)
        if Self.servesHTTPS(spec) {
            // Jetty serves the REST API with Cruise Control's certificate as a PKCS#12
            // keystore; its password comes from the Secret through the environment, which
            // Cruise Control's built-in `env` config provider reads.
            let password = "${env:\(ResourceConventions.cruiseControlKeystorePasswordVariable)}"
            merged["webserver.ssl.enable"] = "true"
            merged["webserver.ssl.keystore.location"] =
                "\(ResourceConventions.cruiseControlSSLMountPath)/\(ResourceConventions.keystorePKCS12Key)"
            merged["webserver.ssl.keystore.type"] = "PKCS12"
            merged["webserver.ssl.keystore.password"] = password
            merged["webserver.ssl.key.password"] = password
        }
        if Self.usesTLS(spec) {
            // Its Kafka clients show the client keystore when the spec has one, else Cruise
            // Control's own certificate, from the mounted Secret.
            merged["security.protocol"] = "SSL"
            let stores =
                spec.clientCertificateSecret == nil
                ? ServerProperties.pemStores(directory: ResourceConventions.cruiseControlSSLMountPath)
                : MountedJavaKeystore(
                    directory: ResourceConventions.cruiseControlClientKeystoreMountPath,
                    password: "${env:\(ResourceConventions.cruiseControlClientKeystorePasswordVariable)}"
                ).settings
            merged.merge(stores) { _, own in own }
        }
        properties = merged
    }

    /// Whether Cruise Control serves its REST API over HTTPS with the certificate the operator
    /// issues it: whenever the cluster's certificates are the operator's to issue, unless the
    /// spec's `cruiseControlConfig.config` says `webserver.ssl.enable=false`.
    public static func servesHTTPS(_ spec: KafkaClusterSpec) -> Bool {
        spec.runsCruiseControl && spec.listenersConfig?.sslSecrets != nil
            && BrokerProperties.parse(spec.cruiseControlConfig?.config)["webserver.ssl.enable"]?
                .lowercased() != "false"
    }

    /// How the REST API is reached: `https` when Cruise Control's web server has TLS on (the
    /// operator's keystore, or one the spec configures itself), else `http`.
    public var scheme: String {
        properties["webserver.ssl.enable"]?.lowercased() == "true"
            ? "https" : "http"
    }

    /// Whether Cruise Control reaches the brokers over SSL: their client-facing listener is SSL,
    /// and the spec has a client keystore or the cluster's certificates (its own among them)
    /// are the operator's to issue.
    static func usesTLS(_ spec: KafkaClusterSpec) -> Bool {
        BrokerListeners(spec).clientFacing.securityProtocol == "SSL"
            && (spec.clientCertificateSecret != nil || spec.listenersConfig?.sslSecrets != nil)
    }

    /// The file's text, as `ServerProperties` writes its own.
    public var text: String { ServerProperties(properties: properties).text }
}
