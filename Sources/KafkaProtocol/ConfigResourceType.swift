/// The kinds of resource DescribeConfigs, AlterConfigs and IncrementalAlterConfigs address.
public enum ConfigResourceType: Int8, Sendable, Codable {
    case topic = 2
    case broker = 4
    case brokerLogger = 8
    case clientMetrics = 16
    case group = 32
}
