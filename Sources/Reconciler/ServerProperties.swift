import ClusterModel
import PKI

/// One broker's `server.properties`: what the operator derives from the spec (ids, listeners,
/// disks, ZooKeeper or KRaft, the Cruise Control metrics reporter: the cluster's bootstrap and,
/// with `cruiseControlConfig`, the metrics topic and its shape) over the user's
/// configuration, written sorted by key so the same spec always gives the same bytes.
///
/// Precedence, lowest first: the cluster's `readOnlyConfig`, the broker's `readOnlyConfig`, the
/// config group's `config`, the broker's `brokerConfig.config`, then the operator's own keys.
/// The operator's keys win because a user value for them (a listener port, a log dir) would
/// contradict the Pod, Services and volumes rendered beside it. `zookeeper.connect` is the
/// operator's only when the spec has `zkAddresses`; otherwise a user's value stands.
///
/// Addresses are Koperator's: `<cluster>-<id>.<cluster>-headless.<ns>.svc.<domain>` with a
/// headless Service, else `<cluster>-<id>.<ns>.svc.<domain>` (the broker's own Service).
public struct ServerProperties: Equatable, Sendable {
    public let properties: [String: String]

    /// The Cruise Control metrics reporter, loaded from the jar the pod's init container copies.
    public static let cruiseControlReporter =
        "com.linkedin.kafka.cruisecontrol.metricsreporter.CruiseControlMetricsReporter"

    public init(properties: [String: String]) { self.properties = properties }

