/// Whether the broker accepts the mechanism, and which mechanisms it has.
public struct SaslHandshakeResponse: KafkaResponse, Equatable {
    public var errorCode: Int16
    public var mechanisms: [String]

    public init(errorCode: Int16, mechanisms: [String]) {
        self.errorCode = errorCode
        self.mechanisms = mechanisms
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        errorCode = try reader.readInt16("error_code")
        mechanisms = try reader.readArray("mechanisms", flexible: false, minimumElementSize: 2) {
            try $0.readString("mechanisms", flexible: false)
        }
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        writer.writeInt16(errorCode)
        try writer.writeStringArray(mechanisms, flexible: false, field: "mechanisms")
    }
}
