import Foundation
import JSON
import TestSupport
import Testing

/// A watch read by curl in the background (on a Dispatch thread, writing to a file); its
/// events are read back from that file. curl ends when the server ends the watch, when the
/// cluster stops, or after `maxTime` seconds.
final class WatchClient: Sendable {
    let directory: TemporaryDirectory
    private let finished = LockedBox(false)

    init(_ cluster: TestCluster, _ pathAndQuery: String, maxTime: Int = 30) throws {
        directory = try TemporaryDirectory(prefix: "watch")
        let file = directory.file("events").path
        FileManager.default.createFile(atPath: file, contents: nil)
        let finished = self.finished
        let url = cluster.base + pathAndQuery
        Task {
            _ = try? await runOffPool("curl", ["-sN", "--max-time", String(maxTime), "-o", file, url])
            finished.set(true)
        }
    }

    deinit { directory.remove() }

    var isRunning: Bool { !finished.get() }

    private var log: String {
        (try? String(contentsOfFile: directory.file("events").path, encoding: .utf8)) ?? ""
    }

    struct Event: Equatable {
        let type: String
        let name: String
        let object: JSONValue
    }

    var events: [Event] {
        log.split(separator: "\n").compactMap { line in
            guard let value = try? JSONReader.parse(Array(line.utf8)), case .string(let type)? = value["type"]
            else {
                return nil
            }
            let object = value["object"] ?? .null
            var name = ""
            if case .string(let text)? = object["metadata"]?["name"] { name = text }
            return Event(type: type, name: name, object: object)
        }
    }

    var summary: [String] { events.filter { $0.type != "BOOKMARK" }.map { "\($0.type) \($0.name)" } }

    func waitFor(_ count: Int) async -> Bool {
        await waitUntil(timeout: .seconds(10)) { self.summary.count >= count }
    }
}

@Suite(.serialized) struct WatchTests {
    static let configMaps = "/api/v1/namespaces/default/configmaps"

