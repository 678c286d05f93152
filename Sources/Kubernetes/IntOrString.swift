/// A field that takes a number or a name, such as a Service's `targetPort` (`intstr.IntOrString`).
public enum IntOrString: Codable, Equatable, Hashable, Sendable, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral
{
    case int(Int32)
    case string(String)

    public init(integerLiteral value: Int32) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int32.self) {
            self = .int(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        }
    }
}
