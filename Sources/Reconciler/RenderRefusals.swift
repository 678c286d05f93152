import ClusterModel
import Kubernetes

/// A part of a KafkaCluster the operator cannot render yet, named by its field path, e.g.
/// `spec.listenersConfig.externalListeners[0]`. Rendering it anyway would give brokers that do
/// not start, or that silently behave other than the spec says.
public struct RenderRefusal: Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// Lists what in a cluster spec the operator refuses to render. Pure: the reconciler reports
/// each refusal (a Warning Event, a status reason) and creates or replaces no broker pod while
/// any stands. `ClusterValidator` catches specs that are wrong; this catches specs that are
/// right but ask for what is not built yet.
public enum RenderRefusals {
    public static func check(_ cluster: KafkaCluster) -> [RenderRefusal] {
        var refusals: [RenderRefusal] = []
        func refuse(_ path: String, _ reason: String) {
            refusals.append(RenderRefusal(path: path, reason: reason))
        }
        let spec = cluster.spec
        let listenersPath = "spec.listenersConfig"

        for (index, listener) in (spec.listenersConfig?.internalListeners ?? []).enumerated() {
            checkType(
                spec, name: listener.name, type: listener.type,
                path: "\(listenersPath).internalListeners[\(index)].type", refuse)
        }
        checkExternal(spec, refuse)
        let clientFacing = BrokerListeners(spec).clientFacing
        if clientFacing.certificateSecret != nil && spec.clientCertificateSecret == nil {
            refuse(
                "spec.clientSSLCertSecret",
                "the listener '\(clientFacing.name)' that the operator, Cruise Control and the metrics "
                    + "reporter reach has its own certificate: they need a client keystore its truststore "
                    + "trusts (clientSSLCertSecret)")
        }
        if spec.rackAwareness != nil {
            refuse("spec.rackAwareness", "broker.rack from node labels is not set yet")
        }

        if spec.usesKRaft {
            checkKRaft(spec, refuse)
        } else if spec.zkAddresses?.isEmpty ?? true,
            spec.brokers.contains(where: { spec.readOnlyProperties(of: $0)["zookeeper.connect"] == nil })
        {
            refuse("spec.zkAddresses", "ZooKeeper mode needs ZooKeeper addresses (or kRaft: true)")
        }

        checkPorts(spec, refuse)
        checkPassThrough(spec, refuse)
        return refusals
    }

    /// A listener's type: plaintext and ssl (certificates from the cluster CA) are rendered;
    /// a SASL one needs its JAAS configuration in every broker's configuration.
    private static func checkType(
        _ spec: KafkaClusterSpec, name: String, type: String, path: String, _ refuse: (String, String) -> Void
    ) {
        switch type.lowercased() {
        case "plaintext", "ssl": break
        case "sasl_plaintext", "sasl_ssl":
            let unconfigured = spec.brokers.filter { !hasJAASConfig(spec, $0, listener: name) }
            if !unconfigured.isEmpty {
                refuse(
                    path,
                    "a SASL listener needs a JAAS configuration (listener.name.\(name.lowercased())."
                        + "<mechanism>.sasl.jaas.config) in the broker configuration; brokers "
                        + unconfigured.map { String($0.id) }.joined(separator: ", ") + " have none")
            }
        default:
            refuse(path, "'\(type)' is not a listener type (plaintext, ssl, sasl_plaintext, sasl_ssl)")
        }
    }

    private static func checkKRaft(_ spec: KafkaClusterSpec, _ refuse: (String, String) -> Void) {
        let internals = spec.listenersConfig?.internalListeners ?? []
        let controllers = internals.filter { $0.usedForControllerCommunication == true }
        if controllers.count != 1 {
            refuse(
                "spec.listenersConfig.internalListeners",
                "KRaft needs exactly one internal listener with usedForControllerCommunication, not \(controllers.count)"
            )
        } else if controllers[0].usedForInnerBrokerCommunication == true {
            refuse(
                "spec.listenersConfig.internalListeners",
                "the controller listener '\(controllers[0].name)' cannot also carry inter-broker traffic")
        }
        var hasController = false
        for (index, broker) in spec.brokers.enumerated() {
            let roles = spec.effectiveConfig(of: broker).processRoles ?? []
            let path = "spec.brokers[\(index)].brokerConfig.processRoles"
            if roles.isEmpty {
                refuse(path, "KRaft needs the roles of node \(broker.id): broker, controller or both")
            }
            for role in roles where role != "broker" && role != "controller" {
                refuse(path, "'\(role)' is not a KRaft role (broker, controller)")
            }
            hasController = hasController || roles.contains("controller")
        }
        if !hasController && !spec.brokers.isEmpty {
            refuse("spec.brokers", "KRaft needs at least one node with the controller role")
        }
    }

