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

    public var name: String
    /// nil for sensitive values and for keys without a value.
    public var value: String?
    public var isReadOnly: Bool
    /// The raw source code; `source` maps it when it is one we know.
    public var sourceCode: Int8
    public var isSensitive: Bool

    public init(name: String, value: String?, isReadOnly: Bool, sourceCode: Int8, isSensitive: Bool) {
        self.name = name
        self.value = value
        self.isReadOnly = isReadOnly
        self.sourceCode = sourceCode
        self.isSensitive = isSensitive
    }

    public var source: Source { Source(rawValue: sourceCode) ?? .unknown }
}
