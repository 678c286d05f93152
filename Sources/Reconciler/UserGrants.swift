import KafkaProtocol
import Kubernetes

/// The ACL bindings a KafkaUser's topic grants stand for, as Koperator grants them: on the
/// topic (with the grant's pattern type) DESCRIBE and DESCRIBE_CONFIGS for either access type,
/// plus READ and READ on every consumer group (`*`, literal) for `read`, plus WRITE and CREATE
/// for `write`. Pure: every rule is table-tested, and a refusal names the grant at fault.
///
/// The bindings are the principal's whole set: the reconciler deletes any other binding of the
/// principal, so a grant taken out of the spec is taken out of Kafka.
public enum UserGrants {
    /// The principal Kafka's SSL authentication makes of the user's certificate, whose subject
    /// is `CN=<name>` (Koperator's `User:` plus the certificate's distinguished name).
    public static func principal(userName: String) -> String { "User:CN=\(userName)" }

    /// The bindings, in the grants' order without repeats; the first problem refuses them all.
    public static func bindings(_ grants: [KafkaUser.TopicGrant], principal: String) throws(UserRefusal)
        -> [AclBinding]
    {
        var bindings: [AclBinding] = []
        var seen: Set<AclBinding> = []
        func grant(
            _ type: AclResourceType, _ name: String, _ pattern: AclPatternType, _ operation: AclOperation
        ) {
            let binding = AclBinding(
                resourceType: type, resourceName: name, patternType: pattern, principal: principal,
                operation: operation)
            if seen.insert(binding).inserted { bindings.append(binding) }
        }
        for (index, topicGrant) in grants.enumerated() {
            let pattern = try patternType(topicGrant, index: index)
            let topic = topicGrant.topicName
            guard isLegalTopic(topic, pattern: pattern) else {
                throw .invalidTopicName(index: index, topic)
            }
            grant(.topic, topic, pattern, .describe)
            grant(.topic, topic, pattern, .describeConfigs)
            switch topicGrant.accessType {
            case "read":
                grant(.topic, topic, pattern, .read)
                grant(.group, "*", .literal, .read)
            case "write":
                grant(.topic, topic, pattern, .write)
                grant(.topic, topic, pattern, .create)
            default:
                throw .invalidAccessType(index: index, topicGrant.accessType)
            }
        }
        return bindings
    }

    /// Koperator's spellings; `match` and `any` select bindings but Kafka creates none with them.
    static func patternType(_ grant: KafkaUser.TopicGrant, index: Int) throws(UserRefusal) -> AclPatternType {
        switch grant.patternType ?? "literal" {
        case "", "literal": return .literal
        case "prefixed": return .prefixed
        case let value where ["match", "any"].contains(value):
            throw .patternTypeNotCreatable(index: index, value)
        case let value: throw .invalidPatternType(index: index, value)
        }
    }

    /// A literal grant names a legal topic or `*` (every topic); a prefix is a legal start of one.
    static func isLegalTopic(_ name: String, pattern: AclPatternType) -> Bool {
        if pattern == .literal && name == "*" { return true }
        return TopicRefusal.isLegalTopicName(name)
    }
}

/// Why the operator will not apply a KafkaUser's spec. Each says what to change.
public enum UserRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidAccessType(index: Int, String)
    case invalidPatternType(index: Int, String)
    case patternTypeNotCreatable(index: Int, String)
    case invalidTopicName(index: Int, String)
    case invalidSecretName(String)
    /// The Secret `spec.secretName` exists and belongs to something else.
    case secretNotOwned(String)
    /// The cluster's CA Secret cannot sign: what is wrong with it.
    case unusableCA(secret: String, reason: String)
    /// The certificate cannot be issued as asked (its common name, its DNS names).
    case certificateRequest(String)

    /// The Event's reason.
    public var reason: String {
        switch self {
        case .invalidAccessType, .invalidPatternType, .patternTypeNotCreatable, .invalidTopicName,
            .invalidSecretName, .certificateRequest:
            return "InvalidSpec"
        case .secretNotOwned: return "SecretNotOwned"
        case .unusableCA: return "InvalidCA"
        }
    }

    public var description: String {
        switch self {
        case .invalidAccessType(let index, let value):
            return "spec.topicGrants[\(index)].accessType \"\(value)\" must be read or write"
        case .invalidPatternType(let index, let value):
            return
                "spec.topicGrants[\(index)].patternType \"\(value)\" must be literal, prefixed, match or any"
        case .patternTypeNotCreatable(let index, let value):
            return
                "spec.topicGrants[\(index)].patternType \(value) only selects ACLs, Kafka creates none with it; use literal or prefixed"
        case .invalidTopicName(let index, let name):
            return
                "spec.topicGrants[\(index)].topicName \"\(name)\" is not a legal Kafka topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_' and '-'; '*' for every topic when literal)"
        case .invalidSecretName(let name):
            return "spec.secretName \"\(name)\" is not a valid Secret name (a DNS subdomain)"
        case .secretNotOwned(let name):
            return
                "Secret \(name) exists and does not belong to this KafkaUser; name another spec.secretName or delete it"
        case .unusableCA(let secret, let reason):
            return "the cluster's CA Secret \(secret) cannot sign certificates: \(reason)"
        case .certificateRequest(let reason):
            return "the user's certificate cannot be issued: \(reason)"
        }
    }
}