    /// External listeners are rendered when carried by Envoy behind a LoadBalancer, plaintext,
    /// with every broker's external port a port and distinct from Envoy's own.
    private static func checkExternal(_ spec: KafkaClusterSpec, _ refuse: (String, String) -> Void) {
        let envoy = spec.envoyConfig ?? EnvoyConfig()
        if let budget = envoy.disruptionBudget, budget.create == true,
            !ExternalAccess.envoyListeners(spec).isEmpty
        {
            if budget.parsedBudget == nil {
                refuse(
                    "spec.envoyConfig.disruptionBudget.budget",
                    "'\(budget.budget ?? "")' is neither a count of pods nor a percentage")
            }
            if let strategy = budget.strategy, strategy != "minAvailable", strategy != "maxUnavailable" {
                refuse(
                    "spec.envoyConfig.disruptionBudget.strategy",
                    "'\(strategy)' is not a strategy (minAvailable, maxUnavailable)")
            }
        }
        for (index, listener) in (spec.listenersConfig?.externalListeners ?? []).enumerated() {
            let path = "spec.listenersConfig.externalListeners[\(index)]"
            if listener.effectiveAccessMethod == "NodePort" {
                checkNodePort(spec, listener, path: path, refuse)
                continue
            }
            if listener.effectiveAccessMethod != "LoadBalancer" {
                refuse(
                    "\(path).accessMethod",
                    "'\(listener.effectiveAccessMethod)' is not an access method (LoadBalancer, NodePort)")
                continue
            }
            if spec.effectiveIngressController != "envoy" {
                refuse(
                    path,
                    "the \(spec.effectiveIngressController) ingress controller is not rendered yet (envoy is)"
                )
                continue
            }
            if listener.config != nil {
                refuse("\(path).config", "per-listener ingress configurations are not rendered yet")
                continue
            }
            checkType(spec, name: listener.name, type: listener.type, path: "\(path).type", refuse)
            guard let start = listener.externalStartingPort, start > 0 else {
                refuse("\(path).externalStartingPort", "an Envoy listener needs a starting port above 0")
                continue
            }
            let envoyPorts = [
                listener.effectiveIngressControllerTargetPort, Int(envoy.effectiveAdminPort),
                Int(envoy.effectiveHealthCheckPort),
            ]
            if Set(envoyPorts).count != envoyPorts.count {
                refuse(path, "Envoy's any-cast, admin and health ports must differ: \(envoyPorts)")
            }
            for broker in spec.brokers {
                let port = listener.externalPort(of: broker.id)
                if !(1...65535).contains(port) {
                    refuse(
                        "\(path).externalStartingPort",
                        "broker \(broker.id) would get port \(port), not a port")
                } else if envoyPorts.contains(port) || port == listener.effectiveAnyCastPort {
                    refuse(
                        "\(path).externalStartingPort",
                        "broker \(broker.id)'s port \(port) is also Envoy's any-cast, admin or health port")
                }
            }
        }
    }

    /// A NodePort listener's node ports must be ports, and a broker's `nodePortExternalIP` an
    /// address; node ports Kubernetes picks and node addresses are read back each pass.
    private static func checkNodePort(
        _ spec: KafkaClusterSpec, _ listener: ExternalListener, path: String,
        _ refuse: (String, String) -> Void
    ) {
        checkType(spec, name: listener.name, type: listener.type, path: "\(path).type", refuse)
        if let start = listener.externalStartingPort, start > 0 {
            for broker in spec.brokers {
                let port = listener.externalPort(of: broker.id)
                if !(1...65535).contains(port) {
                    refuse(
                        "\(path).externalStartingPort",
                        "broker \(broker.id) would get node port \(port), not a port")
                }
            }
        }
        for (index, broker) in spec.brokers.enumerated() {
            let config = spec.effectiveConfig(of: broker)
            let ip = config.nodePortExternalIP?[listener.name] ?? ""
            let hostCharacters = ip.allSatisfy {
                $0.isASCII && ($0.isLetter || $0.isNumber || ".-:".contains($0))
            }
            if !ip.isEmpty && !hostCharacters {
                refuse(
                    "spec.brokers[\(index)].brokerConfig.nodePortExternalIP.\(listener.name)",
                    "'\(ip)' is not an address a client can connect to")
            }
            if let type = config.nodePortNodeAddressType, !type.isEmpty,
                !NodePortAssignments.defaultAddressTypes.contains(type)
            {
                refuse(
                    "spec.brokers[\(index)].brokerConfig.nodePortNodeAddressType",
                    "'\(type)' is not a node address type: "
                        + NodePortAssignments.defaultAddressTypes.joined(separator: ", "))
            }
        }
    }

