/// The outcome per resource of an AlterConfigs request.
public struct AlterConfigsResponse: KafkaResponse, Equatable {
    public typealias Result = ConfigResourceResult

    public var throttleTimeMs: Int32
    public var results: [Result]

    public init(throttleTimeMs: Int32 = 0, results: [Result]) {
        self.throttleTimeMs = throttleTimeMs
        self.results = results
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        (throttleTimeMs, results) = try Result.readResponse(
            &reader, flexible: AlterConfigsRequest.isFlexible(version), name: "AlterConfigsResponse")
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        try Result.writeResponse(
            throttleTimeMs: throttleTimeMs, results, into: &writer,
            flexible: AlterConfigsRequest.isFlexible(version))
    }
}
