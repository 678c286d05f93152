import KafkaProtocol

/// What a simulated broker refuses, as Kafka answers it: a protocol error code and message.
public struct KafkaRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: Int16
    public var message: String

    public init(_ code: Int16, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(KafkaErrorCode.name(code)): \(message)" }
}
