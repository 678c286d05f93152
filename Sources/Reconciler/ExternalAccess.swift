import ClusterModel
import Kubernetes

/// Which external listeners the operator exposes and where clients outside reach them.
///
/// A listener with access method `LoadBalancer` under the `envoy` ingress controller gets an
/// Envoy behind one LoadBalancer Service (`EnvoyComponent`). Its brokers advertise the load
/// balancer's address — `hostnameOverride` when set, else the Service's
/// `status.loadBalancer.ingress` — on `externalStartingPort + id`.
///
/// A listener with access method `NodePort` gets a NodePort Service per broker
/// (`NodePortServices`) on node port `externalStartingPort + id`, or one Kubernetes picks when
/// `externalStartingPort` is 0. Its brokers advertise, as Koperator does:
/// `C-<id>-<listener>.<namespace><hostnameOverride>` on the node port; or, with the broker's
/// `nodePortExternalIP[listener]`, that IP on the listener's container port (the Service's
/// external IP receives on the Service port); or else the address of the node the broker runs
/// on (`nodePortNodeAddressType`, `NodePortAssignments`) on the node port.
public enum ExternalAccess {
    /// The external listeners exposed through per-broker NodePort Services.
    public static func nodePortListeners(_ spec: KafkaClusterSpec) -> [ExternalListener] {
        (spec.listenersConfig?.externalListeners ?? []).filter { $0.effectiveAccessMethod == "NodePort" }
    }

    /// Whether broker `broker` advertises its node's address on NodePort listener `listener`:
    /// the spec gives neither `hostnameOverride` nor the broker's `nodePortExternalIP` for it.
    public static func advertisesNodeAddress(
        _ spec: KafkaClusterSpec, listener: ExternalListener, broker: Broker
    )
        -> Bool
    {
        (listener.hostnameOverride ?? "").isEmpty
            && (spec.effectiveConfig(of: broker).nodePortExternalIP?[listener.name] ?? "").isEmpty
    }

    /// `host:port` broker `broker` advertises on NodePort listener `listener`; nil while what it
    /// needs from Kubernetes (a node port it picks, the node the broker runs on) is not known.
    public static func nodePortAddress(
        _ spec: KafkaClusterSpec, listener: ExternalListener, broker: Broker, cluster: String,
        namespace: String, assigned: NodePortAssignments = NodePortAssignments()
    ) -> String? {
        let config = spec.effectiveConfig(of: broker)
        if let ip = config.nodePortExternalIP?[listener.name], !ip.isEmpty {
            return "\(ip):\(listener.containerPort)"
        }
        let port: Int
        if (listener.externalStartingPort ?? 0) > 0 {
            port = listener.externalPort(of: broker.id)
        } else if let chosen = assigned.nodePorts[
            ResourceConventions.nodePortServiceName(
                cluster: cluster, broker: broker.id, listener: listener.name)]
        {
            port = Int(chosen)
        } else {
            return nil
        }
        if let suffix = listener.hostnameOverride, !suffix.isEmpty {
            return "\(cluster)-\(broker.id)-\(listener.name).\(namespace)\(suffix):\(port)"
        }
        guard let host = assigned.nodeAddress(broker: broker.id, type: config.nodePortNodeAddressType) else {
            return nil
        }
        return "\(host):\(port)"
    }

    /// One line per broker whose NodePort address is not known yet, saying what it waits for.
    /// Such a broker is not held: it starts advertising its in-cluster address there.
    public static func nodePortPending(
        _ spec: KafkaClusterSpec, cluster: String, namespace: String, assigned: NodePortAssignments
    ) -> [String] {
        nodePortListeners(spec).flatMap { listener in
            spec.brokers.sorted { $0.id < $1.id }.compactMap { broker -> String? in
                guard
                    nodePortAddress(
                        spec, listener: listener, broker: broker, cluster: cluster, namespace: namespace,
                        assigned: assigned) == nil
                else { return nil }
                let service = ResourceConventions.nodePortServiceName(
                    cluster: cluster, broker: broker.id, listener: listener.name)
                if (listener.externalStartingPort ?? 0) <= 0, assigned.nodePorts[service] == nil {
                    return
                        "\(listener.name): broker \(broker.id) waits for the node port of Service \(service)"
                }
                let type = spec.effectiveConfig(of: broker).nodePortNodeAddressType ?? ""
                guard let node = assigned.brokerNodes[broker.id] else {
                    return "\(listener.name): broker \(broker.id) waits for its pod to be scheduled on a node"
                }
                return "\(listener.name): broker \(broker.id) waits for "
                    + (type.isEmpty ? "an address" : "the \(type) address") + " of node \(node)"
            }
        }
    }

