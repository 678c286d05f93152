import KafkaProtocol

/// The ACL APIs. Any broker answers them, as Kafka's own admin client sends them: a KRaft
/// broker forwards CreateAcls and DeleteAcls to the controller.
extension KafkaProtocolAdminClient {
    public func createAcls(_ bindings: [AclBinding]) async throws {
        guard !bindings.isEmpty else { return }
        let response = try await withAnyBroker { try await $0.send(CreateAclsRequest(creations: bindings)) }
        guard response.results.count == bindings.count else {
            throw KafkaAdminError.brokerError(
                api: .createAcls, code: KafkaErrorCode.unknownServerError,
                message: "the response has \(response.results.count) results for \(bindings.count) ACLs",
                resource: nil)
        }
        let refusals = zip(bindings, response.results).compactMap { binding, result in
            result.errorCode == KafkaErrorCode.none
                ? nil : AclRefusal(.binding(binding), code: result.errorCode, message: result.errorMessage)
        }
        guard refusals.isEmpty else { throw KafkaAdminError.aclsRefused(api: .createAcls, refusals) }
    }

    public func describeAcls(_ filter: AclBindingFilter) async throws -> [AclBinding] {
        let response = try await withAnyBroker { try await $0.send(DescribeAclsRequest(filter: filter)) }
        guard response.errorCode == KafkaErrorCode.none else {
            throw KafkaAdminError.aclsRefused(
                api: .describeAcls,
                [AclRefusal(.filter(filter), code: response.errorCode, message: response.errorMessage)])
        }
        return response.bindings
    }

    public func deleteAcls(_ filters: [AclBindingFilter]) async throws -> [AclBinding] {
        guard !filters.isEmpty else { return [] }
        let response = try await withAnyBroker { try await $0.send(DeleteAclsRequest(filters: filters)) }
        guard response.filterResults.count == filters.count else {
            throw KafkaAdminError.brokerError(
                api: .deleteAcls, code: KafkaErrorCode.unknownServerError,
                message:
                    "the response has \(response.filterResults.count) results for \(filters.count) filters",
                resource: nil)
        }
        var deleted: [AclBinding] = []
        var seen: Set<AclBinding> = []
        var refusals: [AclRefusal] = []
        for (filter, result) in zip(filters, response.filterResults) {
            guard result.errorCode == KafkaErrorCode.none else {
                refusals.append(
                    AclRefusal(.filter(filter), code: result.errorCode, message: result.errorMessage))
                continue
            }
            for acl in result.matchingAcls {
                if acl.errorCode != KafkaErrorCode.none {
                    refusals.append(
                        AclRefusal(.binding(acl.binding), code: acl.errorCode, message: acl.errorMessage))
                } else if seen.insert(acl.binding).inserted {
                    deleted.append(acl.binding)
                }
            }
        }
        guard refusals.isEmpty else { throw KafkaAdminError.aclsRefused(api: .deleteAcls, refusals) }
        return deleted
    }
}
