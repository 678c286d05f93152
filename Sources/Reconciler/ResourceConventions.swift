import ClusterModel
import Kubernetes

/// The names, labels and annotations of the objects the operator owns for a KafkaCluster.
///
/// Per broker N of cluster C: Pod `C-N-<hash>`, ConfigMap `C-config-N`, one PVC per disk
/// `C-N-storage-<i>-<hash of mountPath>`, Service `C-N`; cluster-wide Service `C-headless` or
/// `C-all-broker`; PodDisruptionBudget `C-pdb` when asked for; with Cruise Control, Deployment
/// `C-cruisecontrol`, ConfigMaps `C-cruisecontrol-config` and `C-cc-jmx-exporter`, Service
/// `C-cruisecontrol-svc`. Every object is labelled `app=kafka` (Cruise Control's
/// `app=cruisecontrol`, its exporter configuration's `app=cruisecontrol-jmx`), `kafka_cr=C`
/// (and `brokerId=N` when it belongs to one broker), owned by the KafkaCluster, and annotated
/// with the hash of its desired content.
public enum ResourceConventions {
    public static let appLabel = "app"
    public static let appValue = "kafka"
    public static let clusterLabel = ObjectLabels.cluster
    public static let brokerLabel = ObjectLabels.broker

    /// The stable hash of the object's desired content; equal hashes mean nothing to write.
    public static let specHashAnnotation = "kafka-operator.io/spec-hash"
    /// On a pod: the hash of the broker configuration that needs a restart to change.
    public static let configHashAnnotation = "kafka-operator.io/config-hash"
    /// On a pod: the renewal whose keystore the broker refused to reload, so it restarts.
    public static let keystoreRestartAnnotation = "kafka-operator.io/keystore-restart"
    /// On a PVC: the path the disk is mounted at (Koperator's annotation name).
    public static let mountPathAnnotation = ObjectLabels.mountPath

    /// The ConfigMap key holding `server.properties`.
    public static let brokerConfigKey = "broker-config"
    /// Where the kafka container reads its configuration.
    public static let configMountPath = "/config"
    public static let defaultImage = "ghcr.io/banzaicloud/kafka:2.13-3.4.1"

    /// The brokers' certificate, signed by the cluster CA (Koperator's name).
    public static func serverCertificateSecretName(cluster: String) -> String {
        "\(cluster)-server-certificate"
    }
    /// The operator's client certificate, a super user (Koperator's name).
    public static func controllerCertificateSecretName(cluster: String) -> String { "\(cluster)-controller" }
    /// Cruise Control's client certificate, a super user, for its Kafka clients on an SSL
    /// client-facing listener.
    public static func cruiseControlCertificateSecretName(cluster: String) -> String {
        "\(cluster)-cruisecontrol-certificate"
    }
    /// Where Cruise Control's pod mounts its certificate Secret.
    public static let cruiseControlSSLMountPath = "/var/run/secrets/cruisecontrol/ssl"
    /// Where Cruise Control mounts the client keystore Secret (`clientSSLCertSecret`).
    public static let cruiseControlClientKeystoreMountPath = "/var/run/secrets/cruisecontrol/client"
    /// The client keystore's password reaches Cruise Control through this environment variable.
    public static let cruiseControlClientKeystorePasswordVariable = "CRUISE_CONTROL_CLIENT_KEYSTORE_PASSWORD"
    /// Where a broker pod mounts the client keystore Secret (`clientSSLCertSecret`) its metrics
    /// reporter shows the client-facing listener.
    public static let clientKeystoreMountPath = "/var/run/secrets/kafka/client"

