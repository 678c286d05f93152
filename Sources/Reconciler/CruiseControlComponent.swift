import ClusterModel
import JSON
import Kubernetes
import PKI

/// Cruise Control beside the brokers, when the spec has a `cruiseControlConfig` that names no
/// Cruise Control running elsewhere, laid out as Koperator lays it out: the ConfigMap
/// `C-cruisecontrol-config` (`cruisecontrol.properties`, `capacity.json`,
/// `clusterConfigs.json`, `log4j.properties`), the JMX exporter's rules in `C-cc-jmx-exporter`,
/// the Deployment `C-cruisecontrol` with them mounted, and the Service `C-cruisecontrol-svc` on
/// the REST port 8090 and the metrics port.
///
/// The pod carries the hash of the files Cruise Control reads at start, so a change to any of
/// them rolls it; with the pod annotation `cruise-control.banzaicloud.com/broker-capacity-config`
/// set to anything but `static` (Koperator's switch), `capacity.json` is left out of the hash,
/// for a Cruise Control that reloads it. The Deployment replaces its pod rather than rolling a
/// second one in beside it: two Cruise Controls must never execute proposals at once.
struct CruiseControlComponent: ClusterComponent {
    static let propertiesKey = ResourceConventions.cruiseControlPropertiesKey
    static let capacityKey = "capacity.json"
    static let clusterConfigsKey = "clusterConfigs.json"
    static let log4jKey = "log4j.properties"
    static let jmxConfigKey = "config.yaml"
    static let container = "cruisecontrol"
    static let configVolume = "cruisecontrol-config"
    static let jmxConfigVolume = "jmx-config"
    static let sslVolume = "cruisecontrol-ssl-certificate"
    /// The client keystore Secret (`clientSSLCertSecret`) its Kafka clients show.
    static let clientKeystoreVolume = "cruisecontrol-client-keystore"

    /// On Cruise Control's pods: the expiry of the certificate its web server was started with.
    static let keystoreExpiryAnnotation = "kafka-operator.io/keystore-expiry"
    static let jmxConfigPath = "/etc/jmx-exporter"

    static let capacityAnnotation = "cruise-control.banzaicloud.com/broker-capacity-config"
    static let metricsPortName = "metrics"
    static let restPortName = "cc"

    /// Logging to the console, which Kubernetes keeps, when the spec gives no `log4jConfig`.
    static let defaultLog4j = """
        rootLogger.level=INFO
        rootLogger.appenderRefs=stdout
        rootLogger.appenderRef.stdout.ref=STDOUT
        appenders=stdout
        appender.stdout.type=Console
        appender.stdout.name=STDOUT
        appender.stdout.layout.type=PatternLayout
        appender.stdout.layout.pattern=%d{ISO8601} %-5p [%c] %m%n

        """
    /// The exporter's rules when `monitoringConfig.cCJMXExporterConfig` gives none: every MBean.
    static let defaultJMXConfig = "lowercaseOutputName: true\n"
    /// Koperator's requests and limits for Cruise Control.
    static let defaultResources: JSONValue = .object([
        ("requests", .object([("cpu", .string("200m")), ("memory", .string("768Mi"))])),
        ("limits", .object([("cpu", .string("200m")), ("memory", .string("768Mi"))])),
    ])

    func render(_ context: ComponentContext) -> [OwnedObject] {
        guard context.spec.runsCruiseControl, let config = context.spec.cruiseControlConfig else { return [] }
        let name = context.name
        let labels = ResourceConventions.cruiseControlLabels(cluster: name)
        let files = Self.files(context)
        let configMap = ConfigMap(
            metadata: context.metadata(
                ResourceConventions.cruiseControlConfigMapName(cluster: name), labels: labels),
            data: files)
        let jmxConfig = context.spec.monitoringConfig?.cCJMXExporterConfig ?? Self.defaultJMXConfig
        let jmxConfigMap = ConfigMap(
            metadata: context.metadata(
                ResourceConventions.cruiseControlJMXConfigMapName(cluster: name),
                labels: [
                    ResourceConventions.appLabel: "cruisecontrol-jmx", ResourceConventions.clusterLabel: name,
                ]),
            data: [Self.jmxConfigKey: jmxConfig])

        var service = Service.Spec(
            type: "ClusterIP", selector: labels,
            ports: [
                Service.Port(
                    name: Self.restPortName, port: Int32(ResourceConventions.cruiseControlPort),
                    targetPort: .int(Int32(ResourceConventions.cruiseControlPort)), protocol: "TCP"),
                Service.Port(
                    name: Self.metricsPortName, port: ResourceConventions.metricsPort,
                    targetPort: .int(ResourceConventions.metricsPort), protocol: "TCP"),
            ])
        service.publishNotReadyAddresses = nil

        let deployment = Deployment(
            metadata: context.metadata(ResourceConventions.cruiseControlName(cluster: name), labels: labels),
            spec: Self.deploymentSpec(
                context, config: config, labels: labels, configHash: Self.configHash(files, jmxConfig, config)
            ))
        return [
            context.stamped(configMap), context.stamped(jmxConfigMap),
            context.stamped(
                Service(
                    metadata: context.metadata(
                        ResourceConventions.cruiseControlServiceName(cluster: name), labels: labels),
                    spec: service)),
            context.stamped(deployment),
        ]
    }

