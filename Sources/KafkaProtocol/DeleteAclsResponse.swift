/// What each filter of a DeleteAcls request removed, in the request's order: an error for the
/// whole filter, or the ACLs it matched, each with its own deletion error.
public struct DeleteAclsResponse: KafkaResponse, Equatable {
    public struct FilterResult: Sendable, Equatable {
        public var errorCode: Int16
        public var errorMessage: String?
        public var matchingAcls: [MatchingAcl]

        public init(errorCode: Int16 = 0, errorMessage: String? = nil, matchingAcls: [MatchingAcl] = []) {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.matchingAcls = matchingAcls
        }
    }

    /// One ACL a filter matched, and whether deleting it failed.
    public struct MatchingAcl: Sendable, Equatable {
        public var errorCode: Int16
        public var errorMessage: String?
        public var binding: AclBinding

        public init(errorCode: Int16 = 0, errorMessage: String? = nil, binding: AclBinding) {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.binding = binding
        }
    }

    public var throttleTimeMs: Int32
    public var filterResults: [FilterResult]

    public init(throttleTimeMs: Int32 = 0, filterResults: [FilterResult]) {
        self.throttleTimeMs = throttleTimeMs
        self.filterResults = filterResults
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = DeleteAclsRequest.isFlexible(version)
        throttleTimeMs = try reader.readInt32("throttle_time_ms")
        filterResults = try reader.readArray("filter_results", flexible: flexible, minimumElementSize: 4) {
            reader in
            let errorCode = try reader.readInt16("filter_results.error_code")
            let errorMessage = try reader.readNullableString(
                "filter_results.error_message", flexible: flexible)
            let matching = try reader.readArray(
                "filter_results.matching_acls", flexible: flexible,
                minimumElementSize: 3 + AclBinding.minimumSize(flexible: flexible)
            ) { reader in
                let acl = MatchingAcl(
                    errorCode: try reader.readInt16("matching_acls.error_code"),
                    errorMessage: try reader.readNullableString(
                        "matching_acls.error_message", flexible: flexible),
                    binding: try AclBinding(from: &reader, flexible: flexible, field: "matching_acls."))
                try reader.endStructure("matching_acls", flexible: flexible)
                return acl
            }
            try reader.endStructure("filter_results", flexible: flexible)
            return FilterResult(errorCode: errorCode, errorMessage: errorMessage, matchingAcls: matching)
        }
        try reader.endStructure("DeleteAclsResponse", flexible: flexible)
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = DeleteAclsRequest.isFlexible(version)
        writer.writeInt32(throttleTimeMs)
        try writer.writeArray(filterResults, flexible: flexible) { writer, result in
            writer.writeInt16(result.errorCode)
            try writer.writeNullableString(
                result.errorMessage, flexible: flexible, field: "filter_results.error_message")
            try writer.writeArray(result.matchingAcls, flexible: flexible) { writer, acl in
                writer.writeInt16(acl.errorCode)
                try writer.writeNullableString(
                    acl.errorMessage, flexible: flexible, field: "matching_acls.error_message")
                try acl.binding.write(into: &writer, flexible: flexible, field: "matching_acls.")
                writer.endStructure(flexible: flexible)
            }
            writer.endStructure(flexible: flexible)
        }
        writer.endStructure(flexible: flexible)
    }
}
