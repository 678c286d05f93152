/// The kinds of resource DescribeConfigs and IncrementalAlterConfigs address.
public enum ConfigResourceType: Int8, Sendable, Codable {
    case topic = 2
    case broker = 4
    case brokerLogger = 8
}
