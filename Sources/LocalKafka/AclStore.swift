import KafkaProtocol

/// The cluster's ACLs as a KRaft controller keeps them (`AclControlManager`) behind the
/// standard authorizer: created with Kafka's validation, listed and deleted by Kafka's filter
/// matching. They belong to the cluster, not to a broker.
public struct AclStore: Equatable, Sendable {
    /// Kafka's bound on the records one request may write (`MAX_RECORDS_PER_USER_OP`).
    public static let maximumNewBindingsPerRequest = 10_000
    /// The one name a CLUSTER resource may have.
    public static let clusterResourceName = "kafka-cluster"

    /// In the order they were created.
    public private(set) var bindings: [AclBinding] = []
    private var present: Set<AclBinding> = []

    public init() {}

    /// Creates every binding Kafka would accept; one that exists already is accepted and not
    /// repeated. Returns, per binding in order, nil or why it was refused. When the request
    /// would add more than `maximumNewBindingsPerRequest`, nothing is created.
    public mutating func create(_ creations: [AclBinding]) -> [KafkaRefusal?] {
        var refusals = creations.map(Self.refusal(of:))
        var added: [AclBinding] = []
        var adding: Set<AclBinding> = []
        for (binding, refusal) in zip(creations, refusals) where refusal == nil {
            if !present.contains(binding), adding.insert(binding).inserted { added.append(binding) }
        }
        guard added.count <= Self.maximumNewBindingsPerRequest else {
            let tooMany = KafkaRefusal(
                KafkaErrorCode.policyViolation, "Unable to perform excessively large batch operation.")
            for index in refusals.indices where !Self.isRefusedByBroker(creations[index]) {
                refusals[index] = tooMany
            }
            return refusals
        }
        bindings.append(contentsOf: added)
        present.formUnion(adding)
        return refusals
    }

    /// The bindings `filter` selects. A filter with codes Kafka does not define selects none.
    public func matching(_ filter: AclBindingFilter) -> [AclBinding] {
        bindings.filter(filter.matches)
    }

    /// Deletes what the filters select, all of them seeing the ACLs as they were before the
    /// request, as the controller's one atomic batch does: a binding two filters select is
    /// listed by both. Returns, per filter in order, the bindings it removed or its refusal.
    public mutating func delete(_ filters: [AclBindingFilter]) -> [Result<[AclBinding], KafkaRefusal>] {
        let results = filters.map { filter -> Result<[AclBinding], KafkaRefusal> in
            if filter.resourceType.isUnknown || filter.patternType.isUnknown {
                return .failure(KafkaRefusal(KafkaErrorCode.invalidRequest, "Unknown patternFilter."))
            }
            if filter.operation.isUnknown || filter.permission.isUnknown {
                return .failure(KafkaRefusal(KafkaErrorCode.invalidRequest, "Unknown entryFilter."))
            }
            return .success(matching(filter))
        }
        let removed = Set(results.flatMap { (try? $0.get()) ?? [] })
        guard !removed.isEmpty else { return results }
        bindings.removeAll { removed.contains($0) }
        present.subtract(removed)
        return results
    }

    /// The checks the receiving broker makes before forwarding to the controller (`AclApis`).
    private static func isRefusedByBroker(_ binding: AclBinding) -> Bool {
        binding.resourceType == .cluster && binding.resourceName != clusterResourceName
            || binding.resourceName.isEmpty
    }

    /// Kafka's refusal of a new binding: the broker's checks, then the controller's
    /// (`validateNewAcl`), with their messages.
    private static func refusal(of binding: AclBinding) -> KafkaRefusal? {
        func invalid(_ message: String) -> KafkaRefusal {
            KafkaRefusal(KafkaErrorCode.invalidRequest, message)
        }
        if binding.resourceType == .cluster && binding.resourceName != clusterResourceName {
            return invalid("The only valid name for the CLUSTER resource is \(clusterResourceName)")
        }
        if binding.resourceName.isEmpty { return invalid("Invalid empty resource name") }
        if binding.resourceType.isUnknown || binding.resourceType == .any {
            return invalid("Invalid resourceType \(binding.resourceType)")
        }
        if binding.patternType != .literal && binding.patternType != .prefixed {
            return invalid("Invalid patternType \(binding.patternType)")
        }
        if binding.operation.isUnknown || binding.operation == .any {
            return invalid("Invalid operation \(binding.operation)")
        }
        if binding.permission != .allow && binding.permission != .deny {
            return invalid("Invalid permissionType \(binding.permission)")
        }
        return nil
    }
}