    /// Every port of a broker pod must be distinct; the metrics port is the JMX exporter's.
    private static func checkPorts(_ spec: KafkaClusterSpec, _ refuse: (String, String) -> Void) {
        let listenerPorts =
            (spec.listenersConfig?.internalListeners ?? []).map(\.containerPort)
            + (spec.listenersConfig?.externalListeners ?? []).map(\.containerPort)
        if listenerPorts.contains(Int(ResourceConventions.metricsPort)) {
            refuse(
                "spec.listenersConfig",
                "port \(ResourceConventions.metricsPort) is the JMX exporter's metrics port on every broker")
        }
        let extra = PassThrough.decode(spec.additionalPorts, as: ContainerPort.self).items
        var taken = Set(listenerPorts + [Int(ResourceConventions.metricsPort)])
        for (index, port) in extra.enumerated() where !taken.insert(Int(port.containerPort)).inserted {
            refuse(
                "spec.additionalPorts[\(index)].containerPort", "port \(port.containerPort) is already used")
        }
    }

    /// Kubernetes objects kept as written must fit the operator's pod types whole.
    private static func checkPassThrough(_ spec: KafkaClusterSpec, _ refuse: (String, String) -> Void) {
        func check(_ config: BrokerConfig?, at path: String) {
            guard let config else { return }
            let parts: [(String, [PassThrough.Loss])] = [
                ("initContainers", PassThrough.decode(config.initContainers, as: Container.self).losses),
                ("containers", PassThrough.decode(config.containers, as: Container.self).losses),
                ("volumes", PassThrough.decode(config.volumes, as: Volume.self).losses),
                ("volumeMounts", PassThrough.decode(config.volumeMounts, as: VolumeMount.self).losses),
            ]
            for (field, losses) in parts {
                for loss in losses {
                    refuse("\(path).\(field)\(loss.path)", "this field is not rendered yet")
                }
            }
        }
        for name in (spec.brokerConfigGroups ?? [:]).keys.sorted() {
            check(spec.brokerConfigGroups?[name], at: "spec.brokerConfigGroups.\(name)")
        }
        for (index, broker) in spec.brokers.enumerated() {
            check(broker.brokerConfig, at: "spec.brokers[\(index)].brokerConfig")
        }
        for loss in PassThrough.decode(spec.additionalPorts, as: ContainerPort.self).losses {
            refuse("spec.additionalPorts\(loss.path)", "this field is not rendered yet")
        }
        if let cruiseControl = spec.cruiseControlConfig, !cruiseControl.runsElsewhere {
            let parts: [(String, [PassThrough.Loss])] = [
                (
                    "initContainers",
                    PassThrough.decode(cruiseControl.initContainers, as: Container.self).losses
                ),
                ("volumes", PassThrough.decode(cruiseControl.volumes, as: Volume.self).losses),
                ("volumeMounts", PassThrough.decode(cruiseControl.volumeMounts, as: VolumeMount.self).losses),
            ]
            for (field, losses) in parts {
                for loss in losses {
                    refuse("spec.cruiseControlConfig.\(field)\(loss.path)", "this field is not rendered yet")
                }
            }
        }
    }

    /// A JAAS configuration for `listener` in the broker's configuration, listener-scoped or global.
    private static func hasJAASConfig(_ spec: KafkaClusterSpec, _ broker: Broker, listener: String) -> Bool {
        let properties = spec.userProperties(of: broker)
        let scoped = "listener.name.\(listener.lowercased())."
        return properties.keys.contains {
            $0 == "sasl.jaas.config" || ($0.hasPrefix(scoped) && $0.hasSuffix(".sasl.jaas.config"))
        }
    }
}
