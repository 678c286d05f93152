import ClusterTestSupport
import JSON
import Kubernetes
import Synchronization
import TestSupport
import Testing

/// `ResourceWatcher` against a local API server over HTTP: a paged listing, the changes after
/// it, a watch the server ends (resumed from the last version without listing again) and a
/// version the server no longer has (410 Gone: listed again).
@Suite struct ResourceWatcherClusterTests {
    /// What a watcher reported, collected while it runs.
    final class Seen: Sendable {
        let events = Mutex<[String]>([])
        let task = Mutex<Task<Void, Never>?>(nil)

        init(_ watcher: ResourceWatcher<ConfigMap>) {
            let task = Task { [self] in
                for await event in watcher {
                    let line: String
                    switch event {
                    case .listed(let items):
                        line = "listed " + items.map(\.name).sorted().joined(separator: ",")
                    case .changed(let change): line = "\(change.type.rawValue) \(change.object.name)"
                    }
                    events.withLock { $0.append(line) }
                }
            }
            self.task.withLock { $0 = task }
        }

        var all: [String] { events.withLock { $0 } }

        func waitFor(_ line: String) async -> Bool {
            await waitUntil(timeout: .seconds(10)) { self.all.contains(line) }
        }

        func stop() { task.withLock { $0 }?.cancel() }
    }

    static func configMap(_ name: String, labelled: Bool = true, data: String = "1") -> ConfigMap {
        var map = ConfigMap(metadata: ObjectMeta(name: name, namespace: "kafka"))
        if labelled { map.metadata.labels = ["app": "kafka"] }
        map.data = ["a": data]
        return map
    }

    static func watcher(_ client: KubernetesClient) -> ResourceWatcher<ConfigMap> {
        ResourceWatcher(
            api: client, ConfigMap.self, namespace: "kafka",
            options: .init(
                labelSelector: "app=kafka", initialBackoff: .milliseconds(5),
                maximumBackoff: .milliseconds(20),
                listPageSize: 2))
    }

    @Test func aPagedListingThenEveryChangeAndAServerThatEndsTheWatch() async throws {
        let fixture = try await LocalClusterFixture.start()
        defer { Task { await fixture.stop() } }
        let client = fixture.client
        for name in ["a", "b", "c", "d", "e"] { _ = try await client.create(Self.configMap(name)) }
        _ = try await client.create(Self.configMap("other", labelled: false))
        let seen = Seen(Self.watcher(client))
        defer { seen.stop() }
        #expect(await seen.waitFor("listed a,b,c,d,e"))
        #expect(await waitUntil(timeout: .seconds(5)) { await fixture.cluster.openWatchCount() == 1 })

        var changed = try await client.get(ConfigMap.self, namespace: "kafka", name: "a")
        changed.data = ["a": "2"]
        _ = try await client.update(changed)
        try await client.delete(.configMaps, namespace: "kafka", name: "b")
        _ = try await client.create(Self.configMap("unseen", labelled: false))
        #expect(await seen.waitFor("DELETED b"))

        // The server ends the watch; what happens before the watcher is back is still reported,
        // from the version it had seen, without a new listing.
        fixture.cluster.faults.addLatency(.milliseconds(200), verb: "watch")
        await fixture.cluster.faults.dropAllWatches()
        _ = try await client.create(Self.configMap("f"))
        #expect(await seen.waitFor("ADDED f"))
        #expect(seen.all == ["listed a,b,c,d,e", "MODIFIED a", "DELETED b", "ADDED f"])
    }

    @Test func aVersionTheServerNoLongerHasIsListedAgain() async throws {
        let fixture = try await LocalClusterFixture.start(watchHistory: 4)
        defer { Task { await fixture.stop() } }
        let cluster = fixture.cluster
        let client = fixture.client
        _ = try await client.create(Self.configMap("a"))
        let seen = Seen(Self.watcher(client))
        defer { seen.stop() }
        #expect(await seen.waitFor("listed a"))
        #expect(await waitUntil(timeout: .seconds(5)) { await cluster.openWatchCount() == 1 })

        // While the watcher is away, more changes than the server remembers.
        cluster.faults.addLatency(.milliseconds(300), verb: "watch")
        await cluster.faults.dropAllWatches()
        for index in 0..<8 { _ = try await client.create(Self.configMap("n\(index)")) }
        #expect(await seen.waitFor("listed a,n0,n1,n2,n3,n4,n5,n6,n7"))
        #expect(!seen.all.contains { $0.hasPrefix("ADDED") }, "\(seen.all)")
    }
}