    /// `keptMountPaths`: disks out of the spec still mounted while their data moves off, listed
    /// in `log.dirs` after the spec's. `externalHosts` are the hosts external listeners
    /// advertise, by listener name (`ExternalAccess.hosts`): such a listener advertises its host
    /// on `externalStartingPort + id`; one without a known host advertises the broker's
    /// in-cluster address. `nodePorts` is what Kubernetes assigned that NodePort listeners
    /// advertise (`ExternalAccess.nodePortAddress`), with the same fallback.
    public init(
        cluster spec: KafkaClusterSpec, broker: Broker, clusterName: String, namespace: String,
        keptMountPaths: [String] = [], externalHosts: [String: String] = [:],
        nodePorts: NodePortAssignments = NodePortAssignments()
    ) {
        var merged = spec.userProperties(of: broker)
        func host(_ id: Int32) -> String {
            ResourceConventions.brokerHost(cluster: clusterName, broker: id, namespace: namespace, spec: spec)
        }
        let external = Dictionary(
            (spec.listenersConfig?.externalListeners ?? []).map { ($0.name, $0) },
            uniquingKeysWith: { first, _ in first })
        func address(_ listener: BrokerListeners.Listener) -> String {
            if listener.external, let config = external[listener.name] {
                if config.effectiveAccessMethod == "NodePort" {
                    if let outside = ExternalAccess.nodePortAddress(
                        spec, listener: config, broker: broker, cluster: clusterName, namespace: namespace,
                        assigned: nodePorts)
                    {
                        return outside
                    }
                } else if let outside = externalHosts[listener.name] {
                    return "\(outside):\(config.externalPort(of: broker.id))"
                }
            }
            return "\(host(broker.id)):\(listener.port)"
        }
        let listeners = BrokerListeners(spec)
        merged["listener.security.protocol.map"] =
            listeners.all.map { "\($0.listenerName):\($0.securityProtocol)" }.joined(separator: ",")
        merged["inter.broker.listener.name"] = listeners.interBroker.listenerName
        let ssl = Self.sslSettings(listeners)
        merged.merge(ssl) { _, own in own }
        if spec.needsClusterCA {
            // The user's super users stay; the principals of the certificates the cluster CA
            // issues the operator, the brokers and Cruise Control are added to them. A client
            // keystore of the user's (`clientSSLCertSecret`) is authorized by the user.
            var users = merged["super.users"].map { $0.split(separator: ";").map(String.init) } ?? []
            for principal in ResourceConventions.superUserPrincipals(
                cluster: clusterName, namespace: namespace, spec: spec) where !users.contains(principal)
            {
                users.append(principal)
            }
            merged["super.users"] = users.joined(separator: ";")
        }
        let disks = spec.effectiveStorage(of: broker).map(\.mountPath) + keptMountPaths
        if !disks.isEmpty {
            merged["log.dirs"] = disks.map { Self.logDir(mountPath: $0) }.joined(separator: ",")
        }

        // A class name holds no white space: what surrounds a comma is the list's, not the name's.
        var reporters = (merged["metric.reporters"] ?? "").split(separator: ",").map {
            String($0.filter { !$0.isWhitespace })
        }.filter { !$0.isEmpty }
        if !reporters.contains(Self.cruiseControlReporter) { reporters.append(Self.cruiseControlReporter) }
        merged["metric.reporters"] = reporters.joined(separator: ",")
        merged["cruise.control.metrics.reporter.bootstrap.servers"] =
            "\(ResourceConventions.clusterServiceHost(cluster: clusterName, namespace: namespace, spec: spec)):"
            + "\(listeners.clientFacing.port)"
        merged["cruise.control.metrics.reporter.kubernetes.mode"] = "true"
        if listeners.clientFacing.securityProtocol == "SSL" {
            // The reporter is a client of that listener: it shows the client keystore when the
            // spec has one, else the broker's certificate.
            let reporter = "cruise.control.metrics.reporter."
            merged[reporter + "security.protocol"] = "SSL"
            let stores =
                spec.clientCertificateSecret == nil
                ? Self.pemStores(directory: ResourceConventions.sslMountPath)
                : MountedJavaKeystore.readByKafka(directory: ResourceConventions.clientKeystoreMountPath)
                    .settings
            for (key, value) in stores {
                merged[reporter + key] = value
            }
        }
        if let cruiseControl = spec.cruiseControlConfig {
            // The topic Cruise Control reads. Unless the reporter is to create it (with the
            // user's shape), the operator does, and the reporter's settings say the same shape.
            merged["cruise.control.metrics.topic"] = spec.cruiseControlMetricsTopic
            if !spec.cruiseControlReporterCreatesTopic {
                let topic = cruiseControl.metricsTopic
                merged["cruise.control.metrics.topic.num.partitions"] = String(topic.partitions)
                merged["cruise.control.metrics.topic.replication.factor"] = String(topic.replicationFactor)
            }
        }

        KafkaConfigProviders.registerDirectoryProvider(in: &merged)

        if spec.usesKRaft {
            let roles = spec.effectiveConfig(of: broker).processRoles ?? []
            let isBroker = roles.contains("broker")
            let isController = roles.contains("controller")
            merged["broker.id"] = nil
            merged["zookeeper.connect"] = nil
            merged["control.plane.listener.name"] = nil
            merged["node.id"] = String(broker.id)
            merged["process.roles"] = ["broker", "controller"].filter(roles.contains).joined(separator: ",")
            let controller = listeners.controlPlane
            if let controller {
                merged["controller.listener.names"] = controller.listenerName
                let voters = spec.brokers.filter { spec.processRoles(of: $0).contains("controller") }
                    .map(\.id).sorted()
                merged["controller.quorum.voters"] =
                    voters.map { "\($0)@\(host($0)):\(controller.port)" }.joined(separator: ",")
            }
            let isControllerListener = { (listener: BrokerListeners.Listener) in
                listener.name == controller?.name
            }
            let served =
                isController && !isBroker
                ? listeners.all.filter(isControllerListener)
                : isBroker && !isController
                    ? listeners.all.filter { !isControllerListener($0) } : listeners.all
            merged["listeners"] = served.map { "\($0.listenerName)://:\($0.port)" }.joined(separator: ",")
            // Clients never talk to controllers: only broker roles advertise, never the controller listener.
            merged["advertised.listeners"] =
                isBroker
                ? Self.advertised(listeners.all.filter { !isControllerListener($0) }, address: address)
                : nil
        } else {
            merged["broker.id"] = String(broker.id)
            merged["listeners"] = listeners.all.map { "\($0.listenerName)://:\($0.port)" }.joined(
                separator: ",")
            merged["advertised.listeners"] = Self.advertised(listeners.all, address: address)
            if let controller = listeners.controlPlane {
                merged["control.plane.listener.name"] = controller.listenerName
            }
            if let connect = Self.zookeeperConnect(spec) { merged["zookeeper.connect"] = connect }
        }
        properties = merged
    }

