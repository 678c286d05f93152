/// How an ACL's resource name is matched (Kafka's `PatternType`): LITERAL names one resource
/// (or every one, as `*`), PREFIXED every resource whose name starts with it. ANY and MATCH
/// exist only in filters.
public struct AclPatternType: AclCode {
    public let rawValue: Int8

    public init(rawValue: Int8) { self.rawValue = rawValue }

    public static let unknown = Self(rawValue: 0)
    /// Filters only: bindings of any pattern type whose name equals the filter's.
    public static let any = Self(rawValue: 1)
    /// Filters only: bindings that would apply to a resource of the filter's name (its literal
    /// binding, the wildcard `*` and every prefix of it).
    public static let match = Self(rawValue: 2)
    public static let literal = Self(rawValue: 3)
    public static let prefixed = Self(rawValue: 4)

    public static let kafkaNames = ["UNKNOWN", "ANY", "MATCH", "LITERAL", "PREFIXED"]
}
