import ClusterTestSupport
import JSON
import Kubernetes
import LocalCluster
import Synchronization
import TestSupport
import Testing

/// The client against the local cluster over real HTTP: every typed operation, and the API's
/// answers decoded into the errors callers act on.
@Suite struct LocalClusterClientTests {
    static func configMap(_ name: String, labels: [String: String] = ["app": "kafka"], value: String = "1")
        -> ConfigMap
    {
        ConfigMap(metadata: ObjectMeta(name: name, namespace: "kafka", labels: labels), data: ["key": value])
    }

    @Test func typedOperationsFollowTheAPIsSemantics() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let api = fixture.client

        let created = try await api.create(Self.configMap("one"))
        #expect(created.metadata.uid?.isEmpty == false)
        #expect(created.apiVersion == "v1" && created.kind == "ConfigMap")
        let version = try #require(created.metadata.resourceVersion)
        await #expect(throws: KubernetesError.self) { _ = try await api.create(Self.configMap("one")) }
        do {
            _ = try await api.create(Self.configMap("one"))
        } catch {
            guard case .alreadyExists(let status) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(status.details?.name == "one")
        }

        var changed = created
        changed.data = ["key": "2"]
        let updated = try await api.update(changed)
        #expect(updated.data?["key"] == "2")
        #expect(updated.metadata.resourceVersion != version)

        // The first read's resourceVersion is stale now: the server refuses the write.
        var stale = created
        stale.data = ["key": "3"]
        do {
            _ = try await api.update(stale)
            Issue.record("a stale update was accepted")
        } catch {
            guard case .conflict = error else {
                Issue.record("\(error)")
                return
            }
        }
        #expect(try await api.get(ConfigMap.self, namespace: "kafka", name: "one").data?["key"] == "2")

        let patched = try await api.patch(
            ConfigMap.self, namespace: "kafka", name: "one",
            mergePatch: .object([("data", .object([("other", .string("x")), ("key", .null)]))]))
        #expect(patched.data == ["other": "x"])

        _ = try await api.create(Self.configMap("two", labels: ["app": "other"]))
        let selected = try await api.list(
            ConfigMap.self, namespace: "kafka", options: ListOptions(labelSelector: "app=kafka"))
        #expect(selected.items.map(\.name) == ["one"])
        #expect(selected.items.allSatisfy { $0.kind == "ConfigMap" }, "list items get their type back")

