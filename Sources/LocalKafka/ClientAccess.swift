import KafkaProtocol

/// What the answering broker lets the client of one request do: its authorizer (nil when its
/// `server.properties` installs none, and then everything is allowed) asked about the
/// connection's principal and address under the cluster's ACLs as they are when the request
/// arrives.
struct ClientAccess: Sendable {
    var authorizer: Authorizer?
    var principal: String
    var host: String
    var acls: AclStore

    /// A broker without an authorizer.
    static let unrestricted = ClientAccess(
        authorizer: nil, principal: KafkaPrincipal.anonymous, host: "127.0.0.1", acls: AclStore())

    func allows(_ operation: AclOperation, on resource: Authorizer.Resource) -> Bool {
        authorizer?.allows(principal, host: host, operation, on: resource, acls: acls) ?? true
    }

    /// The operations of `resource`'s type that Kafka reports in Metadata and DescribeCluster
    /// (`AclEntry.supportedOperations`) which the client may perform, one bit per operation
    /// code; every one of them without an authorizer.
    func authorizedOperations(on resource: Authorizer.Resource) -> Int32 {
        let supported: [AclOperation] =
            switch resource.type {
            case .topic:
                [.read, .write, .create, .describe, .delete, .alter, .describeConfigs, .alterConfigs]
            case .cluster:
                [
                    .create, .clusterAction, .describeConfigs, .alterConfigs, .idempotentWrite, .alter,
                    .describe,
                ]
            default: []
            }
        return supported.filter { allows($0, on: resource) }.reduce(0) { $0 | Int32(1) << $1.rawValue }
    }

    /// Kafka's refusal of a cluster-level request (`authorizeClusterOperation`), whose message
    /// names the request; Kafka prints its whole internal description of it there.
    func clusterRefusal(_ api: ApiKey) -> KafkaRefusal {
        KafkaRefusal(
            KafkaErrorCode.clusterAuthorizationFailed, "Request \(api) from \(principal) is not authorized.")
    }
}
