import Foundation
import TestSupport
import Testing
import Yams

@testable import LocalCluster

/// The local cluster serves the custom resources with the printer columns and categories their
/// CustomResourceDefinitions in deploy/ declare: one source of truth for what kubectl shows.
struct CRDColumnsTests {
    @Test(arguments: [
        ("crd.yaml", "kafkaclusters"), ("crd-cruisecontroloperation.yaml", "cruisecontroloperations"),
        ("crd-kafkatopic.yaml", "kafkatopics"), ("crd-kafkauser.yaml", "kafkausers"),
    ])
    func columnsAndCategoriesAreTheCRDs(file: String, plural: String) throws {
        let text = try String(
            contentsOf: repositoryRoot.appendingPathComponent("deploy/\(file)"), encoding: .utf8)
        let crd = try #require(try Yams.load(yaml: text) as? [String: Any])
        let spec = try #require(crd["spec"] as? [String: Any])
        let names = try #require(spec["names"] as? [String: Any])
        let version = try #require(
            (spec["versions"] as? [[String: Any]])?.first { $0["served"] as? Bool == true })
        let declared = (version["additionalPrinterColumns"] as? [[String: Any]] ?? []).map {
            ResourceDefinition.PrinterColumn(
                name: $0["name"] as? String ?? "", type: $0["type"] as? String ?? "",
                jsonPath: $0["jsonPath"] as? String ?? "", priority: $0["priority"] as? Int ?? 0)
        }
        let served = try #require(ResourceRegistry.standard.definitions.first { $0.plural == plural })
        #expect(served.printerColumns == declared)
        #expect(served.categories == (names["categories"] as? [String] ?? []))
        #expect(served.shortNames == (names["shortNames"] as? [String] ?? []))
    }
}
