import ClusterModel
import JSON

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The example KafkaCluster, resized: its brokers replaced by brokers 0..<count, all in the
/// `default` group, so every size has the same per-broker shape.
struct ClusterManifest: Sendable {
    let document: JSONValue

    init(path: String) throws(BenchmarkError) {
        do {
            let yaml = try String(contentsOfFile: path, encoding: .utf8)
            document = try ClusterDocument(yaml: yaml).original
        } catch {
            throw .unreadableManifest(path: path, reason: "\(error)")
        }
    }

    /// `withBrokers(count)`, named `name`: one of several clusters in one namespace.
    func withBrokers(_ count: Int, name: String) -> JSONValue {
        Self.replacing(withBrokers(count), at: ["metadata", "name"], with: .string(name))
    }

    func withBrokers(_ count: Int) -> JSONValue {
        let brokers = JSONValue.array(
            (0..<count).map { id in
                .object([("id", .number(String(id))), ("brokerConfigGroup", .string("default"))])
            })
        return Self.replacing(document, at: ["spec", "brokers"], with: brokers)
    }

    private static func replacing(
        _ value: JSONValue, at path: ArraySlice<String>, with replacement: JSONValue
    )
        -> JSONValue
    {
        guard let key = path.first else { return replacement }
        guard case .object(var members) = value else { return value }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = replacing(members[index].value, at: path.dropFirst(), with: replacement)
        } else {
            members.append((key, replacing(.object([]), at: path.dropFirst(), with: replacement)))
        }
        return .object(members)
    }
}
