import JSON

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A typed value as a JSON document, keys sorted. Encoding the model's own value types and
/// reading the result back cannot fail; nil if it ever did.
func typedJSON(_ value: some Encodable) -> JSONValue? {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else { return nil }
    return try? JSONReader.parse(Array(data))
}

extension KafkaClusterStatus {
    /// The JSON merge patch of a KafkaCluster (`{"status": {...}}`) that writes the fields in
    /// which `updated` differs from this status, and nothing else; nil when none does. Fields
    /// the typed status does not know are in neither, so the patch leaves them alone.
    public func mergePatch(to updated: KafkaClusterStatus) -> JSONValue? {
        guard let current = typedJSON(self), let wanted = typedJSON(updated),
            let patch = current.mergePatch(to: wanted)
        else { return nil }
        return .object([("status", patch)])
    }
}
