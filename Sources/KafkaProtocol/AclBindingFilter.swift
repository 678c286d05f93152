/// Which ACLs DescribeAcls lists and DeleteAcls removes (Kafka's `AclBindingFilter`): nil
/// names, principals and hosts match any; `.any` codes match every code, and pattern type
/// `.match` matches every binding that applies to a resource of the given name.
public struct AclBindingFilter: Hashable, Sendable, Codable, CustomStringConvertible {
    public var resourceType: AclResourceType
    public var resourceName: String?
    public var patternType: AclPatternType
    public var principal: String?
    public var host: String?
    public var operation: AclOperation
    public var permission: AclPermissionType

    /// Every field defaults to "any": `AclBindingFilter()` matches every ACL.
    public init(
        resourceType: AclResourceType = .any, resourceName: String? = nil, patternType: AclPatternType = .any,
        principal: String? = nil, host: String? = nil, operation: AclOperation = .any,
        permission: AclPermissionType = .any
    ) {
        self.resourceType = resourceType
        self.resourceName = resourceName
        self.patternType = patternType
        self.principal = principal
        self.host = host
        self.operation = operation
        self.permission = permission
    }

    /// The filter that matches `binding` and nothing else.
    public init(exactly binding: AclBinding) {
        self.init(
            resourceType: binding.resourceType, resourceName: binding.resourceName,
            patternType: binding.patternType, principal: binding.principal, host: binding.host,
            operation: binding.operation, permission: binding.permission)
    }

    /// Every ACL.
    public static let any = AclBindingFilter()

    /// Equal when every string has the same bytes, as Kafka (Java) compares them.
    public static func == (lhs: AclBindingFilter, rhs: AclBindingFilter) -> Bool {
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
        hasher.combine(resourceName.map { Array($0.utf8) })
        hasher.combine(principal.map { Array($0.utf8) })
        hasher.combine(host.map { Array($0.utf8) })
    }

    public var description: String {
        let name = resourceName ?? "<any>"
        let who = principal ?? "<any>"
        return
            "\(permission) \(who) \(operation) on \(resourceType) \(name) (\(patternType)) from \(host ?? "<any>")"
    }

    /// The seven fields in the order DescribeAcls and DeleteAcls carry them.
    func write(into writer: inout WireWriter, flexible: Bool, field: String) throws {
        try writer.writeAclCode(resourceType, field: "\(field)resource_type_filter")
        try writer.writeNullableString(
            resourceName, flexible: flexible, field: "\(field)resource_name_filter")
        try writer.writeAclCode(patternType, field: "\(field)pattern_type_filter")
        try writer.writeNullableString(principal, flexible: flexible, field: "\(field)principal_filter")
        try writer.writeNullableString(host, flexible: flexible, field: "\(field)host_filter")
        try writer.writeAclCode(operation, field: "\(field)operation")
        try writer.writeAclCode(permission, field: "\(field)permission_type")
    }

    /// `field` prefixes the field names in errors ("filters." inside DeleteAcls).
    init(from reader: inout WireReader, flexible: Bool, field: String) throws {
        resourceType = try reader.readAclCode("\(field)resource_type_filter")
        resourceName = try reader.readNullableString("\(field)resource_name_filter", flexible: flexible)
        patternType = try reader.readAclCode("\(field)pattern_type_filter")
        principal = try reader.readNullableString("\(field)principal_filter", flexible: flexible)
        host = try reader.readNullableString("\(field)host_filter", flexible: flexible)
        operation = try reader.readAclCode("\(field)operation")
        permission = try reader.readAclCode("\(field)permission_type")
    }
}