    /// Where a broker pod mounts the keystore Secret of a listener with its own certificate
    /// (`serverSSLCertSecret`), and the volume's name: the listener's name when it is a DNS label,
    /// else its hash, so neither path nor volume name can be broken by the name.
    public static func listenerKeystoreMount(listener: String) -> (volume: String, path: String) {
        let name = listener.lowercased()
        let isLabel =
            !name.isEmpty && name.count <= 40 && name.first != "-" && name.last != "-"
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        let safe = isLabel ? name : StableHash(listener).short
        return ("listener-\(safe)-ssl", "/var/run/secrets/kafka/listeners/\(safe)")
    }
    /// The principals the certificates the operator issues give (Kafka's `User:` and the
    /// subject), super users of a cluster with SSL listeners, so ACLs never deny them: the
    /// operator's, the brokers' own (they replicate to each other and report metrics), and
    /// Cruise Control's when it runs.
    static func superUserPrincipals(cluster: String, namespace: String, spec: KafkaClusterSpec) -> [String] {
        [
            "User:CN=\(controllerCertificateSecretName(cluster: cluster))",
            "User:CN=\(brokerCertificateCommonName(cluster: cluster, namespace: namespace))",
        ] + (spec.runsCruiseControl ? ["User:CN=\(cruiseControlCommonName(cluster: cluster))"] : [])
    }
    static func brokerCertificateCommonName(cluster: String, namespace: String) -> String {
        "\(cluster).\(namespace)"
    }
    static func cruiseControlCommonName(cluster: String) -> String { "\(cluster)-cruisecontrol" }
    /// Where a broker pod mounts its certificate Secret.
    public static let sslMountPath = "/var/run/secrets/kafka/ssl"
    /// In the broker certificate Secret: the private key and certificate chain in one PEM file,
    /// the form Kafka's `ssl.keystore.type=PEM` reads from `ssl.keystore.location`.
    public static let keystorePEMKey = "keystore.pem"
    /// Cruise Control's Secret keys for its web server: a PKCS#12 keystore (Jetty reads no
    /// PEM) and its password, which reaches Cruise Control through this environment variable.
    public static let keystorePKCS12Key = "keystore.p12"
    public static let keystorePasswordKey = "keystore.password"
    public static let cruiseControlKeystorePasswordVariable = "CRUISE_CONTROL_KEYSTORE_PASSWORD"

    public static func configMapName(cluster: String, broker: Int32) -> String {
        "\(cluster)-config-\(broker)"
    }
    public static func serviceName(cluster: String, broker: Int32) -> String { "\(cluster)-\(broker)" }
    public static func podName(cluster: String, broker: Int32, hash: StableHash) -> String {
        "\(cluster)-\(broker)-\(hash.short)"
    }
    public static func claimName(cluster: String, broker: Int32, index: Int, mountPath: String) -> String {
        BrokerClaimName(cluster: cluster, broker: broker, index: index, mountPath: mountPath).description
    }
    public static func headlessServiceName(cluster: String) -> String { "\(cluster)-headless" }
    public static func allBrokerServiceName(cluster: String) -> String { "\(cluster)-all-broker" }
    public static func disruptionBudgetName(cluster: String) -> String { "\(cluster)-pdb" }

    /// Envoy's objects for external listener L (Koperator's names).
    public static func envoyConfigMapName(listener: String, cluster: String) -> String {
        "envoy-config-\(listener)-\(cluster)"
    }
    public static func envoyDeploymentName(listener: String, cluster: String) -> String {
        "envoy-\(listener)-\(cluster)"
    }
    public static func envoyServiceName(listener: String, cluster: String) -> String {
        "envoy-loadbalancer-\(listener)-\(cluster)"
    }
    /// Broker N's NodePort Service for external listener L (Koperator's name).
    public static func nodePortServiceName(cluster: String, broker: Int32, listener: String) -> String {
        "\(cluster)-\(broker)-\(listener)"
    }
    /// `app=envoyingress`, `kafka_cr=C`, `eListenerName=L`.
    public static func envoyLabels(cluster: String, listener: String) -> [String: String] {
        [appLabel: "envoyingress", clusterLabel: cluster, "eListenerName": listener]
    }

    /// The DNS name a broker is reached at inside the cluster (Koperator's form): its pod's
    /// name under the headless Service when there is one, else its own Service.
    public static func brokerHost(
        cluster: String, broker: Int32, namespace: String, domain: String = "cluster.local",
        headless: Bool = false
    ) -> String {
        headless
            ? "\(cluster)-\(broker).\(headlessServiceName(cluster: cluster)).\(namespace).svc.\(domain)"
            : "\(cluster)-\(broker).\(namespace).svc.\(domain)"
    }

    /// `brokerHost` for a cluster spec: its domain and service kind.
    public static func brokerHost(cluster: String, broker: Int32, namespace: String, spec: KafkaClusterSpec)
        -> String
    {
        brokerHost(
            cluster: cluster, broker: broker, namespace: namespace, domain: spec.clusterDomain,
            headless: ClusterServiceKind(spec) == .headless)
    }

    /// The DNS name of the cluster-wide Service (headless or all-broker).
    public static func clusterServiceHost(cluster: String, namespace: String, spec: KafkaClusterSpec)
        -> String
    {
        "\(ClusterServiceKind(spec).serviceName(cluster: cluster)).\(namespace).svc.\(spec.clusterDomain)"
    }

    /// The address clients inside the cluster bootstrap from: the cluster-wide Service on the
    /// client-facing listener's port (`kafka-all-broker.kafka.svc.cluster.local:29092`).
    public static func clientBootstrap(cluster: String, namespace: String, spec: KafkaClusterSpec)
        -> (host: String, port: Int)
    {
        (
            clusterServiceHost(cluster: cluster, namespace: namespace, spec: spec),
            BrokerListeners(spec).clientFacing.port
        )
    }

