import JSON

/// The synthetic traffic of the simulated cluster, by topic: what its partitions take in from
/// producers and give out to consumers each second. The JSON document the simulator control
/// endpoint answers with:
/// `{"bytesInPerSecond":...,"bytesOutPerSecond":...,"topics":[{"topic":"orders","partitions":6,
/// "bytesInPerSecond":...,"bytesOutPerSecond":...},...]}`.
public struct SyntheticLoad: Equatable, Sendable {
    public struct Topic: Equatable, Sendable {
        public var topic: String
        public var partitions: Int
        public var bytesInPerSecond: Double
        public var bytesOutPerSecond: Double

        public init(topic: String, partitions: Int, bytesInPerSecond: Double, bytesOutPerSecond: Double) {
            self.topic = topic
            self.partitions = partitions
            self.bytesInPerSecond = bytesInPerSecond
            self.bytesOutPerSecond = bytesOutPerSecond
        }
    }

    /// Sorted by name.
    public var topics: [Topic]

    public var bytesInPerSecond: Double { topics.reduce(0) { $0 + $1.bytesInPerSecond } }
    public var bytesOutPerSecond: Double { topics.reduce(0) { $0 + $1.bytesOutPerSecond } }

    public init(topics: [Topic]) { self.topics = topics.sorted { $0.topic < $1.topic } }

    /// The load of every topic of `cluster`.
    public init(of cluster: SimulatedCluster) {
        var byTopic: [String: Topic] = [:]
        for (key, partition) in cluster.partitions {
            byTopic[
                key.topic,
                default: Topic(topic: key.topic, partitions: 0, bytesInPerSecond: 0, bytesOutPerSecond: 0)
            ]
            .add(partition)
        }
        self.init(topics: Array(byTopic.values))
    }

    public var json: JSONValue {
        .object([
            ("bytesInPerSecond", .number(Self.text(bytesInPerSecond))),
            ("bytesOutPerSecond", .number(Self.text(bytesOutPerSecond))),
            (
                "topics",
                .array(
                    topics.map {
                        .object([
                            ("topic", .string($0.topic)), ("partitions", .number("\($0.partitions)")),
                            ("bytesInPerSecond", .number(Self.text($0.bytesInPerSecond))),
                            ("bytesOutPerSecond", .number(Self.text($0.bytesOutPerSecond))),
                        ])
                    })
            ),
        ])
    }

    /// Reads the document `json` writes (the command line reads the endpoint's answers).
    public init(json: JSONValue) throws(SyntheticLoadError) {
        guard case .array(let items)? = json["topics"] else { throw .unexpectedAnswer("no topics array") }
        var topics: [Topic] = []
        for item in items {
            guard case .string(let name)? = item["topic"], case .number(let partitions)? = item["partitions"],
                let count = Int(partitions), case .number(let bytesIn)? = item["bytesInPerSecond"],
                let inRate = Double(bytesIn), case .number(let bytesOut)? = item["bytesOutPerSecond"],
                let outRate = Double(bytesOut)
            else { throw .unexpectedAnswer("a topic without name, partitions and rates") }
            topics.append(
                Topic(topic: name, partitions: count, bytesInPerSecond: inRate, bytesOutPerSecond: outRate))
        }
        self.init(topics: topics)
    }

    /// A rate as JSON number text: whole numbers without a fraction.
    static func text(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 9.0e15 { return String(Int64(value)) }
        return value.description
    }
}

extension SyntheticLoad.Topic {
    fileprivate mutating func add(_ partition: SimulatedPartition) {
        partitions += 1
        bytesInPerSecond += partition.bytesInPerSecond
        bytesOutPerSecond += partition.bytesOutPerSecond
    }
}

/// A change to the synthetic load: a topic's (or, without one, the whole cluster's) bytes in
/// and/or out per second, spread evenly over its partitions. A rate left out stays as it is.
///
/// Read strictly from JSON: `{"topic":"orders","bytesInPerSecond":80000000}`. Anything else —
/// another field, a rate that is not a plain number, negative, or above
/// `maximumBytesPerSecond`, no rate at all — is refused and changes nothing.
public struct SyntheticLoadChange: Equatable, Sendable {
    /// 1 TB/s: well past any real cluster, and far from where byte counters lose precision.
    public static let maximumBytesPerSecond: Double = 1e12
    public static let fields = ["topic", "bytesInPerSecond", "bytesOutPerSecond"]

    public private(set) var topic: String?
    public private(set) var bytesInPerSecond: Double?
    public private(set) var bytesOutPerSecond: Double?

    public init(topic: String?, bytesInPerSecond: Double?, bytesOutPerSecond: Double?)
        throws(SyntheticLoadError)
    {
        if let topic, topic.isEmpty || topic.utf8.count > 249 { throw .invalidTopic(topic) }
        guard bytesInPerSecond != nil || bytesOutPerSecond != nil else { throw .noRate }
        self.topic = topic
        self.bytesInPerSecond = try bytesInPerSecond.map { v throws(SyntheticLoadError) in
            try Self.checked("bytesInPerSecond", v)
        }
        self.bytesOutPerSecond = try bytesOutPerSecond.map { v throws(SyntheticLoadError) in
            try Self.checked("bytesOutPerSecond", v)
        }
    }

