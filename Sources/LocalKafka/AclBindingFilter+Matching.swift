import KafkaProtocol

extension AclBindingFilter {
    /// Whether the filter selects `binding`, as Kafka's `AclBindingFilter.matches` decides.
    ///
    /// Names compare by their bytes, as Java's `String.equals` and `startsWith` do, not by
    /// Unicode equivalence. A code Kafka does not define matches only itself, and no stored
    /// binding holds one.
    func matches(_ binding: AclBinding) -> Bool {
        matchesPattern(of: binding) && matchesEntry(of: binding)
    }

    private func matchesPattern(of binding: AclBinding) -> Bool {
        if resourceType != .any && resourceType != binding.resourceType { return false }
        if patternType != .any && patternType != .match && patternType != binding.patternType { return false }
        guard let name = resourceName else { return true }
        if patternType == .any || patternType == binding.patternType {
            return name.utf8.elementsEqual(binding.resourceName.utf8)
        }
        // MATCH: the bindings that apply to a resource named `name`.
        switch binding.patternType {
        case .literal:
            return name.utf8.elementsEqual(binding.resourceName.utf8) || binding.resourceName == "*"
        case .prefixed:
            return name.utf8.starts(with: binding.resourceName.utf8)
        default:
            return false
        }
    }

    private func matchesEntry(of binding: AclBinding) -> Bool {
        if let principal, !principal.utf8.elementsEqual(binding.principal.utf8) { return false }
        if let host, !host.utf8.elementsEqual(binding.host.utf8) { return false }
        if operation != .any && operation != binding.operation { return false }
        return permission == .any || permission == binding.permission
    }
}
