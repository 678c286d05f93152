import JSON

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Kubernetes objects a spec keeps as written (init containers, volumes, mounts, ports),
/// decoded into the operator's typed objects only when the typed form carries every field:
/// a field the types do not know would otherwise vanish from the pod without a word.
enum PassThrough {
    /// The first field of a list element that the typed form cannot carry: its path from the
    /// list, e.g. `[0].hostPath`, or `[1]` for an element that does not decode at all.
    struct Loss: Equatable, Sendable {
        let path: String
    }

    /// Each element of `value` (an array) as a `T`, and what could not be carried.
    static func decode<T: Codable>(_ value: JSONValue?, as type: T.Type) -> (items: [T], losses: [Loss]) {
        guard let value else { return ([], []) }
        guard case .array(let elements) = value else { return ([], [Loss(path: "")]) }
        var items: [T] = []
        var losses: [Loss] = []
        for (index, element) in elements.enumerated() {
            guard let item = try? JSONDecoder().decode(T.self, from: Data(element.encoded())),
                let data = try? JSONEncoder().encode(item),
                let back = try? JSONReader.parse(Array(data))
            else {
                losses.append(Loss(path: "[\(index)]"))
                continue
            }
            if let lost = firstLoss(element, back) {
                losses.append(Loss(path: "[\(index)]" + lost))
            } else {
                items.append(item)
            }
        }
        return (items, losses)
    }

    /// The path of the first part of `original` that `carried` lacks or changed; nil when
    /// nothing was lost. A null member counts as absent.
    private static func firstLoss(_ original: JSONValue, _ carried: JSONValue) -> String? {
        switch (original, carried) {
        case (.object(let members), .object):
            for member in members where member.value != .null {
                guard let other = carried[member.key] else { return ".\(member.key)" }
                if let deeper = firstLoss(member.value, other) { return ".\(member.key)" + deeper }
            }
            return nil
        case (.array(let items), .array(let others)):
            guard items.count == others.count else { return "" }
            for (index, pair) in zip(items, others).enumerated() {
                if let deeper = firstLoss(pair.0, pair.1) { return "[\(index)]" + deeper }
            }
            return nil
        default:
            return original == carried ? nil : ""
        }
    }
}