    /// `zookeeper.connect` from the spec's `zkAddresses` and `zkPath`; nil without addresses.
    static func zookeeperConnect(_ spec: KafkaClusterSpec) -> String? {
        guard let addresses = spec.zkAddresses, !addresses.isEmpty else { return nil }
        var connect = addresses.joined(separator: ",")
        if let path = spec.zkPath, !path.isEmpty, path != "/" {
            connect += path.hasPrefix("/") ? path : "/" + path
        }
        return connect
    }

    /// True when the `listeners` line opens `listener`.
    func servesListener(_ listener: BrokerListeners.Listener) -> Bool {
        (properties["listeners"] ?? "").split(separator: ",").contains {
            $0.hasPrefix("\(listener.listenerName)://")
        }
    }

    /// `NAME://host:port` per listener, sorted as Koperator sorts them.
    private static func advertised(
        _ listeners: [BrokerListeners.Listener], address: (BrokerListeners.Listener) -> String
    ) -> String {
        listeners.map { "\($0.listenerName)://\(address($0))" }.sorted().joined(separator: ",")
    }

    /// Kafka's data directory on a disk: a folder inside the mount, so the volume's own
    /// `lost+found` is not mistaken for a log.
    public static func logDir(mountPath: String) -> String {
        (mountPath.hasSuffix("/") ? String(mountPath.dropLast()) : mountPath) + "/kafka"
    }

    /// The file's text: `key=value` lines sorted by key, escaped so `BrokerProperties.parse`
    /// (and Java's `Properties.load`) read back exactly these pairs.
    public var text: String {
        properties.keys.sorted().map {
            "\(Self.escape($0, isKey: true))=\(Self.escape(properties[$0] ?? "", isKey: false))\n"
        }
        .joined()
    }

    /// The keys Kafka reads only at start-up: a change to any of them means a restart.
    public var readOnlyPart: [String: String] {
        properties.filter { KafkaConfigCatalog.mode(of: $0.key) == .readOnly }
    }

    static func escape(_ text: String, isKey: Bool) -> String {
        var out = ""
        for (offset, character) in text.enumerated() {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\r\n": out += "\\r\\n"
            case "\t": out += "\\t"
            case "\u{0C}": out += "\\f"
            case " ", "=", ":", "#", "!":
                // Separators end a key; leading white space and comment marks would be lost.
                let special =
                    isKey || offset == 0 && (character == " " || character == "#" || character == "!")
                out += special ? "\\\(character)" : String(character)
            default: out.append(character)
            }
        }
        return out
    }
}

extension ServerProperties {
    /// Per SSL listener, Kafka's PEM keystore and truststore (KIP-651) read from the mounted
    /// broker certificate Secret, or the listener's own JKS stores (`serverSSLCertSecret`), and
    /// the listener's client authentication (`required` unless it says otherwise). The brokers' certificate gains names when an external listener's
    /// address appears, so a reload may take other SANs (KIP-978, Kafka 3.7; an older Kafka
    /// refuses such a reload and the broker restarts instead). Nothing for a cluster without
    /// SSL listeners.
    static func sslSettings(_ listeners: BrokerListeners) -> [String: String] {
        let secured = listeners.all.filter { ["SSL", "SASL_SSL"].contains($0.securityProtocol) }
        var settings: [String: String] = [:]
        for listener in secured {
            let prefix = "listener.name.\(listener.name.lowercased())."
            let stores =
                listener.certificateSecret == nil
                ? pemStores(directory: ResourceConventions.sslMountPath)
                : MountedJavaKeystore.readByKafka(
                    directory: ResourceConventions.listenerKeystoreMount(listener: listener.name).path
                ).settings
            for (key, value) in stores {
                settings[prefix + key] = value
            }
            settings[prefix + "ssl.client.auth"] = listener.sslClientAuth ?? "required"
            settings[prefix + "ssl.allow.san.changes"] = "true"
        }
        return settings
    }

