import Foundation
import JSON
import Kubernetes
import TestSupport
import Testing

@testable import LocalCluster

/// Strategic merge patch on the built-in kinds, as the API types declare their lists
/// (https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/
/// and the strategic merge patch design in kubernetes/community).
struct StrategicMergePatchTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONReader.parse(Array(text.utf8)) }

    static func apply(_ type: ResourceType, _ original: String, _ patch: String) throws -> JSONValue {
        let schema = try #require(StrategicMergePatch.schema(for: type))
        return try schema.apply(parse(patch), to: parse(original))
    }

    @Test(arguments: [
        // Containers merge by name: `kubectl set image` sends only the image of one.
        (
            ResourceType.pods,
            #"{"spec":{"containers":[{"name":"kafka","image":"a","ports":[{"containerPort":9092}]},{"name":"jmx","image":"j"}]}}"#,
            #"{"spec":{"containers":[{"name":"kafka","image":"b"}]}}"#,
            #"{"spec":{"containers":[{"name":"kafka","image":"b","ports":[{"containerPort":9092}]},{"name":"jmx","image":"j"}]}}"#
        ),
        // Ports merge by containerPort; a new one is appended; env merges by name.
        (
            ResourceType.deployments,
            #"{"spec":{"template":{"spec":{"containers":[{"name":"c","ports":[{"containerPort":1,"name":"a"}],"env":[{"name":"A","value":"1"}]}]}}}}"#,
            #"{"spec":{"template":{"spec":{"containers":[{"name":"c","ports":[{"containerPort":2,"name":"b"}],"env":[{"name":"A","value":"2"}]}]}}}}"#,
            #"{"spec":{"template":{"spec":{"containers":[{"name":"c","ports":[{"containerPort":1,"name":"a"},{"containerPort":2,"name":"b"}],"env":[{"name":"A","value":"2"}]}]}}}}"#
        ),
        // `$patch: delete` removes the item with that key; a list without a strategy is replaced.
        (
            ResourceType.pods,
            #"{"spec":{"containers":[{"name":"a"},{"name":"b"}],"tolerations":[{"key":"x"}]}}"#,
            #"{"spec":{"containers":[{"name":"b","$patch":"delete"}],"tolerations":[{"key":"y"}]}}"#,
            #"{"spec":{"containers":[{"name":"a"}],"tolerations":[{"key":"y"}]}}"#
        ),
        // `$patch: replace` in a list replaces it; in a map, the map.
        (
            ResourceType.pods,
            #"{"spec":{"containers":[{"name":"a"},{"name":"b"}],"nodeSelector":{"x":"1","y":"2"}}}"#,
            #"{"spec":{"containers":[{"name":"c"},{"$patch":"replace"}],"nodeSelector":{"z":"3","$patch":"replace"}}}"#,
            #"{"spec":{"containers":[{"name":"c"}],"nodeSelector":{"z":"3"}}}"#
        ),
        // Finalizers are a set; `$deleteFromPrimitiveList` takes values out.
        (
            ResourceType.configMaps,
            #"{"metadata":{"finalizers":["a","b"]}}"#,
            #"{"metadata":{"finalizers":["b","c"],"$deleteFromPrimitiveList/finalizers":["a"]}}"#,
            #"{"metadata":{"finalizers":["b","c"]}}"#
        ),
        // `$setElementOrder` orders the merged list; `$retainKeys` drops the other members.
        (
            ResourceType.pods,
            #"{"spec":{"containers":[{"name":"a"},{"name":"b"}],"volumes":[{"name":"v","emptyDir":{}}]}}"#,
            #"{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"a","image":"i"}],"volumes":[{"name":"v","configMap":{"name":"m"},"$retainKeys":["configMap","name"]}]}}"#,
            #"{"spec":{"containers":[{"name":"b"},{"name":"a","image":"i"}],"volumes":[{"name":"v","configMap":{"name":"m"}}]}}"#
        ),
        // null removes a member, as in a merge patch.
        (
            ResourceType.services,
            #"{"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"ports":[{"port":80,"name":"http"}]}}"#,
            #"{"metadata":{"labels":{"a":null}},"spec":{"ports":[{"port":80,"targetPort":8080}]}}"#,
            #"{"metadata":{"labels":{"b":"2"}},"spec":{"ports":[{"port":80,"name":"http","targetPort":8080}]}}"#
        ),
    ])
    func mergesAsTheTypesDeclare(type: ResourceType, original: String, patch: String, expected: String) throws
    {
        #expect(try Self.apply(type, original, patch) == Self.parse(expected))
    }

    @Test func anItemWithoutItsMergeKeyOrAnUnknownDirectiveIsRefused() throws {
        #expect(throws: StrategicMergePatch.Failure.self) {
            try Self.apply(.pods, #"{"spec":{"containers":[]}}"#, #"{"spec":{"containers":[{"image":"x"}]}}"#)
        }
        #expect(throws: StrategicMergePatch.Failure.self) {
            try Self.apply(.pods, #"{"spec":{}}"#, #"{"spec":{"$patch":"shuffle"}}"#)
        }
    }

    @Test func customResourcesHaveNoStrategicSchema() {
        #expect(StrategicMergePatch.schema(for: .kafkaClusters) == nil)
        #expect(StrategicMergePatch.schema(for: .cruiseControlOperations) == nil)
        #expect(StrategicMergePatch.schema(for: .pods) != nil)
    }
}

