import KafkaProtocol

/// Topic configuration overrides (DYNAMIC_TOPIC_CONFIG), and how a topic key falls back to
/// its broker-level synonym and Kafka's default when not overridden.
public struct TopicConfigs: Equatable, Sendable {
    /// The topic keys the simulator knows, with the broker key that supplies the value when
    /// the topic does not override it, and Kafka's default for when neither is set.
    static let catalog: [String: (brokerKey: String, kafkaDefault: String)] = [
        "cleanup.policy": ("log.cleanup.policy", "delete"),
        "compression.type": ("compression.type", "producer"),
        "max.message.bytes": ("message.max.bytes", "1048588"),
        "min.insync.replicas": ("min.insync.replicas", "1"),
        "retention.bytes": ("log.retention.bytes", "-1"),
        "retention.ms": ("log.retention.ms", "604800000"),
        "segment.bytes": ("log.segment.bytes", "1073741824"),
        "unclean.leader.election.enable": ("unclean.leader.election.enable", "false"),
    ]

    public private(set) var overrides: [String: [String: String]] = [:]

    public init() {}

    /// Refuses keys Kafka does not know for topics, with its error.
    public static func validate(_ configs: [String: String]) throws(KafkaRefusal) {
        if let unknown = configs.keys.sorted().first(where: { catalog[$0] == nil }) {
            throw KafkaRefusal(KafkaErrorCode.invalidConfig, "Unknown topic config name: \(unknown)")
        }
    }

    public mutating func set(_ topic: String, _ configs: [String: String]) { overrides[topic] = configs }
    public mutating func remove(_ topic: String) { overrides[topic] = nil }

    /// A topic's configuration as DescribeConfigs reports it, as seen by `broker`.
    public func describe(
        _ topic: String, keys: [String]?, includeSynonyms: Bool, brokerConfigs: BrokerConfigs, broker: Int32
    ) -> [ConfigEntry] {
        let names = (keys ?? Self.catalog.keys.sorted()).filter { Self.catalog[$0] != nil }
        return names.map { key in
            let (brokerKey, kafkaDefault) = Self.catalog[key]!
            var levels: [ConfigEntry.Synonym] = []
            if let value = overrides[topic]?[key] {
                levels.append(
                    .init(name: key, value: value, sourceCode: ConfigEntry.Source.dynamicTopic.rawValue))
            }
            levels += brokerConfigs.resolve(brokerKey, broker: broker)
                .filter { $0.sourceCode != ConfigEntry.Source.defaultConfig.rawValue }
            let own =
                levels.first
                ?? .init(
                    name: key, value: kafkaDefault, sourceCode: ConfigEntry.Source.defaultConfig.rawValue)
            return ConfigEntry(
                name: key, value: own.value, isReadOnly: false, sourceCode: own.sourceCode,
                isSensitive: false,
                synonyms: includeSynonyms ? levels : [])
        }
    }
}
