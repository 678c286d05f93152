/// One configuration value as a broker describes it.
public struct ConfigEntry: Sendable, Equatable, Codable {
    /// Where a value comes from (DescribeConfigs `config_source`).
    public enum Source: Int8, Sendable, Equatable, Codable {
        case unknown = 0
        case dynamicTopic = 1
        case dynamicBroker = 2
        case dynamicDefaultBroker = 3
        case staticBroker = 4
        case defaultConfig = 5
        case dynamicBrokerLogger = 6
        case clientMetrics = 7
        case group = 8
    }

    /// A value the key has at another level, in precedence order (DescribeConfigs with synonyms).
    public struct Synonym: Sendable, Equatable, Codable {
        public var name: String
        public var value: String?
        public var sourceCode: Int8

        public init(name: String, value: String?, sourceCode: Int8) {
            self.name = name
            self.value = value
            self.sourceCode = sourceCode
        }
    }

    public var name: String
    /// nil for sensitive values and for keys without a value.
    public var value: String?
    public var isReadOnly: Bool
    /// The raw source code; `source` maps it when it is one we know.
    public var sourceCode: Int8
    public var isSensitive: Bool
    public var synonyms: [Synonym]
    /// DescribeConfigs v3+: the value's type (0 unknown, 1 boolean, 2 string, 3 int, ...).
    public var configType: Int8
    /// DescribeConfigs v3+, when documentation was asked for.
    public var documentation: String?

    public init(
        name: String, value: String?, isReadOnly: Bool, sourceCode: Int8, isSensitive: Bool,
        synonyms: [Synonym] = [], configType: Int8 = 0, documentation: String? = nil
    ) {
        self.name = name
        self.value = value
        self.isReadOnly = isReadOnly
        self.sourceCode = sourceCode
        self.isSensitive = isSensitive
        self.synonyms = synonyms
        self.configType = configType
        self.documentation = documentation
    }

    public var source: Source { Source(rawValue: sourceCode) ?? .unknown }
}