        // A delete whose precondition names another uid is refused; the object stays.
        do {
            try await api.delete(
                .configMaps, namespace: "kafka", name: "one",
                options: DeleteOptions(preconditions: .init(uid: "not-its-uid")))
            Issue.record("a delete with a wrong uid precondition went through")
        } catch {
            guard case .conflict = error else {
                Issue.record("\(error)")
                return
            }
        }
        try await api.delete(
            .configMaps, namespace: "kafka", name: "one",
            options: DeleteOptions(preconditions: .init(uid: created.metadata.uid)))
        do {
            _ = try await api.get(ConfigMap.self, namespace: "kafka", name: "one")
            Issue.record("the deleted object is still there")
        } catch {
            guard case .notFound = error else {
                Issue.record("\(error)")
                return
            }
        }
    }

    @Test func anInvalidObjectIsRefusedWithItsCauses() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        do {
            _ = try await fixture.client.create(Self.configMap("Not_A_Name"))
            Issue.record("an invalid name was accepted")
        } catch {
            guard case .invalid(let status) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(status.details?.causes?.contains { $0.field == "metadata.name" } == true, "\(status)")
            #expect(error.description.contains("metadata.name"))
        }
        do {
            _ = try await fixture.client.create(
                ConfigMap(metadata: ObjectMeta(name: "x", namespace: "nowhere"), data: [:]))
            Issue.record("a write into a missing namespace was accepted")
        } catch {
            guard case .notFound = error else {
                Issue.record("\(error)")
                return
            }
        }
    }

    @Test func theStatusSubresourceChangesOnlyTheStatus() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let api = fixture.client
        fixture.cluster.faults.neverReady(podNamePrefix: "held")
        _ = try await api.create(
            Pod(
                metadata: ObjectMeta(name: "held-0", namespace: "kafka"),
                spec: PodSpec(containers: [Container(name: "kafka", image: "kafka:1")])))
        // The simulated kubelet schedules the pod meanwhile: read, change and write again on a
        // conflict, as any client of a status another writer also updates does.
        var answer: Pod?
        for _ in 0..<10 where answer == nil {
            var pod = try await api.get(Pod.self, namespace: "kafka", name: "held-0")
            pod.status = PodStatus(phase: "Failed")
            pod.spec?.containers[0].image = "changed"
            do {
                answer = try await api.updateStatus(pod)
            } catch .conflict {
                continue
            }
        }
        let written = try #require(answer)
        #expect(written.status?.phase == "Failed")
        #expect(written.spec?.containers.first?.image == "kafka:1", "a status write changed the spec")
    }

    @Test func serverErrorsAreRetriedUntilTheyPass() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.cluster.faults.failNextRequests(2, code: 503, verb: "create", resource: "configmaps")
        let created = try await fixture.client.create(Self.configMap("retried"))
        #expect(created.name == "retried")
        #expect(fixture.cluster.faults.injectedCount == 2)

        fixture.cluster.faults.failNextRequests(1, code: 400, verb: "get", resource: "configmaps")
        do {
            _ = try await fixture.client.get(ConfigMap.self, namespace: "kafka", name: "retried")
            Issue.record("a 400 was retried into success")
        } catch {
            guard case .server(let code, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(code == 400)
        }
    }

    /// The watcher lists, follows changes, survives dropped watches by resuming, and lists
    /// again when the server has forgotten the version it resumes from (410 Gone).
    @Test func theWatcherResumesAfterDroppedWatchesAndRelistsOnGone() async throws {
        let fixture = try await LocalClusterFixture.start(watchHistory: 5)
        defer { Task { await fixture.stop() } }
        let api = fixture.client
        _ = try await api.create(Self.configMap("first"))

        let seen = EventLog()
        let watcher = ResourceWatcher(
            api: api, ConfigMap.self, namespace: "kafka",
            options: .init(labelSelector: "app=kafka", initialBackoff: .milliseconds(20)))
        let task = Task {
            for await event in watcher {
                switch event {
                case .listed(let objects):
                    seen.append("listed " + objects.map(\.name).sorted().joined(separator: ","))
                case .changed(let change): seen.append("\(change.type.rawValue) \(change.object.name)")
                }
            }
        }
        defer { task.cancel() }
        #expect(await waitUntil { seen.contains("listed first") })

        _ = try await api.create(Self.configMap("second"))
        #expect(await waitUntil { seen.contains("ADDED second") })

        // Dropped: the watcher resumes from the last version it saw, so nothing is listed again
        // and the next change still arrives.
        let listsBefore = seen.count { $0.hasPrefix("listed") }
        await fixture.cluster.faults.dropAllWatches()
        _ = try await api.create(Self.configMap("third"))
        #expect(await waitUntil { seen.contains("ADDED third") }, "\(seen.all)")
        #expect(seen.count { $0.hasPrefix("listed") } == listsBefore)

        // Dropped again, and while the watcher cannot reconnect more changes happen than the
        // server's history holds: resuming gets 410 Gone, and the watcher lists again.
        fixture.cluster.faults.failFraction(1, code: 503, verb: "watch")
        await fixture.cluster.faults.dropAllWatches()
        for index in 0..<8 {
            _ = try await api.create(Self.configMap("later-\(index)", labels: ["app": "x"]))
        }
        fixture.cluster.faults.reset()
        #expect(await waitUntil { seen.contains("listed first,second,third") }, "\(seen.all)")
        _ = try await api.create(Self.configMap("fourth"))
        #expect(await waitUntil { seen.contains("ADDED fourth") }, "\(seen.all)")
    }
}

/// Lines a test's watcher appends to while the test reads them.
final class EventLog: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    func contains(_ line: String) -> Bool { lines.withLock { $0.contains(line) } }
    func count(where predicate: (String) -> Bool) -> Int { lines.withLock { $0.filter(predicate).count } }
    var count: Int { lines.withLock { $0.count } }
    var all: [String] { lines.withLock { $0 } }
}