    @Test func aWatchSendsTheCurrentObjectsThenEveryChange() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        #expect(try await cluster.post(Self.configMaps, TestCluster.configMap("before")).status == 201)
        let watch = try WatchClient(cluster, Self.configMaps + "?watch=true")
        #expect(await watch.waitFor(1))
        let created = try await cluster.post(Self.configMaps, TestCluster.configMap("one"))
        let version = created.string("metadata.resourceVersion") ?? ""
        #expect(
            try await cluster.put(
                Self.configMaps + "/one",
                #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one","resourceVersion":"\#(version)"},"data":{"a":"2"}}"#
            ).status == 200)
        #expect(try await cluster.delete(Self.configMaps + "/one").status == 200)
        #expect(await watch.waitFor(4))
        #expect(watch.summary == ["ADDED before", "ADDED one", "MODIFIED one", "DELETED one"])
        let versions = watch.events.compactMap { event -> UInt64? in
            if case .string(let text)? = event.object["metadata"]?["resourceVersion"] { return UInt64(text) }
            return nil
        }
        #expect(versions == versions.sorted())
    }

    /// A streaming list, as kubectl and client-go informers ask for one: the current objects
    /// whatever resourceVersion is named, a bookmark marking the end of them, then changes.
    @Test func aStreamingListEndsItsInitialEventsWithABookmark() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let first = try await cluster.post(Self.configMaps, TestCluster.configMap("a"))
        _ = try await cluster.post(Self.configMaps, TestCluster.configMap("b"))
        let version = first.string("metadata.resourceVersion") ?? ""
        let watch = try WatchClient(
            cluster,
            Self.configMaps
                + "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true"
                + "&resourceVersionMatch=NotOlderThan&resourceVersion=\(version)")
        #expect(await watch.waitFor(2))
        #expect(try await cluster.post(Self.configMaps, TestCluster.configMap("c")).status == 201)
        #expect(await watch.waitFor(3))
        let kinds = watch.events.map { event in
            event.type == "BOOKMARK"
                ? "BOOKMARK \(event.object["metadata"]?["annotations"]?["k8s.io/initial-events-end"] == .string("true"))"
                : "\(event.type) \(event.name)"
        }
        #expect(kinds.prefix(4) == ["ADDED a", "ADDED b", "BOOKMARK true", "ADDED c"])
        let refused = try await cluster.get(Self.configMaps + "?watch=true&sendInitialEvents=true")
        #expect(refused.status == 400)
    }

    @Test func aWatchResumesAfterAResourceVersion() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let first = try await cluster.post(Self.configMaps, TestCluster.configMap("a"))
        _ = try await cluster.post(Self.configMaps, TestCluster.configMap("b"))
        _ = try await cluster.mergePatch(Self.configMaps + "/a", #"{"data":{"a":"changed"}}"#)
        let version = first.string("metadata.resourceVersion") ?? ""
        let watch = try WatchClient(cluster, Self.configMaps + "?watch=true&resourceVersion=\(version)")
        #expect(await watch.waitFor(2))
        #expect(watch.summary == ["ADDED b", "MODIFIED a"])
    }

    @Test func anExpiredResourceVersionGetsGoneAndTheWatchEnds() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start(watchHistory: 3)
        defer { Task { await cluster.stop() } }
        let first = try await cluster.post(Self.configMaps, TestCluster.configMap("a"))
        for name in ["b", "c", "d", "e"] {
            _ = try await cluster.post(Self.configMaps, TestCluster.configMap(name))
        }
        let watch = try WatchClient(
            cluster,
            Self.configMaps + "?watch=1&resourceVersion=\(first.string("metadata.resourceVersion") ?? "")")
        #expect(await watch.waitFor(1))
        let event = try #require(watch.events.first)
        #expect(event.type == "ERROR")
        #expect(event.object["code"] == .number("410"))
        #expect(event.object["reason"] == .string("Expired"))
        #expect(await waitUntil(timeout: .seconds(5)) { !watch.isRunning })
        // The latest version is still in the history.
        let list = try await cluster.get(Self.configMaps)
        let recent = try WatchClient(
            cluster,
            Self.configMaps + "?watch=1&resourceVersion=\(list.string("metadata.resourceVersion") ?? "")")
        _ = try await cluster.post(Self.configMaps, TestCluster.configMap("f"))
        #expect(await recent.waitFor(1))
        #expect(recent.summary == ["ADDED f"])
    }

    @Test func selectorsTurnChangesIntoAddedAndDeleted() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let watch = try WatchClient(cluster, Self.configMaps + "?watch=true&labelSelector=app%3Dkafka")
        _ = try await cluster.post(Self.configMaps, TestCluster.configMap("other", labels: ["app": "envoy"]))
        _ = try await cluster.post(Self.configMaps, TestCluster.configMap("broker", labels: ["app": "kafka"]))
        _ = try await cluster.mergePatch(
            Self.configMaps + "/broker", #"{"metadata":{"labels":{"app":"retired"}}}"#)
        _ = try await cluster.mergePatch(
            Self.configMaps + "/other", #"{"metadata":{"labels":{"app":"kafka"}}}"#)
        #expect(await watch.waitFor(3))
        #expect(watch.summary == ["ADDED broker", "DELETED broker", "ADDED other"])
        let fields = try WatchClient(
            cluster, Self.configMaps + "?watch=true&fieldSelector=metadata.name%3Dother")
        #expect(await fields.waitFor(1))
        #expect(fields.summary == ["ADDED other"])
    }

    @Test func aWatchEndsAfterItsTimeoutAndSendsBookmarks() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let watch = try WatchClient(
            cluster, Self.configMaps + "?watch=true&timeoutSeconds=1&allowWatchBookmarks=true")
        #expect(await waitUntil(timeout: .seconds(5)) { !watch.isRunning })
        let bookmark = try #require(watch.events.first { $0.type == "BOOKMARK" })
        #expect(bookmark.object["metadata"]?["resourceVersion"] != nil)
        #expect(await waitUntil(timeout: .seconds(5)) { await cluster.cluster.openWatchCount() == 0 })
    }

    @Test func aClientThatLeavesClosesItsWatch() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let watch = try WatchClient(cluster, Self.configMaps + "?watch=true", maxTime: 1)
        #expect(await waitUntil(timeout: .seconds(5)) { await cluster.cluster.openWatchCount() == 1 })
        #expect(await waitUntil(timeout: .seconds(5)) { !watch.isRunning })
        #expect(await waitUntil(timeout: .seconds(5)) { await cluster.cluster.openWatchCount() == 0 })
    }
}
