import ClusterModel

/// Which cluster-wide Service a cluster wants, as Koperator decides: the headless Service
/// (`C-headless`, DNS names per pod, ready or not) when `headlessServiceEnabled`, else one
/// ClusterIP Service in front of all brokers (`C-all-broker`). Broker addresses follow it.
public enum ClusterServiceKind: Equatable, Sendable {
    case headless
    case allBroker

    public init(_ spec: KafkaClusterSpec) {
        self = spec.headlessServiceEnabled == true ? .headless : .allBroker
    }

    public func serviceName(cluster: String) -> String {
        switch self {
        case .headless: return ResourceConventions.headlessServiceName(cluster: cluster)
        case .allBroker: return ResourceConventions.allBrokerServiceName(cluster: cluster)
        }
    }
}
