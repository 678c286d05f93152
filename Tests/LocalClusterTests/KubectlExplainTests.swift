import Foundation
import JSON
import TestSupport
import Testing

@testable import LocalCluster

/// `kubectl explain` reads the OpenAPI v3 document of the resource's group version and walks
/// its `components.schemas` from the schema whose `x-kubernetes-group-version-kind` is the
/// resource's (API concepts, "OpenAPI interface definition", OpenAPI V3:
/// https://kubernetes.io/docs/concepts/overview/kubernetes-api/#openapi-v3). The built-in
/// kinds' schemas are the official ones; a custom resource's is its stored CRD's.
@Suite(.serialized) struct KubectlExplainTests {
    static func explain(_ kubectl: KubectlSession, _ arguments: String...) async throws -> ProcessOutput {
        try await kubectl.run(["explain"] + arguments)
    }

    @Test(.enabled(if: Kubectl.available))
    func builtInKindsAreExplainedFromTheirOfficialSchemas() async throws {
        try await TestCluster.with { cluster in
            let kubectl = try KubectlSession(cluster)
            defer { kubectl.remove() }
            let containers = try await Self.explain(kubectl, "pod.spec.containers")
            #expect(containers.status == 0, "\(containers.stderr)")
            for line in [
                "KIND:       Pod", "VERSION:    v1", "FIELD: containers <[]Container>",
                "    List of containers belonging to the pod.", "  image\t<string>",
                "  name\t<string> -required-",
                "  ports\t<[]ContainerPort>", "  resources\t<ResourceRequirements>",
            ] {
                #expect(containers.stdout.contains(line), "\(line) in \(containers.stdout)")
            }
            let rows: [(String, String)] = [
                ("svc.spec.ports.targetPort", "FIELD: targetPort <IntOrString>"),
                ("pod.spec.containers.resources.limits", "FIELD: limits <map[string]Quantity>"),
                ("deployment.spec.strategy", "GROUP:      apps"),
                ("deployment.spec.strategy", "  rollingUpdate\t<RollingUpdateDeployment>"),
                ("configmap", "  data\t<map[string]string>"),
                ("pvc.spec.resources", "  requests\t<map[string]Quantity>"),
                ("sc.allowVolumeExpansion", "FIELD: allowVolumeExpansion <boolean>"),
                ("crd.spec.versions.schema", "FIELD: schema <CustomResourceValidation>"),
                ("clusterrole.rules", "  verbs\t<[]string> -required-"),
            ]
            for (path, line) in rows {
                let output = try await Self.explain(kubectl, path)
                #expect(output.status == 0, "\(path): \(output.stderr)")
                #expect(output.stdout.contains(line), "\(path): \(output.stdout)")
            }
            let missing = try await Self.explain(kubectl, "pods.spec.nope")
            #expect(missing.status != 0)
            #expect(missing.stderr.contains(#"field "nope" does not exist"#), "\(missing.stderr)")
        }
    }

    @Test(.enabled(if: Kubectl.available))
    func customResourcesAreExplainedFromTheirStoredCRD() async throws {
        try await TestCluster.with { cluster in
            let kubectl = try KubectlSession(cluster)
            defer { kubectl.remove() }
            // Served before its CRD is applied, without a schema, and saying so.
            let bare = try await Self.explain(kubectl, "kafkacluster")
            #expect(bare.status == 0, "\(bare.stderr)")
            #expect(bare.stdout.contains("KIND:       KafkaCluster"), "\(bare.stdout)")
            #expect(bare.stdout.contains("served without a schema"), "\(bare.stdout)")

            let path = repositoryRoot.appendingPathComponent("deploy/crd.yaml").path
            let applied = try await kubectl.run(["apply", "-f", path])
            #expect(applied.status == 0, "\(applied.stderr)")
            let spec = try await Self.explain(kubectl, "kafkacluster.spec")
            #expect(spec.status == 0, "\(spec.stderr)")
            for line in [
                "GROUP:      kafka.banzaicloud.io", "KIND:       KafkaCluster", "VERSION:    v1beta1",
                "FIELD: spec <Object>", "  brokers\t<[]Object> -required-", "  clusterImage\t<string>",
            ] {
                #expect(spec.stdout.contains(line), "\(line) in \(spec.stdout)")
            }
            let id = try await Self.explain(kubectl, "kc.spec.brokers.id")
            #expect(id.stdout.contains("FIELD: id <integer>"), "\(id.stdout)\(id.stderr)")
            let metadata = try await Self.explain(kubectl, "kafkacluster.metadata.labels")
            #expect(metadata.stdout.contains("FIELD: labels <map[string]string>"), "\(metadata.stdout)")
        }
    }

