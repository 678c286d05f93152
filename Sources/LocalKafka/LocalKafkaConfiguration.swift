/// Where local mode's simulated Kafka and Cruise Control listen on loopback, so the operator's
/// address map and the simulators agree on the ports.
public struct LocalKafkaConfiguration: Equatable, Sendable {
    public var host: String
    /// Broker N's Kafka-protocol socket listens on `brokerBasePort + N`.
    public var brokerBasePort: UInt16
    /// The simulated Cruise Control's REST port; 0 picks a free one.
    public var cruiseControlPort: UInt16

    public static let defaultBrokerBasePort: UInt16 = 19_092
    public static let defaultCruiseControlPort: UInt16 = 18_090

    public init(
        host: String = "127.0.0.1", brokerBasePort: UInt16 = defaultBrokerBasePort,
        cruiseControlPort: UInt16 = defaultCruiseControlPort
    ) {
        self.host = host
        self.brokerBasePort = brokerBasePort
        self.cruiseControlPort = cruiseControlPort
    }

    /// The loopback port of broker `id`, or nil when it would pass the last port.
    public func brokerPort(_ id: Int32) -> UInt16? {
        guard id >= 0 else { return nil }
        let port = Int(brokerBasePort) + Int(id)
        return port <= Int(UInt16.max) ? UInt16(port) : nil
    }
}
