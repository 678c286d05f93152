import Foundation
import TestSupport
import Testing

/// The manifests in deploy/, checked against the official Kubernetes schemas, and the example
/// cluster checked against the CRD's own schema.
@Suite struct DeployManifestTests {
    static let manifests = [
        "namespace.yaml", "crd.yaml", "crd-cruisecontroloperation.yaml", "crd-kafkatopic.yaml",
        "crd-kafkauser.yaml", "rbac.yaml",
        "operator.yaml",
    ].map {
        repositoryRoot.appendingPathComponent("deploy/\($0)").path
    }

    @Test func deployManifestsPassStrictValidation() throws {
        guard Peer.available("kubernetes-validate") else { return }
        let output = try runProcess("kubernetes-validate", ["--strict"] + Self.manifests)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let passed = output.stdout.split(separator: "\n").filter { $0.contains(" passed ") }
        #expect(passed.count == 11, "\(output.stdout)")
    }

    /// The CRD's openAPIV3Schema, applied with a JSON Schema validator (the x-kubernetes keys are
    /// extensions it ignores): the example must pass, and documents the API server would refuse
    /// must fail, so the schema is known to bite.
    @Test(arguments: [
        ("the example", "", true),
        ("a broker without an id", "doc['spec']['brokers'].append({'brokerConfigGroup': 'default'})", false),
        ("a negative broker id", "doc['spec']['brokers'][0]['id'] = -1", false),
        ("brokers that are not a list", "doc['spec']['brokers'] = 'three'", false),
        ("no spec", "del doc['spec']", false),
        ("an unknown spec field (kept)", "doc['spec']['kRaft'] = True", true),
        (
            "a metrics topic without a replication factor",
            "del doc['spec']['cruiseControlConfig']['topicConfig']['replicationFactor']", false
        ),
        (
            "a metrics topic of no partitions",
            "doc['spec']['cruiseControlConfig']['topicConfig']['partitions'] = 0", false
        ),
        (
            "Cruise Control properties that are not text",
            "doc['spec']['cruiseControlConfig']['config'] = {'a': 1}", false
        ),
        (
            "Cruise Control tolerations that are not a list",
            "doc['spec']['cruiseControlConfig']['tolerations'] = {'key': 'x'}", false
        ),
        (
            "a task retry duration, in Koperator's spelling",
            "doc['spec']['cruiseControlConfig']['cruiseControlTaskSpec'] = {'RetryDurationMinutes': 5}", true
        ),
        (
            "an unknown Cruise Control field (kept)",
            "doc['spec']['cruiseControlConfig']['cruiseControlOperationSpec'] = {'ttlSecondsAfterFinished': 300}",
            true
        ),
    ])
    func exampleClusterMatchesTheCRDSchema(_ row: (name: String, mutation: String, valid: Bool)) throws {
        guard Peer.available("python3") else { return }
        let script = """
            import sys, yaml, jsonschema
            crd = yaml.safe_load(open(sys.argv[1]))
            schema = crd['spec']['versions'][0]['schema']['openAPIV3Schema']
            doc = yaml.safe_load(open(sys.argv[2]))
            \(row.mutation)
            try:
                jsonschema.validate(doc, schema)
                print('valid')
            except jsonschema.ValidationError as error:
                print('invalid:', error.message)
            """
        let output = try runProcess(
            "python3",
            [
                "-c", script, repositoryRoot.appendingPathComponent("deploy/crd.yaml").path,
                repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path,
            ])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.hasPrefix(row.valid ? "valid" : "invalid:"), "\(row.name): \(output.stdout)")
    }
}
