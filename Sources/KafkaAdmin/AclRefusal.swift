import KafkaProtocol

/// One ACL binding or filter Kafka refused, with its error code and message.
public struct AclRefusal: Sendable, Equatable, CustomStringConvertible {
    /// What was refused: a binding to create or delete, or a filter to describe or delete by.
    public enum Subject: Sendable, Equatable, CustomStringConvertible {
        case binding(AclBinding)
        case filter(AclBindingFilter)

        public var description: String {
            switch self {
            case .binding(let binding): return "ACL \(binding)"
            case .filter(let filter): return "filter \(filter)"
            }
        }
    }

    public var subject: Subject
    public var code: Int16
    public var message: String?

    public init(_ subject: Subject, code: Int16, message: String?) {
        self.subject = subject
        self.code = code
        self.message = message
    }

    public var description: String {
        "\(subject): \(KafkaErrorCode.name(code))\(message.map { " (\($0))" } ?? "")"
    }
}
