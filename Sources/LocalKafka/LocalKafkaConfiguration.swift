/// Where local mode's simulated Kafka and Cruise Control listen on loopback, so the operator's
/// address map and the simulators agree on the ports.
public struct LocalKafkaConfiguration: Equatable, Sendable {
    public var host: String
    /// Broker N's Kafka-protocol socket listens on `brokerBasePort + N`.
    public var brokerBasePort: UInt16
    /// The simulated Cruise Control's REST port; 0 picks a free one.
    public var cruiseControlPort: UInt16
    /// Broker N's Prometheus metrics (`GET /metrics`, as its JMX exporter on 9020 would serve
    /// them) are on `metricsBasePort + N`.
    public var metricsBasePort: UInt16
    /// The simulator's own control endpoint (the synthetic load); 0 picks a free one.
    public var controlPort: UInt16
    /// How fast a new replica copies its partition's log when no throttle is given, bytes per
    /// second: it sets how long a Cruise Control task that moves data runs.
    public var replicationBytesPerSecond: Double

    public static let defaultBrokerBasePort: UInt16 = 19_092
    public static let defaultCruiseControlPort: UInt16 = 18_090
    /// Far enough from the Kafka ports that no two broker ids below 9,928 make the two meet.
    public static let defaultMetricsBasePort: UInt16 = 29_020
    public static let defaultControlPort: UInt16 = 18_099

    public init(
        host: String = "127.0.0.1", brokerBasePort: UInt16 = defaultBrokerBasePort,
        cruiseControlPort: UInt16 = defaultCruiseControlPort,
        metricsBasePort: UInt16 = defaultMetricsBasePort,
        controlPort: UInt16 = defaultControlPort,
        replicationBytesPerSecond: Double = SimulatedCluster.Timing().replicationBytesPerSecond
    ) {
        self.host = host
        self.brokerBasePort = brokerBasePort
        self.cruiseControlPort = cruiseControlPort
        self.metricsBasePort = metricsBasePort
        self.controlPort = controlPort
        self.replicationBytesPerSecond = replicationBytesPerSecond
    }

    /// The loopback port of broker `id`, or nil when it would pass the last port.
    public func brokerPort(_ id: Int32) -> UInt16? { Self.port(base: brokerBasePort, id) }

    /// The loopback metrics port of broker `id`, or nil when it would pass the last port.
    public func metricsPort(_ id: Int32) -> UInt16? { Self.port(base: metricsBasePort, id) }

    private static func port(base: UInt16, _ id: Int32) -> UInt16? {
        guard id >= 0 else { return nil }
        let port = Int(base) + Int(id)
        return port <= Int(UInt16.max) ? UInt16(port) : nil
    }

    /// Two of the ports `brokers` would use that are the same port, said as a sentence, or nil
    /// when every one is distinct: the Kafka and metrics port of each broker, Cruise Control's
    /// and the control endpoint's (0, any free port, meets nothing).
    public func portClash(brokers: [Int32]) -> String? {
        var used: [UInt16: String] = [:]
        var uses: [(UInt16?, String)] = [
            (cruiseControlPort == 0 ? nil : cruiseControlPort, "Cruise Control"),
            (controlPort == 0 ? nil : controlPort, "the simulator control endpoint"),
        ]
        for id in brokers.sorted() {
            uses.append((brokerPort(id), "broker \(id)'s Kafka socket"))
            uses.append((metricsPort(id), "broker \(id)'s metrics"))
        }
        for case (let port?, let name) in uses {
            if let other = used[port] { return "\(other) and \(name) would both listen on port \(port)" }
            used[port] = name
        }
        return nil
    }
}
