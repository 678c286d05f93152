import Foundation
import JSON
import TestSupport
import Yams

/// A CustomResourceDefinition of deploy/ as JSON: what `kubectl apply -f` sends, and the schema
/// the API server prunes custom resources against.
enum CRDManifest {
    static func json(_ file: String) throws -> JSONValue {
        try yamlAsJSON(
            String(contentsOf: repositoryRoot.appendingPathComponent("deploy/\(file)"), encoding: .utf8))
    }

    /// The `openAPIV3Schema` of the CRD's first version.
    static func schema(_ file: String) throws -> JSONValue {
        let crd = try json(file)
        guard case .array(let versions)? = crd["spec"]?["versions"],
            let schema = versions.first?["schema"]?["openAPIV3Schema"]
        else { throw CocoaError(.fileReadCorruptFile) }
        return schema
    }

    /// One YAML document as the JSON value it stands for.
    static func yamlAsJSON(_ text: String) throws -> JSONValue {
        let object = try Yams.load(yaml: text) ?? [:]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return try JSONReader.parse(Array(data))
    }
}
