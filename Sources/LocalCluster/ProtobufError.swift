/// Why a Kubernetes protobuf body does not read, in the words of the API server's decoder
/// where it has them (gogo-protobuf's generated readers and the `k8s\0` envelope's).
enum ProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No bytes at all.
    case empty
    /// The body does not start with the `k8s\0` magic.
    case notProtobuf
    /// A varint, a length or a fixed-size value runs past the end of its message.
    case truncated
    /// A varint longer than ten bytes.
    case integerOverflow
    /// A length that is negative as a signed 64-bit number, or that overflows the position.
    case negativeLength
    /// Field number 0 (or one that does not fit 32 bits).
    case illegalTag(message: String, tag: Int64, wireType: Int)
    /// Wire type 6 or 7, which protobuf does not define.
    case illegalWireType(Int)
    /// A group's end where no group was started.
    case endGroupWithoutStart(message: String)
    /// A known field in a wire type its type never has (a string sent as a varint).
    case wrongWireType(Int, field: String)
    /// The envelope names a kind no table describes.
    case unknownKind(kind: String, apiVersion: String)
    /// A time whose year JSON cannot write (outside 0 to 9999).
    case timeOutOfRange(field: String, seconds: Int64)
    /// An IntOrString whose type is neither 0 (int) nor 1 (string).
    case invalidIntOrString(field: String, type: Int64)
    /// `managedFields[].fieldsV1` that is not JSON.
    case invalidFieldsV1(field: String)
    /// Messages nested deeper than any kind's schema goes.
    case tooDeep

    var description: String {
        switch self {
        case .empty: return "empty data"
        case .notProtobuf:
            return "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
        case .truncated: return "unexpected EOF"
        case .integerOverflow: return "proto: integer overflow"
        case .negativeLength: return "proto: negative length found during unmarshaling"
        case .illegalTag(let message, let tag, let wireType):
            return "proto: \(message): illegal tag \(tag) (wire type \(wireType))"
        case .illegalWireType(let wireType): return "proto: illegal wireType \(wireType)"
        case .endGroupWithoutStart(let message): return "proto: \(message): wiretype end group for non-group"
        case .wrongWireType(let wireType, let field):
            return "proto: wrong wireType = \(wireType) for field \(field)"
        case .unknownKind(let kind, let apiVersion):
            return "no kind \"\(kind)\" is registered for version \"\(apiVersion)\""
        case .timeOutOfRange(let field, let seconds):
            return "\(field): Time.MarshalJSON: year outside of range [0,9999] (\(seconds) seconds)"
        case .invalidIntOrString(let field, let type):
            return "\(field): impossible IntOrString.Type \(type)"
        case .invalidFieldsV1(let field): return "\(field): FieldsV1 is not valid JSON"
        case .tooDeep: return "proto: the message nests deeper than any kind's schema"
        }
    }
}
