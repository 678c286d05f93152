import Foundation
import JSON
import Kubernetes
import TestSupport
import Testing

@testable import LocalCluster

/// What a CRD's structural schema keeps of a custom resource, one row per rule of the API
/// server's pruning, and deploy/'s CRDs against what the operator itself writes.
struct FieldPruningTests {
    static let schema = #"""
        {"type":"object","properties":{
          "spec":{"type":"object","properties":{
            "name":{"type":"string"},
            "grants":{"type":"array","items":{"type":"object","properties":{"topic":{"type":"string"}}}},
            "labels":{"type":"object","additionalProperties":{"type":"string"}},
            "groups":{"type":"object","additionalProperties":{"type":"object","properties":{"image":{"type":"string"}}}},
            "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true,
                    "properties":{"typed":{"type":"object","properties":{"a":{"type":"string"}}}}},
            "template":{"type":"object","x-kubernetes-embedded-resource":true,
                        "properties":{"spec":{"type":"object","properties":{"b":{"type":"string"}}}}},
            "opaque":{"type":"object"}}},
          "status":{"type":"object","properties":{"state":{"type":"string"}}}}}
        """#

    @Test(arguments: [
        // A field the schema names is kept; one it does not is dropped, wherever it is.
        (#"{"spec":{"name":"a"}}"#, #"{"spec":{"name":"a"}}"#, []),
        (#"{"spec":{"name":"a","foo":1}}"#, #"{"spec":{"name":"a"}}"#, ["spec.foo"]),
        (#"{"extra":{"x":1},"spec":{}}"#, #"{"spec":{}}"#, ["extra"]),
        // Array items are pruned against `items`, each with its index.
        (
            #"{"spec":{"grants":[{"topic":"t","x":1},{"y":2}]}}"#, #"{"spec":{"grants":[{"topic":"t"},{}]}}"#,
            ["spec.grants[0].x", "spec.grants[1].y"]
        ),
        // additionalProperties gives every member's schema.
        (#"{"spec":{"labels":{"any":"v"}}}"#, #"{"spec":{"labels":{"any":"v"}}}"#, []),
        (
            #"{"spec":{"groups":{"g":{"image":"i","x":1}}}}"#, #"{"spec":{"groups":{"g":{"image":"i"}}}}"#,
            ["spec.groups.g.x"]
        ),
        // preserve-unknown-fields keeps unknown members, but prunes known ones by their schema.
        (
            #"{"spec":{"free":{"any":{"deep":1},"typed":{"a":"x","b":"y"}}}}"#,
            #"{"spec":{"free":{"any":{"deep":1},"typed":{"a":"x"}}}}"#, ["spec.free.typed.b"]
        ),
        // An object with no properties and no preserve-unknown-fields keeps nothing.
        (#"{"spec":{"opaque":{"a":1}}}"#, #"{"spec":{"opaque":{}}}"#, ["spec.opaque.a"]),
        // The root keeps apiVersion, kind and metadata; metadata keeps ObjectMeta's members.
        (
            #"{"apiVersion":"g/v1","kind":"K","metadata":{"name":"n","labels":{"a":"b"},"colour":"red"}}"#,
            #"{"apiVersion":"g/v1","kind":"K","metadata":{"name":"n","labels":{"a":"b"}}}"#,
            ["metadata.colour"]
        ),
        // So does an embedded resource.
        (
            #"{"spec":{"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","x":1},"spec":{"b":"c","d":1},"e":2}}}"#,
            #"{"spec":{"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"b":"c"}}}}"#,
            ["spec.template.e", "spec.template.metadata.x", "spec.template.spec.d"]
        ),
        // A value of the wrong type is left to validation.
        (
            #"{"spec":{"name":{"x":1},"grants":"none"}}"#, #"{"spec":{"name":{},"grants":"none"}}"#,
            ["spec.name.x"]
        ),
    ])
    func pruning(object: String, kept: String, dropped: [String]) throws {
        let pruning = FieldPruning(schema: try JSONReader.parse(Array(Self.schema.utf8)))
        var value = try JSONReader.parse(Array(object.utf8))
        #expect(pruning.prune(&value) == dropped)
        #expect(value == (try JSONReader.parse(Array(kept.utf8))))
    }

    /// What the operator writes into its custom resources, every optional field set, survives
    /// the schemas of deploy/: pruning would otherwise drop it on a real cluster.
    @Test func deployCRDsKeepEverythingTheOperatorWrites() throws {
        let encoder = JSONEncoder()
        func json(_ value: some Encodable) throws -> JSONValue {
            try JSONReader.parse(Array(encoder.encode(value)))
        }
        let reference = KafkaTopic.ClusterReference(name: "kafka", namespace: "kafka")
        var meta = ObjectMeta(
            name: "n", namespace: "kafka", labels: ["a": "b"], annotations: ["c": "d"],
            ownerReferences: [
                OwnerReference(apiVersion: "v1", kind: "K", name: "o", uid: "u", controller: true)
            ])
        meta.finalizers = ["f"]
        let user = KafkaUser(
            metadata: meta,
            spec: .init(
                secretName: "s", clusterRef: reference, createCert: true,
                topicGrants: [.init(topicName: "t", accessType: "read", patternType: "literal")],
                dnsNames: ["d"], includeJKS: false, expirationSeconds: 7200),
            status: .init(
                state: "created", acls: ["a"], message: "m", certificateNotAfter: "2030-01-01T00:00:00Z",
                observedGeneration: 1))
        let topic = KafkaTopic(
            metadata: meta,
            spec: .init(
                name: "t", partitions: 3, replicationFactor: 2, config: ["k": "v"], clusterRef: reference),
            status: .init(
                state: "created", managedBy: "koperator", partitionCount: 3, replicationFactor: 2,
                configKeys: ["k"], message: "m", observedGeneration: 1))
        let task = CruiseControlOperation.Task(
            id: "i", started: "2030-01-01T00:00:00Z", finished: "2030-01-01T00:00:01Z",
            operation: "rebalance",
            parameters: ["p": "v"], httpRequest: "r", httpResponseCode: 200, summary: ["s": "v"],
            state: "Completed", errorMessage: "e")
        let operation = CruiseControlOperation(
            metadata: meta, spec: .init(errorPolicy: .retry, ttlSecondsAfterFinished: 60),
            status: .init(currentTask: task, errorPolicy: .retry, retryCount: 1, failedTasks: [task]))
        let cluster = try CRDManifest.yamlAsJSON(
            String(
                contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"),
                encoding: .utf8))
        for (file, object) in [
            ("crd-kafkauser.yaml", try json(user)), ("crd-kafkatopic.yaml", try json(topic)),
            ("crd-cruisecontroloperation.yaml", try json(operation)), ("crd.yaml", cluster),
        ] {
            var pruned = object
            #expect(FieldPruning(schema: try CRDManifest.schema(file)).prune(&pruned) == [], "\(file)")
            #expect(pruned == object, "\(file)")
        }
    }
}
