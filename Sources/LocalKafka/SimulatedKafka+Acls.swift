import KafkaProtocol

/// The ACL APIs as a KRaft cluster with the standard authorizer answers them. DescribeAcls is
/// answered by the receiving broker from the ACLs it knows; CreateAcls and DeleteAcls are
/// forwarded to the controller (the lowest alive broker here), whose configuration decides.
/// Without `authorizer.class.name` in the deciding broker's static configuration every ACL
/// request is refused with SECURITY_DISABLED and Kafka's message. Before that, the receiving
/// broker's authorizer asks for DESCRIBE (DescribeAcls) or ALTER (CreateAcls, DeleteAcls) on
/// the cluster, refusing the whole request with CLUSTER_AUTHORIZATION_FAILED.
extension SimulatedKafka {
    func describeAcls(_ request: DescribeAclsRequest, broker: Int32, access: ClientAccess = .unrestricted)
        -> DescribeAclsResponse
    {
        guard access.allows(.describe, on: .cluster) else {
            let refusal = access.clusterRefusal(.describeAcls)
            return DescribeAclsResponse(errorCode: refusal.code, errorMessage: refusal.message, resources: [])
        }
        guard authorizer(of: broker) != nil else {
            return DescribeAclsResponse(
                errorCode: KafkaErrorCode.securityDisabled,
                errorMessage: "No Authorizer is configured on the broker",
                resources: [])
        }
        return DescribeAclsResponse(bindings: acls.matching(request.filter))
    }

    func createAcls(_ request: CreateAclsRequest, broker: Int32, access: ClientAccess = .unrestricted) async
        -> CreateAclsResponse
    {
        guard access.allows(.alter, on: .cluster) else {
            let refusal = access.clusterRefusal(.createAcls)
            let result = CreateAclsResponse.Result(errorCode: refusal.code, errorMessage: refusal.message)
            return CreateAclsResponse(results: request.creations.map { _ in result })
        }
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

    func deleteAcls(_ request: DeleteAclsRequest, broker: Int32, access: ClientAccess = .unrestricted) async
        -> DeleteAclsResponse
    {
        guard access.allows(.alter, on: .cluster) else {
            let refusal = access.clusterRefusal(.deleteAcls)
            let result = DeleteAclsResponse.FilterResult(
                errorCode: refusal.code, errorMessage: refusal.message)
            return DeleteAclsResponse(filterResults: request.filters.map { _ in result })
        }
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

    /// The authorizer `broker`'s `server.properties` installs, nil for none.
    func authorizer(of broker: Int32) -> Authorizer? {
        Authorizer(staticConfig: brokerConfigs.staticConfigs[broker] ?? [:])
    }

    private func controllerHasAuthorizer(receivedBy broker: Int32) async -> Bool {
        authorizer(of: await simulation.snapshot().controller ?? broker) != nil
    }
}
