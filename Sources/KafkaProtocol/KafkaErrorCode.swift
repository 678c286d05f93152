/// The broker error codes this client acts on, with their protocol names.
public enum KafkaErrorCode {
    public static let unknownServerError: Int16 = -1
    public static let none: Int16 = 0
    public static let unknownTopicOrPartition: Int16 = 3
    public static let leaderNotAvailable: Int16 = 5
    public static let notLeaderOrFollower: Int16 = 6
    public static let requestTimedOut: Int16 = 7
    public static let notController: Int16 = 41
    public static let unsupportedVersion: Int16 = 35
    public static let topicAlreadyExists: Int16 = 36
    public static let invalidPartitions: Int16 = 37
    public static let invalidReplicationFactor: Int16 = 38
    public static let invalidConfig: Int16 = 40
    public static let policyViolation: Int16 = 44
    public static let topicAuthorizationFailed: Int16 = 29
    public static let clusterAuthorizationFailed: Int16 = 31
    public static let unsupportedSaslMechanism: Int16 = 33
    public static let illegalSaslState: Int16 = 34
    public static let saslAuthenticationFailed: Int16 = 58
    public static let invalidRequest: Int16 = 42
    public static let coordinatorNotAvailable: Int16 = 15
    public static let securityDisabled: Int16 = 54

    /// The protocol's name for `code`, or "error <code>" for ones we do not list.
    public static func name(_ code: Int16) -> String {
        switch code {
        case unknownServerError: return "UNKNOWN_SERVER_ERROR"
        case none: return "NONE"
        case unknownTopicOrPartition: return "UNKNOWN_TOPIC_OR_PARTITION"
        case leaderNotAvailable: return "LEADER_NOT_AVAILABLE"
        case notLeaderOrFollower: return "NOT_LEADER_OR_FOLLOWER"
        case requestTimedOut: return "REQUEST_TIMED_OUT"
        case coordinatorNotAvailable: return "COORDINATOR_NOT_AVAILABLE"
        case topicAuthorizationFailed: return "TOPIC_AUTHORIZATION_FAILED"
        case clusterAuthorizationFailed: return "CLUSTER_AUTHORIZATION_FAILED"
        case unsupportedSaslMechanism: return "UNSUPPORTED_SASL_MECHANISM"
        case illegalSaslState: return "ILLEGAL_SASL_STATE"
        case unsupportedVersion: return "UNSUPPORTED_VERSION"
        case topicAlreadyExists: return "TOPIC_ALREADY_EXISTS"
        case invalidPartitions: return "INVALID_PARTITIONS"
        case invalidReplicationFactor: return "INVALID_REPLICATION_FACTOR"
        case invalidConfig: return "INVALID_CONFIG"
        case notController: return "NOT_CONTROLLER"
        case invalidRequest: return "INVALID_REQUEST"
        case policyViolation: return "POLICY_VIOLATION"
        case saslAuthenticationFailed: return "SASL_AUTHENTICATION_FAILED"
        case securityDisabled: return "SECURITY_DISABLED"
        default: return "error \(code)"
        }
    }

    /// Whether the broker documents the error as retriable (a later attempt may succeed).
    public static func isRetriable(_ code: Int16) -> Bool {
        [
            unknownTopicOrPartition, leaderNotAvailable, notLeaderOrFollower, requestTimedOut,
            notController, coordinatorNotAvailable,
        ].contains(code)
    }
}
