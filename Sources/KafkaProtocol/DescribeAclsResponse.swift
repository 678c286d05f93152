/// The ACLs matching a DescribeAcls filter, grouped by resource pattern, or the error that
/// refused the whole request.
public struct DescribeAclsResponse: KafkaResponse, Equatable {
    /// One resource pattern and the ACLs on it.
    public struct Resource: Sendable, Equatable {
        public var resourceType: AclResourceType
        public var resourceName: String
        public var patternType: AclPatternType
        public var acls: [Description]

        public init(
            resourceType: AclResourceType, resourceName: String, patternType: AclPatternType,
            acls: [Description]
        ) {
            self.resourceType = resourceType
            self.resourceName = resourceName
            self.patternType = patternType
            self.acls = acls
        }
    }

    /// Who may or may not do what on the enclosing resource pattern.
    public struct Description: Sendable, Equatable {
        public var principal: String
        public var host: String
        public var operation: AclOperation
        public var permission: AclPermissionType

        public init(principal: String, host: String, operation: AclOperation, permission: AclPermissionType) {
            self.principal = principal
            self.host = host
            self.operation = operation
            self.permission = permission
        }
    }

    public var throttleTimeMs: Int32
    public var errorCode: Int16
    public var errorMessage: String?
    public var resources: [Resource]

    public init(
        throttleTimeMs: Int32 = 0, errorCode: Int16 = 0, errorMessage: String? = nil, resources: [Resource]
    ) {
        self.throttleTimeMs = throttleTimeMs
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.resources = resources
    }

    /// A success listing `bindings`, grouped by resource pattern in the order each pattern
    /// first appears.
    public init(bindings: [AclBinding]) {
        var resources: [Resource] = []
        var index: [AclBindingFilter: Int] = [:]
        for binding in bindings {
            let pattern = AclBindingFilter(
                resourceType: binding.resourceType, resourceName: binding.resourceName,
                patternType: binding.patternType)
            let description = Description(
                principal: binding.principal, host: binding.host, operation: binding.operation,
                permission: binding.permission)
            if let at = index[pattern] {
                resources[at].acls.append(description)
            } else {
                index[pattern] = resources.count
                resources.append(
                    Resource(
                        resourceType: binding.resourceType, resourceName: binding.resourceName,
                        patternType: binding.patternType, acls: [description]))
            }
        }
        self.init(resources: resources)
    }

    /// Every ACL of the answer, one binding each.
    public var bindings: [AclBinding] {
        resources.flatMap { resource in
            resource.acls.map {
                AclBinding(
                    resourceType: resource.resourceType, resourceName: resource.resourceName,
                    patternType: resource.patternType, principal: $0.principal, host: $0.host,
                    operation: $0.operation, permission: $0.permission)
            }
        }
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = DescribeAclsRequest.isFlexible(version)
        throttleTimeMs = try reader.readInt32("throttle_time_ms")
        errorCode = try reader.readInt16("error_code")
        errorMessage = try reader.readNullableString("error_message", flexible: flexible)
        resources = try reader.readArray("resources", flexible: flexible, minimumElementSize: 4) { reader in
            let resourceType: AclResourceType = try reader.readAclCode("resources.resource_type")
            let resourceName = try reader.readString("resources.resource_name", flexible: flexible)
            let patternType: AclPatternType = try reader.readAclCode("resources.pattern_type")
            let acls = try reader.readArray(
                "resources.acls", flexible: flexible, minimumElementSize: flexible ? 5 : 6
            ) { reader in
                let description = Description(
                    principal: try reader.readString("acls.principal", flexible: flexible),
                    host: try reader.readString("acls.host", flexible: flexible),
                    operation: try reader.readAclCode("acls.operation"),
                    permission: try reader.readAclCode("acls.permission_type"))
                try reader.endStructure("acls", flexible: flexible)
                return description
            }
            try reader.endStructure("resources", flexible: flexible)
            return Resource(
                resourceType: resourceType, resourceName: resourceName, patternType: patternType, acls: acls)
        }
        try reader.endStructure("DescribeAclsResponse", flexible: flexible)
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = DescribeAclsRequest.isFlexible(version)
        writer.writeInt32(throttleTimeMs)
        writer.writeInt16(errorCode)
        try writer.writeNullableString(errorMessage, flexible: flexible, field: "error_message")
        try writer.writeArray(resources, flexible: flexible) { writer, resource in
            try writer.writeAclCode(resource.resourceType, field: "resources.resource_type")
            try writer.writeString(
                resource.resourceName, flexible: flexible, field: "resources.resource_name")
            try writer.writeAclCode(resource.patternType, field: "resources.pattern_type")
            try writer.writeArray(resource.acls, flexible: flexible) { writer, acl in
                try writer.writeString(acl.principal, flexible: flexible, field: "acls.principal")
                try writer.writeString(acl.host, flexible: flexible, field: "acls.host")
                try writer.writeAclCode(acl.operation, field: "acls.operation")
                try writer.writeAclCode(acl.permission, field: "acls.permission_type")
                writer.endStructure(flexible: flexible)
            }
            writer.endStructure(flexible: flexible)
        }
        writer.endStructure(flexible: flexible)
    }
}
