/// Why bytes could not be decoded as (or encoded into) a Kafka protocol message.
///
/// Codec errors describe the bytes, not the network: retrying the same request against the same
/// broker will usually produce the same bytes, so none of them is retryable on its own.
public enum KafkaCodecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message ended before `field` could be read.
    case truncated(field: String, needed: Int, remaining: Int)
    /// A length or count prefix was negative (other than the null marker) or larger than what remains.
    case invalidLength(field: String, length: Int)
    /// An unsigned varint ran over five bytes.
    case invalidVarint(field: String)
    /// A string field held bytes that are not UTF-8.
    case invalidUTF8(field: String)
    /// A field that may not be null was null.
    case unexpectedNull(field: String)
    /// Bytes were left over after the whole message was read.
    case trailingBytes(count: Int)
    /// A frame's size prefix announced more than the configured maximum.
    case frameTooLarge(size: Int, limit: Int)
    /// A frame's size prefix was too small to hold a header.
    case frameTooSmall(size: Int)
    /// The value does not fit the wire type (a string longer than 32767 bytes in a non-flexible field).
    case valueTooLong(field: String, length: Int)
    /// A request named an api key this codec does not implement.
    case unknownApiKey(Int16)
    /// A message of a version this codec does not implement for `api`.
    case unsupportedVersion(api: String, version: Int16)
    /// A field held a value the protocol does not define (an unknown resource type or operation).
    case invalidValue(field: String, value: Int)
    /// A field cannot be expressed in the version being encoded (a topic named only by id before v6).
    case notInVersion(field: String, version: Int16)

    public var description: String {
        switch self {
        case .truncated(let field, let needed, let remaining):
            return "The message ended while reading \(field): \(needed) bytes needed, \(remaining) left."
        case .invalidLength(let field, let length):
            return "The length \(length) given for \(field) is invalid for the bytes that follow."
        case .invalidVarint(let field):
            return "The varint for \(field) is longer than five bytes."
        case .invalidUTF8(let field):
            return "The string \(field) is not valid UTF-8."
        case .unexpectedNull(let field):
            return "The field \(field) is null where the protocol does not allow null."
        case .trailingBytes(let count):
            return "\(count) bytes were left over after the message was decoded."
        case .frameTooLarge(let size, let limit):
            return "The peer announced a \(size)-byte frame, over the \(limit)-byte limit."
        case .frameTooSmall(let size):
            return "The peer announced a \(size)-byte frame, too small for a header."
        case .valueTooLong(let field, let length):
            return "The value of \(field) is \(length) bytes long, more than the protocol field can carry."
        case .unknownApiKey(let key):
            return "The request names api key \(key), which is not implemented."
        case .unsupportedVersion(let api, let version):
            return "\(api) version \(version) is not implemented."
        case .invalidValue(let field, let value):
            return "The value \(value) of \(field) is not one the protocol defines."
        case .notInVersion(let field, let version):
            return "The field \(field) cannot be expressed in version \(version) of the message."
        }
    }
}