    /// A Kafka client's or listener's PEM keystore and truststore, read from a mounted
    /// certificate Secret in `directory` (`keystore.pem` and `ca.crt`).
    static func pemStores(directory: String) -> [String: String] {
        [
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": "\(directory)/\(ResourceConventions.keystorePEMKey)",
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": "\(directory)/\(KoperatorSecretKey.caBundle)",
        ]
    }
}

/// The spec's listeners in the forms the broker and its objects need. A spec without
/// listeners gets one plaintext internal listener on Kafka's default port.
struct BrokerListeners {
    struct Listener {
        let name: String
        let type: String
        let port: Int
        let external: Bool
        /// `required`, `requested` or `none` (Kafka's `ssl.client.auth`), for an SSL listener.
        var sslClientAuth: String? = nil
        /// The Secret with the listener's own keystore; nil when the cluster CA issues it.
        var certificateSecret: String? = nil
        /// The name Kafka knows it by: upper case, as Koperator writes it.
        var listenerName: String { name.uppercased() }
        /// `plaintext`, `ssl`, `sasl_plaintext`, `sasl_ssl` → Kafka's security protocol names.
        var securityProtocol: String { type.uppercased() }
    }

    let all: [Listener]
    let interBroker: Listener
    let controlPlane: Listener?
    /// The listener clients inside the cluster (Cruise Control's reporter) bootstrap from: the
    /// inter-broker listener unless it is the controller's, as Koperator picks it.
    var clientFacing: Listener {
        if interBroker.name != controlPlane?.name { return interBroker }
        return all.first { !$0.external && $0.name != controlPlane?.name } ?? interBroker
    }

    init(_ spec: KafkaClusterSpec) {
        let configured = spec.listenersConfig?.internalListeners ?? []
        let internalListeners =
            configured.isEmpty
            ? [InternalListener(name: "internal", type: "plaintext", containerPort: 9092)] : configured
        let internals = internalListeners.map {
            Listener(
                name: $0.name, type: $0.type, port: $0.containerPort, external: false,
                sslClientAuth: $0.sslClientAuth.flatMap { $0.isEmpty ? nil : $0 },
                certificateSecret: $0.serverCertificateSecret)
        }
        let externals = (spec.listenersConfig?.externalListeners ?? []).map {
            Listener(
                name: $0.name, type: $0.type, port: $0.containerPort, external: true,
                certificateSecret: $0.serverCertificateSecret)
        }
        all = internals + externals
        // `internals` is never empty: a default listener stands in when the spec has none.
        let innerIndex = internalListeners.firstIndex { $0.usedForInnerBrokerCommunication == true } ?? 0
        interBroker = internals[innerIndex]
        controlPlane = internalListeners.firstIndex { $0.usedForControllerCommunication == true }.map {
            internals[$0]
        }
    }

    /// A port name for `listener`: an IANA service name (at most 15 characters, lower-case
    /// letters, digits and single dashes), unique among the pod's ports.
    static func portNames(_ listeners: [Listener]) -> [String] {
        var taken: Set<String> = []
        return listeners.enumerated().map { index, listener in
            var base = ""
            for character in "tcp-" + listener.name.lowercased() {
                if character.isASCII && (character.isLetter || character.isNumber) {
                    base.append(character)
                } else if base.last != "-" {
                    base.append("-")
                }
            }
            var name = String(base.prefix(15))
            while name.hasSuffix("-") { name.removeLast() }
            if taken.contains(name) || name.isEmpty {
                let suffix = "-\(index)"
                name = String(name.prefix(15 - suffix.count))
                while name.hasSuffix("-") { name.removeLast() }
                name += suffix
            }
            taken.insert(name)
            return name
        }
    }
}