    /// The documents are cheap to serve: a built-in group version's is made and encoded once, and
    /// the root's hash for a custom group changes when its CRD does, so kubectl's cache of the
    /// schemaless document is not used after the CRD is applied.
    @Test(.enabled(if: Peer.available("curl")))
    func documentsAreMadeOnceAndHashedByContent() async throws {
        try await TestCluster.with { cluster in
            let first = OpenAPIDocuments(registry: .standard, crds: [:]).document(group: "", version: "v1")
            let clock = ContinuousClock()
            var second: OpenAPIDocuments.Document?
            let elapsed = clock.measure {
                second = OpenAPIDocuments(registry: .standard, crds: [:]).document(group: "", version: "v1")
            }
            #expect(first?.bytes == second?.bytes)
            #expect(elapsed < .milliseconds(5), "a cached document took \(elapsed)")
            #expect((first?.bytes.count ?? 0) > 100_000)

            let root = try await cluster.get("/openapi/v3")
            let url = root.json.value(at: ["paths", "apis/kafka.banzaicloud.io/v1beta1", "serverRelativeURL"])
            let core = try await cluster.get(
                root.json.value(at: ["paths", "api/v1", "serverRelativeURL"])?.stringValue ?? "")
            #expect(core.status == 200)
            #expect(core.json.value(at: ["components", "schemas", "io.k8s.api.core.v1.Pod"]) != nil)
            let crd = try CRDManifest.json("crd.yaml")
            #expect(
                try await cluster.post(
                    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                    String(decoding: crd.encoded(), as: UTF8.self)
                ).status == 201)
            let after = try await cluster.get("/openapi/v3")
            let changed = after.json.value(at: [
                "paths", "apis/kafka.banzaicloud.io/v1beta1", "serverRelativeURL",
            ])
            #expect(url != nil && changed != nil && url != changed)
            #expect(
                after.json.value(at: ["paths", "api/v1"]) == root.json.value(at: ["paths", "api/v1"]))
            let document = try await cluster.get(changed?.stringValue ?? "")
            let schema = document.json.value(at: [
                "components", "schemas", "io.banzaicloud.kafka.v1beta1.KafkaCluster",
            ])
            #expect(schema?.value(at: ["properties", "spec", "required"]) == .array([.string("brokers")]))
            #expect(
                document.json.value(at: [
                    "components", "schemas", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
                ]) != nil)
        }
    }

    /// Every schema the built-in table names is there, every served built-in kind has one, and
    /// none keeps a JSON Schema form the server's documents do not use.
    @Test func builtInSchemasAreCompleteAndInTheServersForm() {
        let schemas = OpenAPISchemas.builtIn
        #expect(schemas.count > 200)
        for (name, schema) in schemas {
            var names: [String] = []
            OpenAPISchemas.references(schema, into: &names)
            for reference in names { #expect(schemas[reference] != nil, "\(name) → \(reference)") }
            let text = String(decoding: schema.encoded(), as: UTF8.self)
            #expect(!text.contains("#/$defs/"), "\(name)")
            #expect(!text.contains(#""null""#), "\(name)")
        }
        for definition in ResourceRegistry.standard.definitions
        where !definition.group.hasSuffix("banzaicloud.io") {
            #expect(OpenAPISchemas.builtInName(definition) != nil, "\(definition.kind)")
        }
    }
}
