import KafkaConfigKeys
import KafkaProtocol

/// Broker configuration with Kafka's three levels (KIP-226): static per broker (its
/// `server.properties`), dynamic per broker, and the dynamic cluster-wide default (the broker
/// resource named ""). A key's value is the first level that sets it, in the order dynamic
/// broker, dynamic default, static, Kafka's default; DescribeConfigs names that level as the
/// source and lists the others as synonyms.
public struct BrokerConfigs: Equatable, Sendable {
    /// Kafka's own defaults for the keys the simulator describes without being told (DEFAULT_CONFIG).
    public static let kafkaDefaults: [String: String] = [
        "auto.leader.rebalance.enable": "true", "background.threads": "10", "compression.type": "producer",
        "default.replication.factor": "1", "log.cleanup.policy": "delete", "log.dir": "/tmp/kafka-logs",
        "log.retention.bytes": "-1", "log.retention.hours": "168", "log.segment.bytes": "1073741824",
        "message.max.bytes": "1048588", "min.insync.replicas": "1", "num.io.threads": "8",
        "num.network.threads": "3", "num.partitions": "1", "num.replica.fetchers": "1",
        "unclean.leader.election.enable": "false",
    ]

    public private(set) var staticConfigs: [Int32: [String: String]] = [:]
    public private(set) var dynamicPerBroker: [Int32: [String: String]] = [:]
    public private(set) var clusterDefault: [String: String] = [:]

    public init() {}

    /// Reads a broker's static configuration from its `server.properties` text.
    public mutating func setStatic(broker: Int32, serverProperties: String) {
        staticConfigs[broker] = Self.parseProperties(serverProperties)
    }

