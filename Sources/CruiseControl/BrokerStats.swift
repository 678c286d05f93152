/// `GET /load` (and a proposal's load before and after): each broker's load and capacity, in
/// Cruise Control's units: disk in MB, network in KB/s, CPU in percent.
public struct BrokerStats: Equatable, Sendable {
    public enum BrokerState: String, Sendable, CaseIterable {
        case alive = "ALIVE"
        case dead = "DEAD"
        case new = "NEW"
        case demoted = "DEMOTED"
        case badDisks = "BAD_DISKS"
    }

    /// One log directory of a broker (with `populate_disk_info`).
    public struct Disk: Equatable, Sendable {
        /// Nil when Cruise Control reports the directory `DEAD`.
        public var diskMB: Double?
        public var diskPercent: Double?
        public var leaderReplicas: Int
        public var replicas: Int

        public init(diskMB: Double?, diskPercent: Double?, leaderReplicas: Int, replicas: Int) {
            self.diskMB = diskMB
            self.diskPercent = diskPercent
            self.leaderReplicas = leaderReplicas
            self.replicas = replicas
        }

        public var isDead: Bool { diskMB == nil }
    }

    public struct Broker: Equatable, Sendable {
        public var id: Int32
        public var host: String
        public var rack: String
        public var state: BrokerState
        public var diskMB: Double
        public var diskPercent: Double
        public var cpuPercent: Double
        public var leaderNetworkInKBps: Double
        public var followerNetworkInKBps: Double
        public var networkOutKBps: Double
        public var potentialNetworkOutKBps: Double
        public var replicas: Int
        public var leaders: Int
        public var diskCapacityMB: Double
        public var networkInCapacityKBps: Double
        public var networkOutCapacityKBps: Double
        public var cores: Double
        /// By log directory; empty unless asked for.
        public var disks: [String: Disk]

        public init(
            id: Int32, host: String, rack: String = "", state: BrokerState = .alive, diskMB: Double = 0,
            diskPercent: Double = 0, cpuPercent: Double = 0, leaderNetworkInKBps: Double = 0,
            followerNetworkInKBps: Double = 0, networkOutKBps: Double = 0,
            potentialNetworkOutKBps: Double = 0,
            replicas: Int = 0, leaders: Int = 0, diskCapacityMB: Double = 0,
            networkInCapacityKBps: Double = 0,
            networkOutCapacityKBps: Double = 0, cores: Double = 0, disks: [String: Disk] = [:]
        ) {
            self.id = id
            self.host = host
            self.rack = rack
            self.state = state
            self.diskMB = diskMB
            self.diskPercent = diskPercent
            self.cpuPercent = cpuPercent
            self.leaderNetworkInKBps = leaderNetworkInKBps
            self.followerNetworkInKBps = followerNetworkInKBps
            self.networkOutKBps = networkOutKBps
            self.potentialNetworkOutKBps = potentialNetworkOutKBps
            self.replicas = replicas
            self.leaders = leaders
            self.diskCapacityMB = diskCapacityMB
            self.networkInCapacityKBps = networkInCapacityKBps
            self.networkOutCapacityKBps = networkOutCapacityKBps
            self.cores = cores
            self.disks = disks
        }
    }

    public var brokers: [Broker]

    public init(brokers: [Broker]) { self.brokers = brokers }

    /// The broker with `id`, if Cruise Control reports it.
    public func broker(_ id: Int32) -> Broker? { brokers.first { $0.id == id } }

    init(_ reader: ResponseReader) throws {
        brokers = try reader.field("brokers").list { try Self.broker($0) }
    }

    private static func broker(_ reader: ResponseReader) throws -> Broker {
        let stateField = try reader.field("BrokerState")
        let stateText = try stateField.string()
        guard let state = BrokerState(rawValue: stateText) else {
            throw ResponseReader.Mismatch(
                path: stateField.path, reason: "unknown broker state \(stateText.prefix(64))")
        }
        var disks: [String: Disk] = [:]
        for (dir, disk) in try reader.optionalField("DiskState")?.members() ?? [] {
            disks[dir] = Disk(
                diskMB: try deadOrNumber(disk.field("DiskMB")),
                diskPercent: try deadOrNumber(disk.field("DiskPct")),
                leaderReplicas: try disk.field("NumLeaderReplicas").int(),
                replicas: try disk.field("NumReplicas").int())
        }
        return Broker(
            id: try reader.field("Broker").int32(), host: try reader.field("Host").string(),
            rack: try reader.field("Rack").string(), state: state,
            diskMB: try reader.field("DiskMB").double(),
            diskPercent: try reader.field("DiskPct").double(),
            cpuPercent: try reader.field("CpuPct").double(),
            leaderNetworkInKBps: try reader.field("LeaderNwInRate").double(),
            followerNetworkInKBps: try reader.field("FollowerNwInRate").double(),
            networkOutKBps: try reader.field("NwOutRate").double(),
            potentialNetworkOutKBps: try reader.field("PnwOutRate").double(),
            replicas: try reader.field("Replicas").int(), leaders: try reader.field("Leaders").int(),
            diskCapacityMB: try reader.field("DiskCapacityMB").double(),
            networkInCapacityKBps: try reader.field("NetworkInCapacity").double(),
            networkOutCapacityKBps: try reader.field("NetworkOutCapacity").double(),
            cores: try reader.field("NumCore").double(), disks: disks)
    }

    /// A disk figure, or nil for Cruise Control's `"DEAD"`.
    private static func deadOrNumber(_ reader: ResponseReader) throws -> Double? {
        if case .string("DEAD") = reader.value { return nil }
        return try reader.double()
    }
}
