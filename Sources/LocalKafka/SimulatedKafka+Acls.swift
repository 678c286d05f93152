import KafkaProtocol

/// The ACL APIs as a KRaft cluster with the standard authorizer answers them. DescribeAcls is
/// answered by the receiving broker from the ACLs it knows; CreateAcls and DeleteAcls are
/// forwarded to the controller (the lowest alive broker here), whose configuration decides.
/// Without `authorizer.class.name` in the deciding broker's static configuration every ACL
/// request is refused with SECURITY_DISABLED and Kafka's message.
extension SimulatedKafka {
    /// The static key that installs an authorizer; Kafka cannot set it dynamically.
    static let authorizerKey = "authorizer.class.name"

    func describeAcls(_ request: DescribeAclsRequest, broker: Int32) -> DescribeAclsResponse {
        guard hasAuthorizer(broker: broker) else {
            return DescribeAclsResponse(
                errorCode: KafkaErrorCode.securityDisabled,
                errorMessage: "No Authorizer is configured on the broker",
                resources: [])
        }
        return DescribeAclsResponse(bindings: acls.matching(request.filter))
    }

    func createAcls(_ request: CreateAclsRequest, broker: Int32) async -> CreateAclsResponse {
        guard await controllerHasAuthorizer(receivedBy: broker) else {
            let refusal = CreateAclsResponse.Result(
                errorCode: KafkaErrorCode.securityDisabled, errorMessage: "No Authorizer is configured.")
            return CreateAclsResponse(results: request.creations.map { _ in refusal })
        }
        return CreateAclsResponse(
            results: acls.create(request.creations).map {
                .init(errorCode: $0?.code ?? KafkaErrorCode.none, errorMessage: $0?.message)
            })
    }

    func deleteAcls(_ request: DeleteAclsRequest, broker: Int32) async -> DeleteAclsResponse {
        guard await controllerHasAuthorizer(receivedBy: broker) else {
            let refusal = DeleteAclsResponse.FilterResult(
                errorCode: KafkaErrorCode.securityDisabled, errorMessage: "No Authorizer is configured.")
            return DeleteAclsResponse(filterResults: request.filters.map { _ in refusal })
        }
        return DeleteAclsResponse(
            filterResults: acls.delete(request.filters).map { result in
                switch result {
                case .success(let removed):
                    return .init(matchingAcls: removed.map { .init(binding: $0) })
                case .failure(let refusal):
                    return .init(errorCode: refusal.code, errorMessage: refusal.message)
                }
            })
    }

    /// Whether `broker`'s `server.properties` names an authorizer (an empty value names none).
    func hasAuthorizer(broker: Int32) -> Bool {
        !(brokerConfigs.staticConfigs[broker]?[Self.authorizerKey] ?? "").isEmpty
    }

    private func controllerHasAuthorizer(receivedBy broker: Int32) async -> Bool {
        hasAuthorizer(broker: await simulation.snapshot().controller ?? broker)
    }
}
