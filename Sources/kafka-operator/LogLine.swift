import ClusterModel
import JSON
import Logging

/// One log event, rendered as a logfmt or JSON line.
struct LogLine {
    let time: String
    let level: String
    let logger: String
    let message: String
    let fields: Logger.Metadata

    /// `time=... level=info logger=... msg="..." key=value`, keys sorted so lines diff cleanly.
    func logfmt() -> String {
        var pairs = [("time", time), ("level", level), ("logger", logger), ("msg", message)]
        for key in fields.keys.sorted() { pairs.append((key, Self.flatten(fields[key]!))) }
        return pairs.map { "\($0.0)=\(Self.logfmtValue($0.1))" }.joined(separator: " ")
    }

    func json() -> String {
        var members = [
            "\"time\":\(Self.jsonString(time))", "\"level\":\(Self.jsonString(level))",
            "\"logger\":\(Self.jsonString(logger))", "\"msg\":\(Self.jsonString(message))",
        ]
        for key in fields.keys.sorted() {
            members.append("\(Self.jsonString(key)):\(Self.jsonValue(fields[key]!))")
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): return string
        case .stringConvertible(let convertible): return convertible.description
        case .array(let values): return "[" + values.map(flatten).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            return "{"
                + dictionary.keys.sorted().map { "\($0)=\(flatten(dictionary[$0]!))" }
                .joined(separator: ",") + "}"
        }
    }

    /// Quotes a value when it is empty or holds a space, `=`, a quote or a control character.
    static func logfmtValue(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.value < 0x20 }
        return needsQuotes ? jsonString(value) : value
    }

    static func jsonValue(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): return jsonString(string)
        case .stringConvertible(let convertible): return jsonString(convertible.description)
        case .array(let values): return "[" + values.map(jsonValue).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            return "{"
                + dictionary.keys.sorted().map { "\(jsonString($0)):\(jsonValue(dictionary[$0]!))" }
                .joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal with the escapes RFC 8259 requires.
    static func jsonString(_ string: String) -> String {
        String(decoding: JSONValue.string(string).encoded(), as: UTF8.self)
    }
}