    /// The files of `C-cruisecontrol-config`.
    static func files(_ context: ComponentContext) -> [String: String] {
        let config = context.spec.cruiseControlConfig
        let clusterConfigs = config?.clusterConfig ?? ""
        let log4j = config?.log4jConfig ?? ""
        return [
            propertiesKey: CruiseControlProperties(
                cluster: context.spec, clusterName: context.name, namespace: context.namespace
            ).text,
            capacityKey: CruiseControlCapacity.render(
                context.spec, status: context.cluster.status,
                kept: Dictionary(
                    context.brokers.map { ($0.brokerID, $0.keptDisks) },
                    uniquingKeysWith: { first, _ in first })),
            // Cruise Control reads a JSON object; an empty one assumes Kafka's defaults.
            clusterConfigsKey: clusterConfigs.isEmpty ? "{}" : clusterConfigs,
            log4jKey: log4j.isEmpty ? defaultLog4j : log4j,
        ]
    }

    /// The hash of what Cruise Control reads only at start.
    static func configHash(_ files: [String: String], _ jmxConfig: String, _ config: CruiseControlConfig)
        -> StableHash
    {
        var hashed = files
        hashed[jmxConfigKey] = jmxConfig
        let capacityMode = config.cruiseControlAnnotations?[capacityAnnotation]
        if let capacityMode, capacityMode != "static" { hashed[capacityKey] = nil }
        return StableHash(json: hashed)
    }

