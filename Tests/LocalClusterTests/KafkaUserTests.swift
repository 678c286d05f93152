import Foundation
import TestSupport
import Testing

/// KafkaUser as the local cluster serves it: Koperator's resource, validated as its CRD's
/// schema says, with a status subresource and the columns kubectl shows.
@Suite(.serialized) struct KafkaUserTests {
    static let collection = "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/default/kafkausers"

    static func user(_ name: String, spec: String) -> String {
        #"{"apiVersion":"kafka.banzaicloud.io/v1alpha1","kind":"KafkaUser","metadata":{"name":"\#(name)"},"spec":\#(spec)}"#
    }

    static let valid =
        #"{"clusterRef":{"name":"kafka"},"secretName":"alice-tls","topicGrants":[{"topicName":"orders","accessType":"read"},{"topicName":"events-","accessType":"write","patternType":"prefixed"}]}"#

    @Test func theSpecIsValidatedAndTheStatusIsASubresource() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let created = try await cluster.post(Self.collection, Self.user("alice", spec: Self.valid))
        #expect(created.status == 201, "\(created.text)")

        let refused = try await cluster.post(
            Self.collection,
            Self.user(
                "bad",
                spec:
                    #"{"clusterRef":{},"createCert":"yes","expirationSeconds":60,"topicGrants":[{"topicName":"orders","accessType":"admin","patternType":"regex"},{"accessType":"read"}]}"#
            ))
        #expect(refused.status == 422, "\(refused.text)")
        for (field, words) in [
            ("spec.clusterRef.name", "Required value"), ("spec.secretName", "Required value"),
            ("spec.createCert", "must be of type boolean"),
            ("spec.expirationSeconds", "should be greater than or equal to 3600"),
            ("spec.topicGrants[0].accessType", #"supported values: \"read\", \"write\""#),
            ("spec.topicGrants[0].patternType", "Unsupported value"),
            ("spec.topicGrants[1].topicName", "Required value"),
        ] {
            #expect(refused.text.contains(#""field":"\#(field)""#), "\(field): \(refused.text)")
            #expect(refused.text.contains(words), "\(words): \(refused.text)")
        }
        #expect(try await cluster.get("\(Self.collection)/bad").status == 404)

        let path = "\(Self.collection)/alice"
        let version = try #require(try await cluster.get(path).string("metadata.resourceVersion"))
        let missing = try await cluster.put(
            "\(path)/status", #"{"metadata":{"name":"alice","resourceVersion":"\#(version)"},"status":{}}"#)
        #expect(missing.status == 422 && missing.text.contains(#""field":"status.state""#), "\(missing.text)")
        let written = try await cluster.put(
            "\(path)/status",
            #"{"metadata":{"name":"alice","resourceVersion":"\#(version)"},"spec":{"secretName":"other"},"status":{"state":"created","acls":["ALLOW READ TOPIC orders LITERAL"]}}"#
        )
        #expect(written.status == 200, "\(written.text)")
        #expect(written.string("status.state") == "created")
        #expect(
            written.string("spec.secretName") == "alice-tls", "the status subresource changes the status only"
        )
    }

    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func kubectlShowsTheUserAndItsState() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        #expect(try await cluster.post(Self.collection, Self.user("alice", spec: Self.valid)).status == 201)
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        for resource in ["kafkausers", "ku"] {
            let table = try await kubectl.run(["get", resource])
            #expect(table.status == 0, "\(table.stderr)")
            let rows = table.stdout.split(separator: "\n").map {
                $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            }
            #expect(rows.first == ["NAME", "CLUSTER", "SECRET", "STATE", "AGE"], "\(table.stdout)")
            #expect(rows.dropFirst().first?.prefix(3) == ["alice", "kafka", "alice-tls"], "\(table.stdout)")
        }
        let wide = try await kubectl.run(["get", "kafkausers", "-o", "wide"])
        #expect(wide.stdout.hasPrefix("NAME") && wide.stdout.contains("EXPIRES"), "\(wide.stdout)")
    }

    /// deploy/crd-kafkauser.yaml's schema, applied by jsonschema, and the local cluster give
    /// the same verdict on each object.
    @Test(
        .enabled(if: Peer.available("python3")),
        arguments: [
            valid,
            #"{"clusterRef":{"name":"k","namespace":"other"},"secretName":"s","createCert":false,"includeJKS":true,"dnsNames":["a.example"],"expirationSeconds":3600}"#,
            #"{"clusterRef":{"name":"k"},"secretName":"s","topicGrants":[{"topicName":"t","accessType":"admin"}]}"#,
            #"{"clusterRef":{"name":"k"},"secretName":"s","topicGrants":[{"topicName":"t","accessType":"read","patternType":"match"}]}"#,
            #"{"clusterRef":{"name":"k"},"secretName":"s","topicGrants":[{"topicName":"t","accessType":"read","patternType":"glob"}]}"#,
            #"{"clusterRef":{"name":"k"},"secretName":"s","topicGrants":[{"accessType":"read"}]}"#,
            #"{"clusterRef":{"name":"k"},"secretName":"s","createCert":"no"}"#,
            #"{"clusterRef":{"name":"k"},"secretName":"s","expirationSeconds":3599}"#,
            #"{"clusterRef":{"name":"k"}}"#, #"{"secretName":"s"}"#,
            #"{"clusterRef":{"name":"k"},"secretName":"s","topicGrants":{}}"#, #"[]"#,
        ])
    func theLocalClusterAndTheCRDSchemaAgree(spec: String) async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let answer = try await cluster.post(Self.collection, Self.user("agree", spec: spec))
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
                "-c", script, repositoryRoot.appendingPathComponent("deploy/crd-kafkauser.yaml").path,
                Self.user("agree", spec: spec),
            ])
        #expect(verdict.status == 0, "\(verdict.stderr)")
        let valid = verdict.stdout.hasPrefix("valid")
        #expect(
            answer.status == (valid ? 201 : 422),
            "\(spec): schema says \(verdict.stdout), server \(answer.text)")
    }
}