/// The three patch types through the API, as kubectl sends them.
@Suite(.serialized, .enabled(if: Peer.available("curl"))) struct PatchRequestTests {
    static let configMaps = "/api/v1/namespaces/kafka/configmaps"

    @Test func aJSONPatchAppliesOrChangesNothing() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createNamespace("kafka")
        // A ConfigMap: no kubelet writes to it meanwhile.
        #expect(
            try await cluster.post(Self.configMaps, TestCluster.configMap("p", labels: ["a": "1"])).status
                == 201)
        let patched = try await cluster.request(
            "PATCH", Self.configMaps + "/p",
            body:
                #"[{"op":"test","path":"/metadata/labels/a","value":"1"},{"op":"add","path":"/metadata/labels/b","value":"2"}]"#,
            contentType: "application/json-patch+json")
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.string("metadata.labels.b") == "2")
        let version = try #require(patched.string("metadata.resourceVersion"))
        let failed = try await cluster.request(
            "PATCH", Self.configMaps + "/p",
            body:
                #"[{"op":"add","path":"/metadata/labels/c","value":"3"},{"op":"test","path":"/metadata/labels/a","value":"9"}]"#,
            contentType: "application/json-patch+json")
        #expect(failed.status == 422, "\(failed.text)")
        #expect(failed.text.contains("testing value /metadata/labels/a failed"), "\(failed.text)")
        let malformed = try await cluster.request(
            "PATCH", Self.configMaps + "/p", body: #"{"op":"add"}"#,
            contentType: "application/json-patch+json")
        #expect(malformed.status == 400, "\(malformed.text)")
        let stored = try await cluster.get(Self.configMaps + "/p")
        #expect(stored.string("metadata.resourceVersion") == version)
        #expect(stored.string("metadata.labels.c") == nil)
    }

    @Test func aStrategicPatchOnACustomResourceIs415() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createNamespace("kafka")
        let path = "/apis/kafka.banzaicloud.io/v1beta1/namespaces/kafka/kafkaclusters"
        #expect(try await cluster.post(path, TestCluster.kafkaCluster("kafka")).status == 201)
        let refused = try await cluster.request(
            "PATCH", path + "/kafka", body: #"{"metadata":{"labels":{"a":"1"}}}"#,
            contentType: "application/strategic-merge-patch+json")
        #expect(refused.status == 415, "\(refused.text)")
        #expect(
            refused.string("message")
                == "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json"
        )
        let merged = try await cluster.mergePatch(path + "/kafka", #"{"metadata":{"labels":{"a":"1"}}}"#)
        #expect(merged.status == 200, "\(merged.text)")
    }

    /// `kubectl set image` and a repeated `kubectl apply` send strategic merge patches: the other
    /// container, the ports and the stored object stay whole.
    @Test(.enabled(if: Kubectl.available)) func kubectlSetImageAndApplyKeepTheRestOfThePod() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        try await cluster.createNamespace("kafka")
        let manifest = kubectl.directory.file("deploy.json").path
        func write(replicas: Int) throws {
            try #"""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"kafka"},
             "spec":{"replicas":\#(replicas),"selector":{"matchLabels":{"app":"web"}},
              "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
               {"name":"web","image":"nginx:1","ports":[{"containerPort":80,"name":"http"}]},
               {"name":"sidecar","image":"busybox:1"}]}}}}
            """#.write(toFile: manifest, atomically: true, encoding: .utf8)
        }
        try write(replicas: 1)
        #expect(try await kubectl.run(["apply", "-f", manifest]).status == 0)
        try write(replicas: 2)
        let again = try await kubectl.run(["apply", "-f", manifest])
        #expect(again.status == 0, "\(again.stderr)")
        let setImage = try await kubectl.run(["set", "image", "-n", "kafka", "deployment/web", "web=nginx:2"])
        #expect(setImage.status == 0, "\(setImage.stderr)")
        let stored = try await cluster.get("/apis/apps/v1/namespaces/kafka/deployments/web")
        #expect(stored.string("spec.replicas") == "2")
        #expect(!stored.text.contains("$setElementOrder"), "\(stored.text)")
        guard
            case .array(let containers)? = stored.json.value(at: ["spec", "template", "spec", "containers"])
        else {
            Issue.record("no containers: \(stored.text)")
            return
        }
        #expect(containers.count == 2)
        #expect(containers.first?["image"] == .string("nginx:2"))
        #expect(stored.text.contains(#""containerPort":80"#) && stored.text.contains(#""name":"http""#))
        #expect(containers.last?["image"] == .string("busybox:1"))
        let json = try await kubectl.run([
            "patch", "-n", "kafka", "deployment/web", "--type=json",
            "-p", #"[{"op":"replace","path":"/spec/replicas","value":3}]"#,
        ])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(
            try await cluster.get("/apis/apps/v1/namespaces/kafka/deployments/web").string("spec.replicas")
                == "3")
    }
}
