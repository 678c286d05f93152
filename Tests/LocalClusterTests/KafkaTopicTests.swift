import Foundation
import TestSupport
import Testing

/// KafkaTopic as the local cluster serves it: Koperator's resource, validated as its CRD's
/// schema says, with a status subresource and the columns kubectl shows.
@Suite(.serialized) struct KafkaTopicTests {
    static let collection = "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/default/kafkatopics"

    static func topic(_ name: String, spec: String) -> String {
        #"{"apiVersion":"kafka.banzaicloud.io/v1alpha1","kind":"KafkaTopic","metadata":{"name":"\#(name)"},"spec":\#(spec)}"#
    }

    static let valid =
        #"{"clusterRef":{"name":"kafka"},"name":"orders","partitions":3,"replicationFactor":2}"#

    @Test func theSpecIsValidatedAndTheStatusIsASubresource() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let created = try await cluster.post(Self.collection, Self.topic("orders", spec: Self.valid))
        #expect(created.status == 201, "\(created.text)")

        let refused = try await cluster.post(
            Self.collection,
            Self.topic(
                "bad",
                spec:
                    #"{"clusterRef":{},"name":7,"partitions":-2,"replicationFactor":40000,"config":{"a":1}}"#)
        )
        #expect(refused.status == 422, "\(refused.text)")
        for (field, words) in [
            ("spec.clusterRef.name", "Required value"), ("spec.name", "must be of type string"),
            ("spec.partitions", "should be greater than or equal to -1"),
            ("spec.replicationFactor", "should be less than or equal to 32767"),
            ("spec.config.a", "must be of type string"),
        ] {
            #expect(refused.text.contains(#""field":"\#(field)""#), "\(field): \(refused.text)")
            #expect(refused.text.contains(words), "\(words): \(refused.text)")
        }
        #expect(try await cluster.get("\(Self.collection)/bad").status == 404)

        let path = "\(Self.collection)/orders"
        let version = try #require(try await cluster.get(path).string("metadata.resourceVersion"))
        let missing = try await cluster.put(
            "\(path)/status", #"{"metadata":{"name":"orders","resourceVersion":"\#(version)"},"status":{}}"#)
        #expect(missing.status == 422 && missing.text.contains(#""field":"status.state""#), "\(missing.text)")
        let written = try await cluster.put(
            "\(path)/status",
            #"{"metadata":{"name":"orders","resourceVersion":"\#(version)"},"spec":{"partitions":9},"status":{"state":"created","managedBy":"koperator"}}"#
        )
        #expect(written.status == 200, "\(written.text)")
        #expect(written.string("status.state") == "created")
        #expect(written.string("spec.partitions") == "3", "the status subresource changes the status only")
    }

    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func kubectlShowsTheTopicAndItsState() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        #expect(try await cluster.post(Self.collection, Self.topic("orders", spec: Self.valid)).status == 201)
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        let table = try await kubectl.run(["get", "kt"])
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdout.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        #expect(
            rows.first == ["NAME", "TOPIC", "PARTITIONS", "REPLICATION", "STATE", "AGE"], "\(table.stdout)")
        #expect(rows.dropFirst().first?.prefix(4) == ["orders", "orders", "3", "2"], "\(table.stdout)")
    }

    /// deploy/crd-kafkatopic.yaml's schema, applied by jsonschema, and the local cluster give
    /// the same verdict on each object.
    @Test(
        .enabled(if: Peer.available("python3")),
        arguments: [
            valid,
            #"{"clusterRef":{"name":"k","namespace":"other"},"name":"t","partitions":-1,"replicationFactor":-1,"config":{"retention.ms":"1"}}"#,
            #"{"clusterRef":{"name":"k"},"name":"t","partitions":-2,"replicationFactor":1}"#,
            #"{"clusterRef":{"name":"k"},"name":"t","partitions":1,"replicationFactor":32768}"#,
            #"{"clusterRef":{"name":"k"},"name":"t","partitions":1.5,"replicationFactor":1}"#,
            #"{"clusterRef":{"name":"k"},"partitions":1,"replicationFactor":1}"#,
            #"{"name":"t","partitions":1,"replicationFactor":1}"#,
            #"{"clusterRef":{"name":"k"},"name":"t","partitions":1,"replicationFactor":1,"config":{"a":true}}"#,
            #"{"clusterRef":"k","name":"t","partitions":1,"replicationFactor":1}"#, #"[]"#,
        ])
    func theLocalClusterAndTheCRDSchemaAgree(spec: String) async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let answer = try await cluster.post(Self.collection, Self.topic("agree", spec: spec))
        let script = """
            import json, sys, yaml, jsonschema
            crd = yaml.safe_load(open(sys.argv[1]))
            schema = crd['spec']['versions'][0]['schema']['openAPIV3Schema']
            try:
                jsonschema.validate(json.loads(sys.argv[2]), schema)
                print('valid')
            except jsonschema.ValidationError as error:
                print('invalid')
            """
        let verdict = try await runOffPool(
            "python3",
            [
                "-c", script, repositoryRoot.appendingPathComponent("deploy/crd-kafkatopic.yaml").path,
                Self.topic("agree", spec: spec),
            ])
        #expect(verdict.status == 0, "\(verdict.stderr)")
        let valid = verdict.stdout.hasPrefix("valid")
        #expect(
            answer.status == (valid ? 201 : 422),
            "\(spec): schema says \(verdict.stdout), server \(answer.text)")
    }
}
