/// What an ACL allows or denies (Kafka's `AclOperation`). ANY exists only in filters; ALL
/// stands for every operation.
public struct AclOperation: AclCode {
    public let rawValue: Int8

    public init(rawValue: Int8) { self.rawValue = rawValue }

    public static let unknown = Self(rawValue: 0)
    /// Filters only: every operation.
    public static let any = Self(rawValue: 1)
    public static let all = Self(rawValue: 2)
    public static let read = Self(rawValue: 3)
    public static let write = Self(rawValue: 4)
    public static let create = Self(rawValue: 5)
    public static let delete = Self(rawValue: 6)
    public static let alter = Self(rawValue: 7)
    public static let describe = Self(rawValue: 8)
    public static let clusterAction = Self(rawValue: 9)
    public static let describeConfigs = Self(rawValue: 10)
    public static let alterConfigs = Self(rawValue: 11)
    public static let idempotentWrite = Self(rawValue: 12)
    public static let createTokens = Self(rawValue: 13)
    public static let describeTokens = Self(rawValue: 14)

    public static let kafkaNames = [
        "UNKNOWN", "ANY", "ALL", "READ", "WRITE", "CREATE", "DELETE", "ALTER", "DESCRIBE", "CLUSTER_ACTION",
        "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "IDEMPOTENT_WRITE", "CREATE_TOKENS", "DESCRIBE_TOKENS",
    ]
}