    /// The external listeners carried by Envoy.
    public static func envoyListeners(_ spec: KafkaClusterSpec) -> [ExternalListener] {
        guard spec.effectiveIngressController == "envoy" else { return [] }
        return (spec.listenersConfig?.externalListeners ?? []).filter {
            $0.effectiveAccessMethod == "LoadBalancer" && $0.config == nil
        }
    }

    /// The brokers an Envoy of the cluster forwards to: those the spec names and those still
    /// in the status (a leaving broker keeps its listener until its removal completes), so a
    /// broker is reachable from outside before it is advertised and until it is gone.
    public static func brokerIDs(_ cluster: KafkaCluster) -> [Int32] {
        let inStatus = (cluster.status?.brokersState ?? [:]).keys.compactMap { Int32($0) }
        return Set(cluster.spec.brokers.map(\.id) + inStatus).sorted()
    }

    /// The host each Envoy listener's brokers advertise, by listener name; a listener whose load
    /// balancer has no address yet is missing. `services` are the live Services of the cluster.
    public static func hosts(
        _ spec: KafkaClusterSpec, cluster: String, services: [Kubernetes.Service]
    ) -> [String: String] {
        var hosts: [String: String] = [:]
        for listener in envoyListeners(spec) {
            if let override = listener.hostnameOverride, !override.isEmpty {
                hosts[listener.name] = override
                continue
            }
            let name = ResourceConventions.envoyServiceName(listener: listener.name, cluster: cluster)
            hosts[listener.name] = services.first { $0.name == name }?.loadBalancerAddress
        }
        return hosts
    }

    /// `status.listenerStatuses.externalListeners`: per Envoy listener with a known host, the
    /// any-cast address and each broker's, as Koperator names them.
    public static func listenerStatuses(
        _ spec: KafkaClusterSpec, hosts: [String: String], cluster: String, namespace: String,
        assigned: NodePortAssignments = NodePortAssignments()
    )
        -> [String: [ListenerStatus]]?
    {
        var statuses: [String: [ListenerStatus]] = [:]
        for listener in nodePortListeners(spec) {
            let brokers = spec.brokers.sorted { $0.id < $1.id }.compactMap { broker in
                nodePortAddress(
                    spec, listener: listener, broker: broker, cluster: cluster, namespace: namespace,
                    assigned: assigned
                ).map {
                    ListenerStatus(name: "broker-\(broker.id)", address: $0)
                }
            }
            if !brokers.isEmpty { statuses[listener.name] = brokers }
        }
        for listener in envoyListeners(spec) {
            guard let host = hosts[listener.name] else { continue }
            statuses[listener.name] =
                [ListenerStatus(name: "any-broker", address: "\(host):\(listener.effectiveAnyCastPort)")]
                + spec.brokers.map(\.id).sorted().map {
                    ListenerStatus(name: "broker-\($0)", address: "\(host):\(listener.externalPort(of: $0))")
                }
        }
        return statuses.isEmpty ? nil : statuses
    }

    /// One `listener: reason` line per Envoy listener whose load balancer has no address yet.
    public static func pending(_ spec: KafkaClusterSpec, cluster: String, hosts: [String: String]) -> [String]
    {
        envoyListeners(spec).filter { hosts[$0.name] == nil }.map {
            "\($0.name): waiting for an address of load balancer "
                + ResourceConventions.envoyServiceName(listener: $0.name, cluster: cluster)
        }
    }
}
