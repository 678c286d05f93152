/// Whether an ACL allows or denies its operation (Kafka's `AclPermissionType`); ANY exists
/// only in filters.
public struct AclPermissionType: AclCode {
    public let rawValue: Int8

    public init(rawValue: Int8) { self.rawValue = rawValue }

    public static let unknown = Self(rawValue: 0)
    /// Filters only: both permissions.
    public static let any = Self(rawValue: 1)
    public static let deny = Self(rawValue: 2)
    public static let allow = Self(rawValue: 3)

    public static let kafkaNames = ["UNKNOWN", "ANY", "DENY", "ALLOW"]
}
