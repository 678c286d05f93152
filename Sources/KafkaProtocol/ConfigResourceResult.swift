/// One resource's outcome in an AlterConfigs or IncrementalAlterConfigs response; both
/// responses are a throttle time and a list of these, with the same layout in every version.
public struct ConfigResourceResult: Sendable, Equatable {
    public var errorCode: Int16
    public var errorMessage: String?
    public var resourceType: Int8
    public var resourceName: String

    public init(errorCode: Int16, errorMessage: String?, resourceType: Int8, resourceName: String) {
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.resourceType = resourceType
        self.resourceName = resourceName
    }

    static func readResponse(_ reader: inout WireReader, flexible: Bool, name: String) throws
        -> (throttleTimeMs: Int32, results: [ConfigResourceResult])
    {
        let throttle = try reader.readInt32("throttle_time_ms")
        let results = try reader.readArray("responses", flexible: flexible, minimumElementSize: 5) { reader in
            let result = ConfigResourceResult(
                errorCode: try reader.readInt16("responses.error_code"),
                errorMessage: try reader.readNullableString("responses.error_message", flexible: flexible),
                resourceType: try reader.readInt8("responses.resource_type"),
                resourceName: try reader.readString("responses.resource_name", flexible: flexible))
            try reader.endStructure("responses", flexible: flexible)
            return result
        }
        try reader.endStructure(name, flexible: flexible)
        return (throttle, results)
    }

    static func writeResponse(
        throttleTimeMs: Int32, _ results: [ConfigResourceResult], into writer: inout WireWriter,
        flexible: Bool
    ) throws {
        writer.writeInt32(throttleTimeMs)
        try writer.writeArray(results, flexible: flexible) { writer, result in
            writer.writeInt16(result.errorCode)
            try writer.writeNullableString(
                result.errorMessage, flexible: flexible, field: "responses.error_message")
            writer.writeInt8(result.resourceType)
            try writer.writeString(result.resourceName, flexible: flexible, field: "responses.resource_name")
            writer.endStructure(flexible: flexible)
        }
        writer.endStructure(flexible: flexible)
    }
}
