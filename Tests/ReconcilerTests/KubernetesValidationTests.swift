import ClusterModel
import Foundation
import Kubernetes
import TestSupport
import Testing

@testable import Reconciler

/// Every rendered object is checked against the Kubernetes OpenAPI schema by
/// `kubernetes-validate --strict`, which also refuses fields the schema does not know.
@Suite(.enabled(if: Peer.available("kubernetes-validate"), "kubernetes-validate is not installed"))
struct KubernetesValidationTests {
    static func variants() throws -> [(String, KafkaCluster)] {
        let example = try ClusterFixtures.example()
        var allBroker = example
        allBroker.spec.headlessServiceEnabled = false
        var bare = try ClusterFixtures.withBrokers([0, 7])
        bare.spec.listenersConfig = nil
        bare.spec.brokerConfigGroups?["default"]?.storageConfigs = [StorageConfig(mountPath: "/scratch")]
        return [("example", example), ("all-broker", allBroker), ("bare", bare)]
    }

    @Test func everyRenderedObjectValidatesStrictly() throws {
        let directory = try TemporaryDirectory(prefix: "rendered")
        defer { directory.remove() }
        var files: [String] = []
        for (variant, cluster) in try Self.variants() {
            files += try Self.write(ClusterFixtures.render(cluster).objects, prefix: variant, into: directory)
        }
        #expect(files.count > 20)
        let output = try runProcess("kubernetes-validate", ["--strict", "--no-warn", "-k", "1.31.0"] + files)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let validated = output.stdout.split(separator: "\n").filter { $0.hasPrefix("INFO") }
        #expect(validated.count == files.count, "\(output.stdout)")
    }

    /// Writes each object as JSON into `directory`; returns the file paths.
    static func write(_ objects: [OwnedObject], prefix: String, into directory: TemporaryDirectory) throws
        -> [String]
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try objects.map { object in
            let data = try encoder.encode(object.base)
            let file = directory.file("\(prefix)-\(object.resourceType.plural)-\(object.name).json")
            try data.write(to: file)
            return file.path
        }
    }
}
