import Foundation
import TestSupport
import Testing

/// `dryRun=All` on every write verb: the request is validated, defaulted, checked for
/// conflicts and answered as the real write would be, and nothing is stored, no
/// resourceVersion is spent and no watcher hears of it. (Kubernetes API concepts, "Dry-run":
/// https://kubernetes.io/docs/reference/using-api/api-concepts/#dry-run)
@Suite(.serialized, .enabled(if: Peer.available("curl"))) struct DryRunTests {
    static let configMaps = "/api/v1/namespaces/default/configmaps"

    /// The list's resourceVersion and the names in it: a dry run must leave both as they were.
    static func state(_ cluster: TestCluster) async throws -> (String?, [String]) {
        let list = try await cluster.get(configMaps)
        return (list.string("metadata.resourceVersion"), list.itemNames)
    }

    @Test func aDryRunCreateAnswersTheObjectAndStoresNothing() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let before = try await Self.state(cluster)
        let answer = try await cluster.post(Self.configMaps + "?dryRun=All", TestCluster.configMap("one"))
        #expect(answer.status == 201, "\(answer.text)")
        #expect(answer.string("metadata.name") == "one")
        #expect(answer.string("metadata.uid")?.isEmpty == false)
        #expect(answer.string("metadata.creationTimestamp") != nil)
        #expect(answer.string("metadata.resourceVersion") == nil)
        #expect(try await Self.state(cluster) == before)
        #expect(try await cluster.get(Self.configMaps + "/one").status == 404)

        // Validation and conflicts are answered as for a real create.
        let invalid = try await cluster.post(
            Self.configMaps + "?dryRun=All", TestCluster.configMap("Bad_Name"))
        #expect(invalid.status == 422, "\(invalid.text)")
        #expect(try await cluster.post(Self.configMaps, TestCluster.configMap("two")).status == 201)
        let exists = try await cluster.post(Self.configMaps + "?dryRun=All", TestCluster.configMap("two"))
        #expect(exists.status == 409)
        #expect(exists.string("reason") == "AlreadyExists")
    }

    @Test func aDryRunUpdatePatchOrDeleteChangesNothing() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let created = try await cluster.post(Self.configMaps, TestCluster.configMap("one"))
        let version = try #require(created.string("metadata.resourceVersion"))
        let before = try await Self.state(cluster)

        let replaced = try await cluster.put(
            Self.configMaps + "/one?dryRun=All",
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one","resourceVersion":"\#(version)"},"data":{"a":"2"}}"#
        )
        #expect(replaced.status == 200, "\(replaced.text)")
        #expect(replaced.string("data.a") == "2")
        #expect(replaced.string("metadata.resourceVersion") == version)
        let stale = try await cluster.put(
            Self.configMaps + "/one?dryRun=All",
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one","resourceVersion":"1"},"data":{"a":"2"}}"#
        )
        #expect(stale.status == 409)

        let patched = try await cluster.request(
            "PATCH", Self.configMaps + "/one?dryRun=All", body: #"{"data":{"b":"3"}}"#,
            contentType: "application/merge-patch+json")
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.string("data.b") == "3")

        let deleted = try await cluster.delete(Self.configMaps + "/one?dryRun=All")
        #expect(deleted.status == 200, "\(deleted.text)")
        let deletedByOptions = try await cluster.delete(
            Self.configMaps + "/one", #"{"kind":"DeleteOptions","apiVersion":"v1","dryRun":["All"]}"#)
        #expect(deletedByOptions.status == 200, "\(deletedByOptions.text)")
        let collection = try await cluster.delete(Self.configMaps + "?dryRun=All")
        #expect(collection.status == 200, "\(collection.text)")
        #expect(collection.itemNames == ["one"])

        #expect(try await Self.state(cluster) == before)
        let stored = try await cluster.get(Self.configMaps + "/one")
        #expect(stored.string("data.a") == "1")
        #expect(stored.string("data.b") == nil)
        #expect(stored.string("metadata.resourceVersion") == version)
    }

    @Test func aDryRunDeleteOfANamespaceLeavesItsObjects() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createNamespace("kafka")
        #expect(
            try await cluster.post("/api/v1/namespaces/kafka/configmaps", TestCluster.configMap("kept"))
                .status
                == 201)
        #expect(try await cluster.delete("/api/v1/namespaces/kafka?dryRun=All").status == 200)
        #expect(try await cluster.get("/api/v1/namespaces/kafka").status == 200)
        #expect(try await cluster.get("/api/v1/namespaces/kafka/configmaps/kept").status == 200)
    }

    @Test(arguments: [
        ("POST", "", "CreateOptions"), ("PUT", "/one", "UpdateOptions"), ("PATCH", "/one", "PatchOptions"),
        ("DELETE", "/one", "DeleteOptions"),
    ])
    func aDryRunValueOtherThanAllIsRefusedAndNothingIsDone(method: String, target: String, options: String)
        async throws
    {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        #expect(try await cluster.post(Self.configMaps, TestCluster.configMap("one")).status == 201)
        let before = try await Self.state(cluster)
        let body: String? =
            switch method {
            case "POST": TestCluster.configMap("two")
            case "PUT": #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one"},"data":{"a":"9"}}"#
            case "PATCH": #"{"data":{"a":"9"}}"#
            default: nil
            }
        let answer = try await cluster.request(
            method, Self.configMaps + target + "?dryRun=true", body: body,
            contentType: method == "PATCH" ? "application/merge-patch+json" : "application/json")
        #expect(answer.status == 422, "\(answer.text)")
        #expect(answer.string("details.kind") == options)
        #expect(answer.text.contains(#"supported values: \"All\""#), "\(answer.text)")
        #expect(try await Self.state(cluster) == before)
    }

    /// What kubectl sends for `--dry-run=server` and `kubectl diff`.
    @Test(.enabled(if: Kubectl.available)) func kubectlDryRunsAndDiffWriteNothing() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        let manifest = kubectl.directory.file("one.json").path
        try TestCluster.configMap("one").write(toFile: manifest, atomically: true, encoding: .utf8)

        let created = try await kubectl.run(["create", "-f", manifest, "--dry-run=server", "-o", "name"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout == "configmap/one\n")
        #expect(try await cluster.get(Self.configMaps + "/one").status == 404)

        #expect(try await kubectl.run(["create", "-f", manifest]).status == 0)
        let before = try await Self.state(cluster)
        let changed =
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one","namespace":"default"},"data":{"a":"2"}}"#
        try changed.write(toFile: manifest, atomically: true, encoding: .utf8)
        let diff = try await kubectl.run(["diff", "-f", manifest])
        // kubectl diff exits 1 when it found a difference, and prints it.
        #expect(diff.status == 1, "\(diff.stderr)")
        #expect(diff.stdout.contains("+  a: \"2\""), "\(diff.stdout)")
        let deleted = try await kubectl.run(["delete", "configmap", "one", "--dry-run=server"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.contains("(server dry run)"), "\(deleted.stdout)")
        #expect(try await Self.state(cluster) == before)
        #expect(try await cluster.get(Self.configMaps + "/one").string("data.a") == "1")
    }
}
