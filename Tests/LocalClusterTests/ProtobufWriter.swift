/// Writes protobuf for tests: fields by number, nested messages, map entries and the `k8s\0`
/// envelope client-go puts around an object (API concepts, "Protobuf encoding":
/// https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding).
struct ProtobufWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7f) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func tag(_ number: Int, _ wireType: Int) { varint(UInt64(number) << 3 | UInt64(wireType)) }

    mutating func int(_ number: Int, _ value: Int64) {
        tag(number, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func bool(_ number: Int, _ value: Bool) { int(number, value ? 1 : 0) }

    mutating func bytes(_ number: Int, _ data: [UInt8]) {
        tag(number, 2)
        varint(UInt64(data.count))
        bytes += data
    }

    mutating func string(_ number: Int, _ text: String) { bytes(number, Array(text.utf8)) }

    mutating func message(_ number: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytes(number, inner.bytes)
    }

    /// One entry per key, in the order given (Go writes them sorted; the reader must not care).
    mutating func map(_ number: Int, _ entries: [(String, String)]) {
        for (key, value) in entries {
            message(number) {
                $0.string(1, key)
                $0.string(2, value)
            }
        }
    }

    /// `k8s\0`, then a runtime.Unknown: TypeMeta (1), the object's bytes (2), and the empty
    /// contentEncoding (3) and contentType (4) client-go writes.
    static func envelope(apiVersion: String, kind: String, _ build: (inout ProtobufWriter) -> Void)
        -> [UInt8]
    {
        var object = ProtobufWriter()
        build(&object)
        var unknown = ProtobufWriter()
        unknown.message(1) {
            $0.string(1, apiVersion)
            $0.string(2, kind)
        }
        unknown.bytes(2, object.bytes)
        unknown.string(3, "")
        unknown.string(4, "")
        return [0x6b, 0x38, 0x73, 0x00] + unknown.bytes
    }

    /// ObjectMeta as client-go writes it: every string field, even empty, and an empty
    /// creationTimestamp.
    mutating func objectMeta(_ number: Int = 1, name: String, labels: [(String, String)] = []) {
        message(number) {
            $0.string(1, name)
            for field in 2...6 { $0.string(field, "") }
            $0.int(7, 0)
            $0.bytes(8, [])
            $0.map(11, labels)
        }
    }
}
