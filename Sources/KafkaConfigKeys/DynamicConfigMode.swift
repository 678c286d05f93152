/// How Kafka lets a broker config key change at run time (Kafka's "dynamic update mode").
public enum DynamicConfigMode: Sendable, Equatable, Codable {
    /// Only read at start-up: changing it needs a broker restart.
    case readOnly
    /// Changeable on one broker at a time, never as a cluster-wide default.
    case perBroker
    /// Changeable as a cluster-wide default, and also per broker.
    case clusterWide
}
