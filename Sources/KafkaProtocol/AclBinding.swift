/// One ACL (Kafka's `AclBinding`): the resources it covers (type, name, pattern type) and who
/// (principal, host) is allowed or denied (permission) which operation on them.
///
/// Flat, as CreateAcls and DeleteAcls carry it. A principal is `Type:name` (`User:alice`);
/// host `*` is every host.
public struct AclBinding: Hashable, Sendable, Codable, CustomStringConvertible {
    public var resourceType: AclResourceType
    public var resourceName: String
    public var patternType: AclPatternType
    public var principal: String
    public var host: String
    public var operation: AclOperation
    public var permission: AclPermissionType

    public init(
        resourceType: AclResourceType, resourceName: String, patternType: AclPatternType = .literal,
        principal: String, host: String = "*", operation: AclOperation, permission: AclPermissionType = .allow
    ) {
        self.resourceType = resourceType
        self.resourceName = resourceName
        self.patternType = patternType
        self.principal = principal
        self.host = host
        self.operation = operation
        self.permission = permission
    }

    /// Equal when every string has the same bytes, as Kafka (Java) compares them: Swift's
    /// `String ==` would also equate Unicode-equivalent spellings that Kafka keeps apart.
    public static func == (lhs: AclBinding, rhs: AclBinding) -> Bool {
        lhs.resourceType == rhs.resourceType && lhs.patternType == rhs.patternType
            && lhs.operation == rhs.operation && lhs.permission == rhs.permission
            && lhs.resourceName.hasSameBytes(as: rhs.resourceName)
            && lhs.principal.hasSameBytes(as: rhs.principal)
            && lhs.host.hasSameBytes(as: rhs.host)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(resourceType)
        hasher.combine(patternType)
        hasher.combine(operation)
        hasher.combine(permission)
        hasher.combine(Array(resourceName.utf8))
        hasher.combine(Array(principal.utf8))
        hasher.combine(Array(host.utf8))
    }

    /// "ALLOW User:alice READ on TOPIC orders (LITERAL) from *", for messages.
    public var description: String {
        "\(permission) \(principal) \(operation) on \(resourceType) \(resourceName) (\(patternType)) from \(host)"
    }

    /// The seven fields in the order CreateAcls and DeleteAcls' matching ACLs carry them;
    /// `field` prefixes the field names in errors ("creations.").
    func write(into writer: inout WireWriter, flexible: Bool, field: String) throws {
        try writer.writeAclCode(resourceType, field: "\(field)resource_type")
        try writer.writeString(resourceName, flexible: flexible, field: "\(field)resource_name")
        try writer.writeAclCode(patternType, field: "\(field)pattern_type")
        try writer.writeString(principal, flexible: flexible, field: "\(field)principal")
        try writer.writeString(host, flexible: flexible, field: "\(field)host")
        try writer.writeAclCode(operation, field: "\(field)operation")
        try writer.writeAclCode(permission, field: "\(field)permission_type")
    }

    init(from reader: inout WireReader, flexible: Bool, field: String) throws {
        resourceType = try reader.readAclCode("\(field)resource_type")
        resourceName = try reader.readString("\(field)resource_name", flexible: flexible)
        patternType = try reader.readAclCode("\(field)pattern_type")
        principal = try reader.readString("\(field)principal", flexible: flexible)
        host = try reader.readString("\(field)host", flexible: flexible)
        operation = try reader.readAclCode("\(field)operation")
        permission = try reader.readAclCode("\(field)permission_type")
    }

    /// The fewest bytes the seven fields take: four codes and three empty strings.
    static func minimumSize(flexible: Bool) -> Int { flexible ? 7 : 10 }
}

extension String {
    /// Java's `equals`: the same UTF-8 bytes, not merely Unicode-equivalent text.
    func hasSameBytes(as other: String) -> Bool { utf8.elementsEqual(other.utf8) }
}

extension String? {
    /// Both nil, or both the same bytes.
    func hasSameBytes(as other: String?) -> Bool {
        switch (self, other) {
        case (nil, nil): return true
        case (let left?, let right?): return left.hasSameBytes(as: right)
        default: return false
        }
    }
}
