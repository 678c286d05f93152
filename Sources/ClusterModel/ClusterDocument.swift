import JSON
import Yams

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A KafkaCluster as read from a manifest or the API, together with the document it came from,
/// so that writing it back keeps every field the typed model does not know.
///
/// Writing overlays the typed fields on the original document: known fields take the typed
/// value, unknown ones stay as they were, and arrays of objects are matched by their `id`,
/// `name` or `mountPath` so a broker keeps its unknown fields even when others are added or
/// removed. A typed optional set to nil leaves the original value in place.
public struct ClusterDocument: Equatable, Sendable {
    public var cluster: KafkaCluster
    public private(set) var original: JSONValue

    public init(cluster: KafkaCluster) {
        self.cluster = cluster
        self.original = .object([])
    }

    /// Reads a JSON document.
    public init(json: [UInt8]) throws(ClusterDocumentError) {
        let value: JSONValue
        do {
            value = try JSONReader.parse(json)
        } catch {
            throw .malformed(error.description)
        }
        try self.init(value: value)
    }

    /// Reads a YAML document (a single KafkaCluster).
    public init(yaml: String) throws(ClusterDocumentError) {
        let value: JSONValue
        do {
            value = try YAMLDecoder().decode(JSONValue.self, from: yaml)
        } catch {
            throw .malformed("\(error)")
        }
        try self.init(value: value)
    }

    public init(value: JSONValue) throws(ClusterDocumentError) {
        guard case .object = value else {
            throw .malformed("a KafkaCluster must be an object, not \(value.kind)")
        }
        guard value["kind"] == .string(KafkaCluster.kind) else {
            throw .wrongKind(value["kind"].map { String(decoding: $0.encoded(), as: UTF8.self) } ?? "none")
        }
        do {
            cluster = try JSONDecoder().decode(KafkaCluster.self, from: Data(value.encoded()))
        } catch let error as DecodingError {
            throw .invalidField(ClusterDocumentError.describe(error))
        } catch {
            throw .malformed("\(error)")
        }
        original = value
    }

    /// The document with the typed fields laid over the original.
    public var value: JSONValue {
        // Should encoding ever fail, the original document rather than a crash.
        guard let typed = typedJSON(cluster) else { return original }
        return Self.overlay(typed, onto: original)
    }

    public func json() -> [UInt8] { value.encoded() }

    public func yaml() throws -> String { try YAMLEncoder().encode(value) }

    static func overlay(_ typed: JSONValue, onto original: JSONValue) -> JSONValue {
        switch (typed, original) {
        case (.object(let typedMembers), .object(let originalMembers)):
            var result: [(key: String, value: JSONValue)] = originalMembers.map { member in
                guard let replacement = typedMembers.first(where: { $0.key == member.key }) else {
                    return member
                }
                return (member.key, overlay(replacement.value, onto: member.value))
            }
            for member in typedMembers where !originalMembers.contains(where: { $0.key == member.key }) {
                result.append(member)
            }
            return .object(result)
        case (.array(let typedElements), .array(let originalElements)):
            return .array(
                typedElements.enumerated().map { index, element in
                    if let key = identity(of: element),
                        let match = originalElements.first(where: { identity(of: $0) == key })
                    {
                        return overlay(element, onto: match)
                    }
                    if identity(of: element) == nil, typedElements.count == originalElements.count {
                        return overlay(element, onto: originalElements[index])
                    }
                    return element
                })
        default:
            return typed
        }
    }

    private static func identity(of element: JSONValue) -> String? {
        for key in ["id", "name", "mountPath"] {
            if let value = element[key] { return "\(key)=\(value.encoded())" }
        }
        return nil
    }
}

public enum ClusterDocumentError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case wrongKind(String)
    case invalidField(String)

    public var description: String {
        switch self {
        case .malformed(let why): return "the document cannot be read: \(why)"
        case .wrongKind(let kind): return "expected kind KafkaCluster, found \(kind)"
        case .invalidField(let why): return "the KafkaCluster is invalid: \(why)"
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingPrefix(".").description
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "\(parent.isEmpty ? "" : parent + ".")\(key.stringValue) is missing"
        case .typeMismatch(let type, let context): return "\(path(context)) should be \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)) should be \(type), found null"
        case .dataCorrupted(let context): return "\(path(context)) has an invalid value"
        @unknown default: return "invalid value"
        }
    }
}
