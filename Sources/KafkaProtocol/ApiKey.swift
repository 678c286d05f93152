/// The Kafka API keys this codec speaks.
public enum ApiKey: Int16, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case metadata = 3
    case saslHandshake = 17
    case apiVersions = 18
    case createTopics = 19
    case deleteTopics = 20
    case describeAcls = 29
    case createAcls = 30
    case deleteAcls = 31
    case describeConfigs = 32
    case alterConfigs = 33
    case describeLogDirs = 35
    case saslAuthenticate = 36
    case createPartitions = 37
    case incrementalAlterConfigs = 44
    case describeCluster = 60

    public var description: String {
        switch self {
        case .metadata: return "Metadata"
        case .saslHandshake: return "SaslHandshake"
        case .apiVersions: return "ApiVersions"
        case .createTopics: return "CreateTopics"
        case .deleteTopics: return "DeleteTopics"
        case .describeAcls: return "DescribeAcls"
        case .createAcls: return "CreateAcls"
        case .deleteAcls: return "DeleteAcls"
        case .describeConfigs: return "DescribeConfigs"
        case .alterConfigs: return "AlterConfigs"
        case .describeLogDirs: return "DescribeLogDirs"
        case .saslAuthenticate: return "SaslAuthenticate"
        case .createPartitions: return "CreatePartitions"
        case .incrementalAlterConfigs: return "IncrementalAlterConfigs"
        case .describeCluster: return "DescribeCluster"
        }
    }

    /// The request type that carries this key: its versions decide the request header version.
    public var requestType: any KafkaRequest.Type {
        switch self {
        case .metadata: return MetadataRequest.self
        case .saslHandshake: return SaslHandshakeRequest.self
        case .apiVersions: return ApiVersionsRequest.self
        case .createTopics: return CreateTopicsRequest.self
        case .deleteTopics: return DeleteTopicsRequest.self
        case .describeAcls: return DescribeAclsRequest.self
        case .createAcls: return CreateAclsRequest.self
        case .deleteAcls: return DeleteAclsRequest.self
        case .describeConfigs: return DescribeConfigsRequest.self
        case .alterConfigs: return AlterConfigsRequest.self
        case .describeLogDirs: return DescribeLogDirsRequest.self
        case .saslAuthenticate: return SaslAuthenticateRequest.self
        case .createPartitions: return CreatePartitionsRequest.self
        case .incrementalAlterConfigs: return IncrementalAlterConfigsRequest.self
        case .describeCluster: return DescribeClusterRequest.self
        }
    }
}
