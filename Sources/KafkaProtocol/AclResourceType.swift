/// The kind of resource an ACL names (Kafka's `ResourceType`); USER needs version 3 of the
/// ACL messages on Kafka's side.
public struct AclResourceType: AclCode {
    public let rawValue: Int8

    public init(rawValue: Int8) { self.rawValue = rawValue }

    public static let unknown = Self(rawValue: 0)
    /// Filters only: every resource type.
    public static let any = Self(rawValue: 1)
    public static let topic = Self(rawValue: 2)
    public static let group = Self(rawValue: 3)
    /// The one cluster resource, always named `kafka-cluster`.
    public static let cluster = Self(rawValue: 4)
    public static let transactionalId = Self(rawValue: 5)
    public static let delegationToken = Self(rawValue: 6)
    public static let user = Self(rawValue: 7)

    public static let kafkaNames = [
        "UNKNOWN", "ANY", "TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID", "DELEGATION_TOKEN", "USER",
    ]
}
