/// The int8 enumerations of the ACL messages: resource type, pattern type, operation and
/// permission type.
///
/// A code travels as it came, so a broker sees a code it does not define and refuses it with
/// its own error, as Kafka does (its `fromCode` reads such codes as UNKNOWN). Code 0, UNKNOWN
/// itself, is never on the wire: Kafka refuses to build or to parse an ACL message holding it.
public protocol AclCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible
where RawValue == Int8 {
    init(rawValue: Int8)
    /// Kafka's names, indexed by code from 0 (UNKNOWN).
    static var kafkaNames: [String] { get }
}

extension AclCode {
    /// Kafka's name for the code: UNKNOWN for one it does not define.
    public var description: String { isUnknown ? Self.kafkaNames[0] : Self.kafkaNames[Int(rawValue)] }

    /// Whether Kafka reads the code as UNKNOWN: 0, or a code it does not define.
    public var isUnknown: Bool { rawValue <= 0 || Int(rawValue) >= Self.kafkaNames.count }
}

extension WireReader {
    /// An ACL code; UNKNOWN (0) is refused as Kafka's parser refuses it.
    mutating func readAclCode<Code: AclCode>(_ field: String) throws -> Code {
        let raw = try readInt8(field)
        guard raw != 0 else { throw KafkaCodecError.invalidValue(field: field, value: 0) }
        return Code(rawValue: raw)
    }
}

extension WireWriter {
    /// An ACL code; UNKNOWN (0) is refused as Kafka refuses to build a message holding it.
    mutating func writeAclCode<Code: AclCode>(_ code: Code, field: String) throws {
        guard code.rawValue != 0 else { throw KafkaCodecError.invalidValue(field: field, value: 0) }
        writeInt8(code.rawValue)
    }
}
