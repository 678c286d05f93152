/// The Kafka API keys this client speaks.
public enum ApiKey: Int16, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case metadata = 3
    case saslHandshake = 17
    case apiVersions = 18
    case createTopics = 19
    case describeConfigs = 32
    case saslAuthenticate = 36
    case incrementalAlterConfigs = 44
    case describeCluster = 60

    public var description: String {
        switch self {
        case .metadata: return "Metadata"
        case .saslHandshake: return "SaslHandshake"
        case .apiVersions: return "ApiVersions"
        case .createTopics: return "CreateTopics"
        case .describeConfigs: return "DescribeConfigs"
        case .saslAuthenticate: return "SaslAuthenticate"
        case .incrementalAlterConfigs: return "IncrementalAlterConfigs"
        case .describeCluster: return "DescribeCluster"
        }
    }
}
