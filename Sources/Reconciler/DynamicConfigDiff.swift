import ClusterModel
import KafkaAdmin
import KafkaProtocol

/// What one dynamic config resource (a broker, or the cluster-wide default) needs, from what
/// the spec asks (`desired`), the keys the operator keeps there (`owned`, from the status) and
/// what DescribeConfigs reports (`actual`). Pure: the reconciler does the I/O.
///
/// A desired key is in place when Kafka reports the desired value for it on this resource, at
/// whatever level (a broker's value may come from its `server.properties`, which the operator
/// renders from the same spec). A key taken out of the spec is deleted only when the operator
/// keeps it and it is still set at this resource's own dynamic level: keys others set (Cruise
/// Control's throttles, a person) are never touched.
struct DynamicConfigDiff: Equatable {
    let target: ConfigTarget
    let desired: [String: String]
    let owned: Set<String>
    let actual: [ConfigEntry]

    /// The SETs and DELETEs that take the resource to the spec, sorted by key.
    var operations: [ConfigOperation] {
        var operations: [ConfigOperation] = []
        for key in desired.keys.sorted() where !isInPlace(key) {
            operations.append(.set(key: key, value: desired[key] ?? ""))
        }
        for key in owned.subtracting(desired.keys).sorted() where isSetHere(key) {
            operations.append(.delete(key: key))
        }
        return operations
    }

    /// The keys the operator keeps after this read: those of the spec (less the ones Kafka
    /// refused) and those it kept before, each only while it is set at this resource's own
    /// dynamic level. A key the spec asks for that the broker already has from its
    /// `server.properties` is not the operator's to delete later.
    func ownedKeys(refused: Set<String>) -> Set<String> {
        Set(desired.keys).subtracting(refused).union(owned).filter(isSetHere)
    }

    /// Kafka never returns a sensitive value (a password): such a key counts as in place once
    /// it is set at this resource's own level, so a changed password is not noticed by reading
    /// back (see docs/dynamic-configuration.md).
    private func isInPlace(_ key: String) -> Bool {
        guard let wanted = desired[key], let entry = entry(key) else { return false }
        if entry.isSensitive { return isSetHere(key) }
        return entry.value == wanted
    }

    private func isSetHere(_ key: String) -> Bool {
        guard let entry = entry(key) else { return false }
        switch target {
        case .clusterDefault:
            // The default resource reports only what is set at its own level.
            return true
        case .broker:
            return entry.source == .dynamicBroker
        }
    }

    private func entry(_ key: String) -> ConfigEntry? { actual.first { $0.name == key } }
}
