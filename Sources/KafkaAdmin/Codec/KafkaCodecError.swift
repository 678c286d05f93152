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
    /// A frame's size prefix was too small to hold a response header.
    case frameTooSmall(size: Int)
    /// The value does not fit the wire type (a string longer than 32767 bytes in a non-flexible field).
    case valueTooLong(field: String, length: Int)

    public var description: String {
        switch self {
        case .truncated(let field, let needed, let remaining):
            return "The response ended while reading \(field): \(needed) bytes needed, \(remaining) left."
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
            return "The broker announced a \(size)-byte response, over the \(limit)-byte limit."
        case .frameTooSmall(let size):
            return "The broker announced a \(size)-byte response, too small for a response header."
        case .valueTooLong(let field, let length):
            return "The value of \(field) is \(length) bytes long, more than the protocol field can carry."
        }
    }
}