    /// Reads a request body.
    public init(body: [UInt8]) throws(SyntheticLoadError) {
        let document: JSONValue
        do { document = try JSONReader.parse(body) } catch { throw .malformedJSON("\(error)") }
        guard case .object(let members) = document else { throw .notAnObject(document.kind) }
        var topic: String?
        var rates: [String: Double] = [:]
        for (key, value) in members {
            switch (key, value) {
            case ("topic", .string(let name)): topic = name
            case ("topic", _): throw .wrongType(field: key, expected: "a string", got: value.kind)
            case ("bytesInPerSecond", .number(let text)), ("bytesOutPerSecond", .number(let text)):
                guard let rate = Double(text) else { throw .invalidRate(field: key, value: text) }
                guard rate.isFinite, rate <= Self.maximumBytesPerSecond else {
                    throw .rateTooLarge(field: key, value: text)
                }
                rates[key] = rate
            case ("bytesInPerSecond", _), ("bytesOutPerSecond", _):
                throw .wrongType(field: key, expected: "a number of bytes per second", got: value.kind)
            default:
                throw .unknownField(key)
            }
        }
        try self.init(
            topic: topic, bytesInPerSecond: rates["bytesInPerSecond"],
            bytesOutPerSecond: rates["bytesOutPerSecond"])
    }

    private static func checked(_ field: String, _ value: Double) throws(SyntheticLoadError) -> Double {
        guard value.isFinite, value <= maximumBytesPerSecond else {
            throw .rateTooLarge(field: field, value: value.description)
        }
        guard value >= 0 else { throw .negativeRate(field: field, value: value.description) }
        return value + 0  // -0 reads as 0
    }

    /// The request body that asks for this change.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let topic { members.append(("topic", .string(topic))) }
        if let bytesInPerSecond {
            members.append(("bytesInPerSecond", .number(SyntheticLoad.text(bytesInPerSecond))))
        }
        if let bytesOutPerSecond {
            members.append(("bytesOutPerSecond", .number(SyntheticLoad.text(bytesOutPerSecond))))
        }
        return .object(members)
    }

    /// Sets the rates of the topic's (or every) partition to an even share of the totals.
    public func apply(to cluster: inout SimulatedCluster) throws(SyntheticLoadError) {
        let keys = cluster.sortedPartitions.filter { topic == nil || $0.topic == topic }
        guard !keys.isEmpty else {
            if let topic { throw .unknownTopic(topic) }
            throw .noPartitions
        }
        let share = Double(keys.count)
        for key in keys {
            let partition = cluster.partitions[key]!
            do {
                try cluster.setLoad(
                    key, sizeBytes: partition.sizeBytes,
                    bytesInPerSecond: bytesInPerSecond.map { $0 / share } ?? partition.bytesInPerSecond,
                    bytesOutPerSecond: bytesOutPerSecond.map { $0 / share } ?? partition.bytesOutPerSecond)
            } catch {
                // The key was just read from the cluster, so it is there.
                throw .unknownTopic(key.topic)
            }
        }
    }
}

/// Why a synthetic load change was refused; nothing was changed.
public enum SyntheticLoadError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedJSON(String)
    case notAnObject(String)
    case unknownField(String)
    case wrongType(field: String, expected: String, got: String)
    case invalidRate(field: String, value: String)
    case negativeRate(field: String, value: String)
    case rateTooLarge(field: String, value: String)
    case noRate
    case invalidTopic(String)
    case unknownTopic(String)
    case noPartitions
    case unexpectedAnswer(String)

    /// Whether the thing named is missing (HTTP 404) rather than the request wrong (400).
    public var isNotFound: Bool {
        switch self {
        case .unknownTopic, .noPartitions: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .malformedJSON(let reason): "the body is not JSON: \(reason)"
        case .notAnObject(let kind): "the body must be a JSON object, not \(kind)"
        case .unknownField(let name):
            "unknown field \"\(name)\"; the fields are \(SyntheticLoadChange.fields.joined(separator: ", "))"
        case .wrongType(let field, let expected, let got): "\(field) must be \(expected), not \(got)"
        case .invalidRate(let field, let value): "\(field) \(value) is not a number"
        case .negativeRate(let field, let value): "\(field) must not be negative (got \(value))"
        case .rateTooLarge(let field, let value):
            "\(field) \(value) is above the limit of \(SyntheticLoad.text(SyntheticLoadChange.maximumBytesPerSecond)) bytes per second"
        case .noRate: "give bytesInPerSecond, bytesOutPerSecond or both"
        case .invalidTopic(let name): "\"\(name)\" is not a topic name (1 to 249 characters)"
        case .unknownTopic(let name): "topic \(name) does not exist"
        case .noPartitions: "the cluster has no partitions to load"
        case .unexpectedAnswer(let reason): "the simulator's answer is not a load document: \(reason)"
        }
    }
}