    static func deploymentSpec(
        _ context: ComponentContext, config: CruiseControlConfig, labels: [String: String],
        configHash: StableHash
    ) -> Deployment.Spec {
        let name = context.name
        let layout = BrokerPodLayout.self
        let monitoring = context.spec.monitoringConfig
        var exporter = Container(
            name: "jmx-exporter", image: monitoring?.jmxImage ?? ResourceConventions.defaultJMXImage)
        exporter.command = [
            "cp", monitoring?.pathToJar ?? ResourceConventions.defaultJMXJarPath,
            "\(layout.jmxPath)/jmx_prometheus.jar",
        ]
        exporter.volumeMounts = [VolumeMount(name: layout.jmxVolume, mountPath: layout.jmxPath)]
        exporter.resources = layout.initContainerResources

        var container = Container(
            name: Self.container,
            image: config.image.flatMap { $0.isEmpty ? nil : $0 }
                ?? ResourceConventions.defaultCruiseControlImage)
        container.env = [
            EnvVar(
                name: "KAFKA_OPTS",
                value: "-javaagent:\(layout.jmxPath)/jmx_prometheus.jar=\(ResourceConventions.metricsPort):"
                    + "\(Self.jmxConfigPath)/\(Self.jmxConfigKey)")
        ]
        container.ports = [
            ContainerPort(
                name: Self.restPortName, containerPort: Int32(ResourceConventions.cruiseControlPort),
                protocol: "TCP"),
            ContainerPort(
                name: Self.metricsPortName, containerPort: ResourceConventions.metricsPort, protocol: "TCP"),
        ]
        container.resources = config.resourceRequirements ?? Self.defaultResources
        container.securityContext = config.securityContext
        var readiness = Probe(
            tcpSocket: Probe.TCPSocketAction(port: .int(Int32(ResourceConventions.cruiseControlPort))),
            initialDelaySeconds: 5, periodSeconds: 10)
        readiness.timeoutSeconds = 1
        readiness.failureThreshold = 3
        container.readinessProbe = readiness
        container.volumeMounts =
            PassThrough.decode(config.volumeMounts, as: VolumeMount.self).items + [
                VolumeMount(name: Self.configVolume, mountPath: ResourceConventions.cruiseControlConfigPath),
                VolumeMount(name: layout.jmxVolume, mountPath: layout.jmxPath),
                VolumeMount(name: Self.jmxConfigVolume, mountPath: Self.jmxConfigPath),
            ]
        var certificateVolumes: [Volume] = []
        let secretName = ResourceConventions.cruiseControlCertificateSecretName(cluster: name)
        let https = CruiseControlProperties.servesHTTPS(context.spec)
        if https {
            container.env?.append(
                EnvVar(
                    name: ResourceConventions.cruiseControlKeystorePasswordVariable,
                    valueFrom: Self.secretKey(secretName, ResourceConventions.keystorePasswordKey)))
        }
        let clientKeystore = context.spec.clientCertificateSecret
        let usesTLS = CruiseControlProperties.usesTLS(context.spec)
        if usesTLS, let clientKeystore {
            container.env?.append(
                EnvVar(
                    name: ResourceConventions.cruiseControlClientKeystorePasswordVariable,
                    valueFrom: Self.secretKey(clientKeystore, KoperatorSecretKey.jksPassword)))
            container.volumeMounts?.append(
                VolumeMount(
                    name: Self.clientKeystoreVolume,
                    mountPath: ResourceConventions.cruiseControlClientKeystoreMountPath, readOnly: true))
            certificateVolumes.append(
                Volume(
                    name: Self.clientKeystoreVolume,
                    secret: Volume.SecretSource(secretName: clientKeystore, defaultMode: 0o400)))
        }
        if https || (usesTLS && clientKeystore == nil) {
            // The keys stay in the Secret: cruisecontrol.properties names the mounted files.
            container.volumeMounts?.append(
                VolumeMount(
                    name: Self.sslVolume, mountPath: ResourceConventions.cruiseControlSSLMountPath,
                    readOnly: true))
            certificateVolumes.append(
                Volume(
                    name: Self.sslVolume,
                    secret: Volume.SecretSource(secretName: secretName, defaultMode: 0o400)))
        }

        var pod = PodSpec(
            containers: [container],
            volumes: PassThrough.decode(config.volumes, as: Volume.self).items + [
                Volume(
                    name: Self.configVolume,
                    configMap: Volume.ConfigMapSource(
                        name: ResourceConventions.cruiseControlConfigMapName(cluster: name),
                        defaultMode: 0o644)),
                Volume(
                    name: Self.jmxConfigVolume,
                    configMap: Volume.ConfigMapSource(
                        name: ResourceConventions.cruiseControlJMXConfigMapName(cluster: name),
                        defaultMode: 0o644)),
                Volume(name: layout.jmxVolume, emptyDir: Volume.EmptyDirSource()),
            ] + certificateVolumes)
        pod.initContainers = PassThrough.decode(config.initContainers, as: Container.self).items + [exporter]
        pod.securityContext = config.podSecurityContext
        pod.serviceAccountName =
            config.serviceAccountName.flatMap { $0.isEmpty ? nil : $0 }
            ?? ResourceConventions.defaultServiceAccountName
        pod.imagePullSecrets = config.imagePullSecrets
        pod.tolerations = config.tolerations
        pod.nodeSelector = config.nodeSelector
        pod.affinity = config.affinity
        pod.priorityClassName = config.priorityClassName.flatMap { $0.isEmpty ? nil : $0 }
        pod.terminationGracePeriodSeconds = 30

        var annotations = config.cruiseControlAnnotations ?? [:]
        annotations[ResourceConventions.configHashAnnotation] = configHash.description
        // Jetty reads its keystore once, at start: a reissued certificate restarts Cruise
        // Control, named by its expiry.
        if https, let expiry = context.cluster.status?.certificateExpiry?[secretName] {
            annotations[Self.keystoreExpiryAnnotation] = expiry
        }
        var spec = Deployment.Spec(
            replicas: 1, selector: LabelSelector(matchLabels: labels),
            template: PodTemplateSpec(
                metadata: Kubernetes.ObjectMeta(labels: labels, annotations: annotations), spec: pod))
        spec.strategy = .object([("type", .string("Recreate"))])
        return spec
    }

    /// An environment variable's source: `key` of the Secret `secret`.
    static func secretKey(_ secret: String, _ key: String) -> JSONValue {
        .object([("secretKeyRef", .object([("name", .string(secret)), ("key", .string(key))]))])
    }
}