    /// `key=value` lines of a Java properties file; blank lines and `#`/`!` comments skipped.
    static func parseProperties(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            guard let first = line.first, first != "#", first != "!",
                let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" })
            else { continue }
            let key = trimmed(line[..<separator])
            let value = trimmed(line[line.index(after: separator)...])
            if !key.isEmpty { result[key] = value }
        }
        return result
    }

    private static func trimmed(_ text: Substring) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(text.drop(while: blank).reversed().drop(while: blank).reversed())
    }

    // MARK: - Reading

    /// The value `key` has on `broker` with its source and, in precedence order, every level
    /// that sets it (the first is the value's own level).
    func resolve(_ key: String, broker: Int32) -> [ConfigEntry.Synonym] {
        var levels: [ConfigEntry.Synonym] = []
        if let value = dynamicPerBroker[broker]?[key] {
            levels.append(
                .init(name: key, value: value, sourceCode: ConfigEntry.Source.dynamicBroker.rawValue))
        }
        if let value = clusterDefault[key] {
            levels.append(
                .init(name: key, value: value, sourceCode: ConfigEntry.Source.dynamicDefaultBroker.rawValue))
        }
        if let value = staticConfigs[broker]?[key] {
            levels.append(
                .init(name: key, value: value, sourceCode: ConfigEntry.Source.staticBroker.rawValue))
        }
        if let value = Self.kafkaDefaults[key] {
            levels.append(
                .init(name: key, value: value, sourceCode: ConfigEntry.Source.defaultConfig.rawValue))
        }
        return levels
    }

    /// The effective value of `key` on `broker`, nil when no level sets it.
    public func value(_ key: String, broker: Int32) -> String? { resolve(key, broker: broker).first?.value }

    /// A broker's configuration as DescribeConfigs reports it: every key some level sets, or
    /// only `keys` when given (unknown ones left out, as Kafka does).
    public func describe(broker: Int32, keys: [String]?, includeSynonyms: Bool) -> [ConfigEntry] {
        var known = Set(Self.kafkaDefaults.keys).union(clusterDefault.keys)
        known.formUnion(staticConfigs[broker]?.keys ?? [:].keys)
        known.formUnion(dynamicPerBroker[broker]?.keys ?? [:].keys)
        let names = keys.map { $0.filter(known.contains) } ?? known.sorted()
        return names.compactMap { key in
            let levels = resolve(key, broker: broker)
            guard let own = levels.first else { return nil }
            return entry(key, own, synonyms: includeSynonyms ? levels : [])
        }
    }

    /// The cluster-wide default resource (""): only what is set at that level, with the
    /// levels beneath it as synonyms, as Kafka reports it.
    public func describeClusterDefault(keys: [String]?, includeSynonyms: Bool) -> [ConfigEntry] {
        let names = (keys ?? clusterDefault.keys.sorted()).filter { clusterDefault[$0] != nil }
        return names.map { key in
            let own = ConfigEntry.Synonym(
                name: key, value: clusterDefault[key],
                sourceCode: ConfigEntry.Source.dynamicDefaultBroker.rawValue)
            var levels = [own]
            if let value = Self.kafkaDefaults[key] {
                levels.append(
                    .init(name: key, value: value, sourceCode: ConfigEntry.Source.defaultConfig.rawValue))
            }
            return entry(key, own, synonyms: includeSynonyms ? levels : [])
        }
    }

    private func entry(_ key: String, _ own: ConfigEntry.Synonym, synonyms: [ConfigEntry.Synonym])
        -> ConfigEntry
    {
        let sensitive = Self.isSensitive(key)
        return ConfigEntry(
            name: key, value: sensitive ? nil : own.value,
            isReadOnly: KafkaConfigCatalog.mode(of: key) == .readOnly, sourceCode: own.sourceCode,
            isSensitive: sensitive,
            synonyms: synonyms.map {
                sensitive ? .init(name: $0.name, value: nil, sourceCode: $0.sourceCode) : $0
            })
    }

    /// Password-typed keys, whose values Kafka never returns.
    static func isSensitive(_ key: String) -> Bool {
        key.hasSuffix(".password") || key.hasSuffix("sasl.jaas.config") || key.hasSuffix("ssl.keystore.key")
    }

    // MARK: - Changing

    /// The level a broker resource name addresses: a broker id, or nil for "" (the cluster default).
    public static func level(of resourceName: String) throws(KafkaRefusal) -> Int32? {
        if resourceName.isEmpty { return nil }
        guard let id = Int32(resourceName), id >= 0 else {
            throw KafkaRefusal(
                KafkaErrorCode.invalidRequest, "Broker id must be an integer, but it is: \(resourceName)")
        }
        return id
    }

    /// Applies IncrementalAlterConfigs operations to one level (SET and DELETE), all or nothing;
    /// `validateOnly` checks without changing.
    public mutating func incrementalAlter(
        resourceName: String, operations: [IncrementalAlterConfigsRequest.Operation], validateOnly: Bool
    ) throws(KafkaRefusal) {
        let broker = try Self.level(of: resourceName)
        var updated = broker.map { dynamicPerBroker[$0] ?? [:] } ?? clusterDefault
        for operation in operations {
            switch operation {
            case .set(let key, let value): updated[key] = value
            case .delete(let key): updated[key] = nil
            case .append, .subtract:
                throw KafkaRefusal(
                    KafkaErrorCode.invalidRequest,
                    "Config value append/subtract is not allowed for config key: \(operation.key)")
            }
        }
        try Self.validate(Set(operations.map(\.key)), perBroker: broker != nil)
        for case .set(let key, let value) in operations {
            try Self.validateType(key, value, resourceName: resourceName)
        }
        if !validateOnly { store(updated, at: broker) }
    }

    /// Applies AlterConfigs: the level's whole dynamic configuration becomes `configs`.
    public mutating func alter(resourceName: String, configs: [String: String], validateOnly: Bool)
        throws(KafkaRefusal)
    {
        let broker = try Self.level(of: resourceName)
        try Self.validate(Set(configs.keys), perBroker: broker != nil)
        for (key, value) in configs { try Self.validateType(key, value, resourceName: resourceName) }
        if !validateOnly { store(configs, at: broker) }
    }

    private mutating func store(_ configs: [String: String], at broker: Int32?) {
        if let broker { dynamicPerBroker[broker] = configs } else { clusterDefault = configs }
    }

    /// Kafka's checks (`DynamicBrokerConfig.validateConfigs`), in its order and words: read-only
    /// keys first, then per-broker keys at the cluster-default level.
    static func validate(_ keys: Set<String>, perBroker: Bool) throws(KafkaRefusal) {
        let readOnly = keys.filter { KafkaConfigCatalog.mode(of: $0) == .readOnly }
        if !readOnly.isEmpty {
            throw KafkaRefusal(
                KafkaErrorCode.invalidRequest,
                "Cannot update these configs dynamically: \(scalaSet(readOnly))")
        }
        let brokerOnly = keys.filter { KafkaConfigCatalog.mode(of: $0) == .perBroker }
        if !perBroker, !brokerOnly.isEmpty {
            throw KafkaRefusal(
                KafkaErrorCode.invalidRequest,
                "Cannot update these configs at default cluster level, broker id must be specified: "
                    + scalaSet(brokerOnly))
        }
    }

    /// The type of the dynamic keys whose values Kafka parses as a number or a boolean.
    enum ValueType: String {
        case int = "INT"
        case long = "LONG"
        case double = "DOUBLE"
        case boolean = "BOOLEAN"
    }

    static let valueTypes: [String: ValueType] = {
        var types: [String: ValueType] = [:]
        for key in [
            "background.threads", "num.io.threads", "num.network.threads", "num.replica.fetchers",
            "num.recovery.threads.per.data.dir", "log.cleaner.threads", "log.cleaner.io.buffer.size",
            "log.index.interval.bytes", "log.index.size.max.bytes", "log.segment.bytes", "message.max.bytes",
            "min.insync.replicas", "max.connections", "max.connections.per.ip",
            "max.connection.creation.rate",
            "log.retention.hours", "log.retention.minutes", "log.roll.hours", "log.roll.jitter.hours",
            "producer.id.expiration.ms",
        ] { types[key] = .int }
        for key in [
            "log.cleaner.dedupe.buffer.size", "log.cleaner.backoff.ms", "log.cleaner.delete.retention.ms",
            "log.cleaner.min.compaction.lag.ms", "log.cleaner.max.compaction.lag.ms",
            "log.flush.interval.messages", "log.flush.interval.ms", "log.retention.bytes", "log.retention.ms",
            "log.roll.ms", "log.roll.jitter.ms", "log.segment.delete.delay.ms", "log.local.retention.bytes",
            "log.local.retention.ms", "log.message.timestamp.difference.max.ms",
            "leader.replication.throttled.rate", "follower.replication.throttled.rate",
            "replica.alter.log.dirs.io.max.bytes.per.second",
        ] { types[key] = .long }
        for key in [
            "log.cleaner.io.max.bytes.per.second", "log.cleaner.min.cleanable.ratio",
            "log.cleaner.io.buffer.load.factor",
        ] { types[key] = .double }
        for key in ["log.preallocate", "unclean.leader.election.enable", "log.message.downconversion.enable"]
        {
            types[key] = .boolean
        }
        return types
    }()

    /// Kafka parses a dynamic value by its key's type and refuses the whole resource, in its
    /// words (`ConfigAdminManager`: a `ConfigException` wrapped as INVALID_REQUEST), when it
    /// does not parse.
    static func validateType(_ key: String, _ value: String, resourceName: String) throws(KafkaRefusal) {
        guard let type = valueTypes[key] else { return }
        let trimmed = Self.trimmed(value[...])
        let parses: Bool
        switch type {
        case .int: parses = Int32(trimmed) != nil
        case .long: parses = Int64(trimmed) != nil
        case .double: parses = Double(trimmed) != nil
        case .boolean: parses = ["true", "false"].contains(trimmed.lowercased())
        }
        guard !parses else { return }
        let problem =
            type == .boolean
            ? "Expected value to be either true or false" : "Not a number of type \(type.rawValue)"
        throw KafkaRefusal(
            KafkaErrorCode.invalidRequest,
            "Invalid config value for resource ConfigResource(type=BROKER, name='\(resourceName)'): "
                + "Invalid value \(value) for configuration \(key): \(problem)")
    }

    private static func scalaSet(_ keys: Set<String>) -> String {
        "Set(\(keys.sorted().joined(separator: ", ")))"
    }
}
