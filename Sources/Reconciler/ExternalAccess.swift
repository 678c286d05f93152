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
/// (`NodePortServices`) on node port `externalStartingPort + id`. Its brokers advertise
/// `C-<id>-<listener>.<namespace><hostnameOverride>` on that port, or, with the broker's
/// `nodePortExternalIP[listener]`, that IP on the listener's container port (the Service's
/// external IP receives on the Service port), as Koperator does.
public enum ExternalAccess {
    /// The external listeners exposed through per-broker NodePort Services.
    public static func nodePortListeners(_ spec: KafkaClusterSpec) -> [ExternalListener] {
        (spec.listenersConfig?.externalListeners ?? []).filter { $0.effectiveAccessMethod == "NodePort" }
    }

    /// `host:port` broker `broker` advertises on NodePort listener `listener`; nil when the spec
    /// gives neither `hostnameOverride` nor the broker's `nodePortExternalIP` for it (the node's
    /// own address is not read).
    public static func nodePortAddress(
        _ spec: KafkaClusterSpec, listener: ExternalListener, broker: Broker, cluster: String,
        namespace: String
    ) -> String? {
        if let ip = spec.effectiveConfig(of: broker).nodePortExternalIP?[listener.name], !ip.isEmpty {
            return "\(ip):\(listener.containerPort)"
        }
        guard let suffix = listener.hostnameOverride, !suffix.isEmpty else { return nil }
        return
            "\(cluster)-\(broker.id)-\(listener.name).\(namespace)\(suffix):\(listener.externalPort(of: broker.id))"
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
        _ spec: KafkaClusterSpec, hosts: [String: String], cluster: String, namespace: String
    )
        -> [String: [ListenerStatus]]?
    {
        var statuses: [String: [ListenerStatus]] = [:]
        for listener in nodePortListeners(spec) {
            let brokers = spec.brokers.sorted { $0.id < $1.id }.compactMap { broker in
                nodePortAddress(
                    spec, listener: listener, broker: broker, cluster: cluster, namespace: namespace
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