    /// The client-facing listener's port on broker `broker`'s own address.
    public static func brokerClientPort(spec: KafkaClusterSpec) -> Int {
        BrokerListeners(spec).clientFacing.port
    }

    /// Cruise Control's Service and REST port (Koperator's names).
    public static func cruiseControlServiceName(cluster: String) -> String { "\(cluster)-cruisecontrol-svc" }
    public static let cruiseControlPort = 8090
    /// Cruise Control's Deployment, and its container (Koperator's names).
    public static func cruiseControlName(cluster: String) -> String { "\(cluster)-cruisecontrol" }
    /// The ConfigMap key holding `cruisecontrol.properties`.
    public static let cruiseControlPropertiesKey = "cruisecontrol.properties"
    /// Cruise Control's configuration files, mounted at `cruiseControlConfigPath`.
    public static func cruiseControlConfigMapName(cluster: String) -> String {
        "\(cluster)-cruisecontrol-config"
    }
    /// The JMX exporter's rules for Cruise Control.
    public static func cruiseControlJMXConfigMapName(cluster: String) -> String {
        "\(cluster)-cc-jmx-exporter"
    }
    public static let cruiseControlConfigPath = "/opt/cruise-control/config"
    /// Koperator's Cruise Control image.
    public static let defaultCruiseControlImage = "ghcr.io/banzaicloud/cruise-control:2.5.123"
    /// The `app` label of Cruise Control's objects and pod: not the brokers' `kafka`, so no
    /// broker Service or disruption budget selects Cruise Control's pod.
    public static let cruiseControlAppValue = "cruisecontrol"

    public static func cruiseControlLabels(cluster: String) -> [String: String] {
        [appLabel: cruiseControlAppValue, clusterLabel: cluster]
    }

    /// Where the operator reaches Cruise Control's REST API: `cruiseControlEndpoint` when the
    /// spec names one (`host:port`), else its Service (`kafka-cruisecontrol-svc.kafka.svc.cluster.local:8090`).
    public static func cruiseControlAddress(cluster: String, namespace: String, spec: KafkaClusterSpec)
        -> (host: String, port: Int)
    {
        if let endpoint = spec.cruiseControlConfig?.cruiseControlEndpoint, !endpoint.isEmpty,
            let colon = endpoint.lastIndex(of: ":"), let port = Int(endpoint[endpoint.index(after: colon)...])
        {
            return (String(endpoint[..<colon]), port)
        }
        return (
            "\(cruiseControlServiceName(cluster: cluster)).\(namespace).svc.\(spec.clusterDomain)",
            cruiseControlPort
        )
    }

    /// Where the JMX exporter serves broker metrics, on every broker pod and Service.
    public static let metricsPort: Int32 = 9020
    public static let metricsPortName = "metrics"
    /// Broker ConfigMap keys beside `server.properties`: the JMX exporter's rules and, when the
    /// spec gives one, the log4j configuration.
    public static let jmxExporterConfigKey = "jmx-exporter.yaml"
    public static let log4jConfigKey = "log4j.properties"
    /// Koperator's defaults for a broker pod.
    public static let defaultJMXImage = "ghcr.io/banzaicloud/jmx-javaagent:0.16.1"
    public static let defaultJMXJarPath = "/jmx_prometheus_javaagent.jar"
    public static let defaultHeapOptions = "-Xmx2G -Xms2G"
    public static let defaultJVMPerformanceOptions =
        "-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 "
        + "-XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true -Dsun.net.inetaddr.ttl=60"
    public static let defaultTerminationGracePeriodSeconds: Int64 = 120
    public static let defaultServiceAccountName = "default"

    public static func clusterLabels(cluster: String) -> [String: String] {
        [appLabel: appValue, clusterLabel: cluster]
    }

    public static func brokerLabels(cluster: String, broker: Int32) -> [String: String] {
        [appLabel: appValue, clusterLabel: cluster, brokerLabel: String(broker)]
    }

    /// The label selector that lists every object of one cluster.
    public static func selector(cluster: String) -> String { "\(clusterLabel)=\(cluster)" }

    /// The owner reference every rendered object carries.
    public static func ownerReference(cluster: String, uid: String) -> OwnerReference {
        OwnerReference(
            apiVersion: KafkaCluster.apiVersion, kind: KafkaCluster.kind, name: cluster, uid: uid,
            controller: true, blockOwnerDeletion: true)
    }
}
