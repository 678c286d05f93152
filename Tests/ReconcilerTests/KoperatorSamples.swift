import ClusterModel
import Foundation
import TestSupport

/// The KafkaCluster samples of Koperator's `config/samples` (and its `kraft` branch), as
/// shipped in `Tests/Fixtures/koperator-samples`.
enum KoperatorSamples {
    static let folder = "koperator-samples"

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url(folder).path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    /// The sample as the API server would hold it: in a namespace (a manifest may leave it out).
    static func cluster(_ name: String) throws -> KafkaCluster {
        let text = String(decoding: try Fixtures.bytes("\(folder)/\(name)"), as: UTF8.self)
        var cluster = try ClusterDocument(yaml: text).cluster
        cluster.metadata.namespace = cluster.metadata.namespace ?? "kafka"
        return cluster
    }
}
