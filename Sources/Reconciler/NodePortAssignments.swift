import ClusterModel
import Kubernetes

/// What Kubernetes decided that a NodePort listener's brokers advertise, read each pass: the
/// node ports the API server chose (`externalStartingPort: 0`), the node each broker runs on,
/// and those nodes' addresses.
///
/// A broker advertises its node's address only once its pod is scheduled, so a new broker's
/// first pod starts with its in-cluster address on that listener and is restarted once, health
/// gated, with its node's (as in Koperator). While no pod of the broker exists (between a
/// restart's delete and the new pod's scheduling) the node its ConfigMap names is kept, so a
/// pass in between does not rewrite the address.
public struct NodePortAssignments: Equatable, Sendable {
    /// Node port by Service name (`C-N-L`), for ports the API server assigned.
    public var nodePorts: [String: Int32] = [:]
    /// The node each broker runs on, or last ran on.
    public var brokerNodes: [Int32: String] = [:]
    /// Each such node's addresses by type.
    public var nodeAddresses: [String: [String: String]] = [:]

    public init(
        nodePorts: [String: Int32] = [:], brokerNodes: [Int32: String] = [:],
        nodeAddresses: [String: [String: String]] = [:]
    ) {
        self.nodePorts = nodePorts
        self.brokerNodes = brokerNodes
        self.nodeAddresses = nodeAddresses
    }

    /// The node addresses a broker without `nodePortNodeAddressType` advertises, in order of
    /// preference: one a client outside the cluster can reach first.
    public static let defaultAddressTypes = [
        "ExternalIP", "ExternalDNS", "InternalIP", "InternalDNS", "Hostname",
    ]

    /// On the broker's ConfigMap: the node whose address it advertises.
    public static let nodeAnnotation = "kafka-operator.io/advertised-node"

    /// What `actual` says: node ports from the NodePort Services, nodes from the brokers' pods
    /// (else their ConfigMaps' annotation). Node addresses are read separately (`nodeNames`).
    public init(_ actual: ActualState, cluster: String, spec: KafkaClusterSpec) {
        for listener in ExternalAccess.nodePortListeners(spec) {
            for broker in spec.brokers {
                let name = ResourceConventions.nodePortServiceName(
                    cluster: cluster, broker: broker.id, listener: listener.name)
                let port = actual[Kubernetes.Service.self].first { $0.name == name }?.spec?.ports?
                    .first { $0.name == "broker-\(broker.id)" }?.nodePort
                if let port { nodePorts[name] = port }
            }
        }
        for configMap in actual[ConfigMap.self] {
            guard let id = configMap.metadata.labels?[ResourceConventions.brokerLabel].flatMap({ Int32($0) }),
                let node = configMap.metadata.annotations?[Self.nodeAnnotation], !node.isEmpty
            else { continue }
            brokerNodes[id] = node
        }
        for pod in actual[Pod.self] where pod.metadata.deletionTimestamp == nil {
            guard let id = pod.metadata.labels?[ResourceConventions.brokerLabel].flatMap({ Int32($0) }),
                let node = pod.spec?.nodeName, !node.isEmpty
            else { continue }
            brokerNodes[id] = node
        }
    }

    /// The nodes whose addresses some broker of `spec` advertises: those to read.
    public func nodeNames(_ spec: KafkaClusterSpec) -> Set<String> {
        let needing = Set(
            ExternalAccess.nodePortListeners(spec).flatMap { listener in
                spec.brokers.filter {
                    ExternalAccess.advertisesNodeAddress(spec, listener: listener, broker: $0)
                }
                .map(\.id)
            })
        return Set(needing.compactMap { brokerNodes[$0] })
    }

    /// The address of `type` (nil: the default order) of the node broker `id` runs on.
    func nodeAddress(broker id: Int32, type: String?) -> String? {
        guard let node = brokerNodes[id], let addresses = nodeAddresses[node] else { return nil }
        if let type, !type.isEmpty { return addresses[type] }
        return Self.defaultAddressTypes.lazy.compactMap { addresses[$0] }.first
    }
}
