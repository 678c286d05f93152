/// The response header: v0 is the correlation id alone, v1 adds tagged fields.
public struct ResponseHeader: Sendable, Equatable {
    public var correlationId: Int32

    public init(correlationId: Int32) { self.correlationId = correlationId }

    public init(from reader: inout WireReader, flexible: Bool) throws {
        correlationId = try reader.readInt32("correlation_id")
        try reader.endStructure("response header", flexible: flexible)
    }

    public func encode(into writer: inout WireWriter, flexible: Bool) {
        writer.writeInt32(correlationId)
        if flexible { writer.writeEmptyTaggedFields() }
    }
}
