/// A Kafka broker of the simulated cluster: its identity, where it runs and its log
/// directories (one per disk), and whether it is up.
public struct SimulatedBroker: Equatable, Sendable {
    public let id: Int32
    public var host: String
    public var rack: String?
    /// Log directories in `log.dirs` order; the first gets new replicas when no other is named.
    public var logDirs: [String]
    public var isAlive: Bool

    public init(id: Int32, host: String, rack: String? = nil, logDirs: [String], isAlive: Bool = true) {
        self.id = id
        self.host = host
        self.rack = rack
        self.logDirs = logDirs
        self.isAlive = isAlive
    }
}
