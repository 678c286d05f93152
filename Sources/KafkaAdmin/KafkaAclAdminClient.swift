import KafkaProtocol

/// The ACL administration a user controller needs, as a seam: the three ACL APIs.
/// `KafkaProtocolAdminClient` speaks it to real brokers.
public protocol KafkaAclAdminClient: Sendable {
    /// Creates ACL bindings; one that exists already counts as created. Kafka validates each
    /// binding on its own: the refused ones are listed in `KafkaAdminError.aclsRefused`, the
    /// others are created.
    func createAcls(_ bindings: [AclBinding]) async throws
    /// The ACL bindings `filter` selects.
    func describeAcls(_ filter: AclBindingFilter) async throws -> [AclBinding]
    /// Deletes every binding one of `filters` selects and returns them, each once. A refused
    /// filter is listed in `KafkaAdminError.aclsRefused`; what the others selected is deleted.
    func deleteAcls(_ filters: [AclBindingFilter]) async throws -> [AclBinding]
}
