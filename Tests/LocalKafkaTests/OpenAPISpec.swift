import Foundation
import TestSupport
import Yams

/// Cruise Control's OpenAPI spec, kept under Tests/Fixtures/cruise-control-openapi.
enum OpenAPISpec {
    static let directory = Fixtures.url("cruise-control-openapi")

    /// Endpoint (path without the slash) → parameter names, from base.yaml and endpoints/.
    static func parameterNames() throws -> [String: Set<String>] {
        let base = try Yams.load(
            yaml: String(contentsOf: directory.appendingPathComponent("base.yaml"), encoding: .utf8))
        let paths = (base as? [String: Any])?["paths"] as? [String: Any] ?? [:]
        var names: [String: Set<String>] = [:]
        for (path, value) in paths {
            guard let ref = (value as? [String: Any])?["$ref"] as? String else { continue }
            let parts = ref.split(separator: "#")
            let file = try Yams.load(
                yaml: String(contentsOf: directory.appendingPathComponent(String(parts[0])), encoding: .utf8))
            let node = (file as? [String: Any])?[String(parts[1].dropFirst())] as? [String: Any] ?? [:]
            for operation in node.values {
                let parameters = (operation as? [String: Any])?["parameters"] as? [[String: Any]] ?? []
                names[String(path.dropFirst()), default: []].formUnion(
                    parameters.compactMap { $0["name"] as? String })
            }
        }
        return names
    }
}
