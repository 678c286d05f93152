import JSON
import Kubernetes
import Synchronization
import Testing

/// A scripted API server for watches: each list call takes the next scripted answer, each watch
/// call the next scripted stream; when the script runs out a watch stays open, as a quiet
/// server's does, until the client goes away.
private final class ScriptedWatchAPI: KubernetesAPI {
    enum Watch {
        /// Event lines, then the server ends the watch (`error` nil) or the connection fails.
        case events([String], then: (any Error & Sendable)?)
        /// The server refuses the watch outright.
        case refused(KubernetesError)
    }

    struct Script {
        var lists: [Result<String, KubernetesError>] = []
        var watches: [Watch] = []
        /// The `resourceVersion` of each list (nil) and watch call, in order.
        var calls: [(watch: Bool, resourceVersion: String?)] = []
        /// The `continue` token of each list call.
        var continues: [String?] = []
    }

    let script: Mutex<Script>

    init(lists: [Result<String, KubernetesError>], watches: [Watch]) {
        script = Mutex(Script(lists: lists, watches: watches))
    }

    var calls: [(watch: Bool, resourceVersion: String?)] { script.withLock { $0.calls } }

    func send(_ request: APIRequest) async throws(KubernetesError) -> [UInt8] {
        let answer = script.withLock { script -> Result<String, KubernetesError> in
            script.calls.append((false, request.query.first { $0.name == "resourceVersion" }?.value))
            script.continues.append(request.query.first { $0.name == "continue" }?.value)
            return script.lists.isEmpty
                ? .failure(.transport("no more lists scripted")) : script.lists.removeFirst()
        }
        return Array(try answer.get().utf8)
    }

    func stream(_ request: APIRequest) -> AsyncThrowingStream<[UInt8], any Error> {
        let watch = script.withLock { script -> Watch? in
            script.calls.append((true, request.query.first { $0.name == "resourceVersion" }?.value))
            return script.watches.isEmpty ? nil : script.watches.removeFirst()
        }
        return AsyncThrowingStream { continuation in
            switch watch {
            case .events(let lines, let error)?:
                for line in lines { continuation.yield(Array(line.utf8)) }
                continuation.finish(throwing: error)
            case .refused(let error)?:
                continuation.finish(throwing: error)
            case nil:
                break  // open until the client cancels
            }
        }
    }
}

private func list(_ version: String, _ names: [String]) -> String {
    let items = names.map { #"{"metadata":{"name":"\#($0)","resourceVersion":"\#(version)"}}"# }
    return
        #"{"kind":"ConfigMapList","metadata":{"resourceVersion":"\#(version)"},"items":[\#(items.joined(separator: ","))]}"#
}

private func event(_ type: String, _ name: String, _ version: String) -> String {
    #"{"type":"\#(type)","object":{"kind":"ConfigMap","metadata":{"name":"\#(name)","resourceVersion":"\#(version)"}}}"#
}

private let gone =
    #"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"}}"#

/// What the watcher yielded, in a form easy to compare.
private func describe(_ event: ResourceWatcherEvent<ConfigMap>) -> String {
    switch event {
    case .listed(let items): return "listed " + items.map(\.name).joined(separator: ",")
    case .changed(let change): return "\(change.type.rawValue) \(change.object.name)"
    }
}

private func collect(
    _ api: ScriptedWatchAPI, count: Int
) async -> [String] {
    let watcher = ResourceWatcher(
        api: api, ConfigMap.self, namespace: "kafka",
        options: .init(
            labelSelector: "app=kafka", initialBackoff: .milliseconds(1), maximumBackoff: .milliseconds(4)))
    var seen: [String] = []
    for await event in watcher {
        seen.append(describe(event))
        if seen.count == count { break }
    }
    return seen
}

@Suite struct ResourceWatcherTests {
    @Test func aListingInPagesIsReportedWholeAndWatchedFromItsVersion() async {
        let firstPage =
            #"{"metadata":{"resourceVersion":"19","continue":"t1"},"items":[{"metadata":{"name":"a"}}]}"#
        let api = ScriptedWatchAPI(
            lists: [.success(firstPage), .success(list("20", ["b"]))],
            watches: [.events([event("ADDED", "c", "21")], then: nil)])
        let seen = await collect(api, count: 2)
        #expect(seen == ["listed a,b", "ADDED c"])
        #expect(api.script.withLock { $0.continues } == [nil, "t1"])
        #expect(api.calls.map(\.resourceVersion).prefix(3) == [nil, nil, "20"])
    }

    @Test func listsThenWatchesAndResumesFromTheLastVersionIncludingBookmarks() async {
        let api = ScriptedWatchAPI(
            lists: [.success(list("10", ["a"]))],
            watches: [
                .events([event("ADDED", "b", "11"), event("BOOKMARK", "", "15")], then: nil),
                .events([event("MODIFIED", "a", "16")], then: KubernetesError.transport("reset")),
                .events([event("DELETED", "b", "17")], then: nil),
            ])
        let seen = await collect(api, count: 4)
        #expect(seen == ["listed a", "ADDED b", "MODIFIED a", "DELETED b"])
        let calls = api.calls
        #expect(calls.first?.watch == false)
        #expect(calls.dropFirst().prefix(3).map(\.resourceVersion) == ["10", "15", "16"])
        #expect(calls.dropFirst().allSatisfy { $0.watch })
    }

    @Test func goneAsAnEventOrAnAnswerListsAgain() async {
        let api = ScriptedWatchAPI(
            lists: [
                .success(list("10", ["a"])), .success(list("40", ["a", "c"])), .success(list("50", ["c"])),
            ],
            watches: [
                .events([event("ADDED", "b", "11"), gone], then: nil),
                .refused(.gone(Status(code: 410, reason: "Expired", message: "too old"))),
                .events([event("ADDED", "d", "51")], then: nil),
            ])
        let seen = await collect(api, count: 5)
        #expect(seen == ["listed a", "ADDED b", "listed a,c", "listed c", "ADDED d"])
        let versions = api.calls.map { ($0.watch ? "watch " : "list ") + ($0.resourceVersion ?? "-") }
        #expect(
            Array(versions.prefix(6)) == ["list -", "watch 10", "list -", "watch 40", "list -", "watch 50"])
    }

    @Test func aFailedListIsRetriedWithBackoff() async {
        let api = ScriptedWatchAPI(
            lists: [
                .failure(.transport("refused")),
                .failure(.server(code: 503, Status(code: 503, reason: "ServiceUnavailable", message: ""))),
                .success(list("7", [])),
            ],
            watches: [.events([event("ADDED", "x", "8")], then: nil)])
        let seen = await collect(api, count: 2)
        #expect(seen == ["listed ", "ADDED x"])
        #expect(api.calls.prefix(3).allSatisfy { $0.watch == false })
    }

    @Test func cancellingTheConsumerStopsTheWatch() async throws {
        let api = ScriptedWatchAPI(lists: [.success(list("1", []))], watches: [])
        let task = Task {
            for await _ in ResourceWatcher(api: api, ConfigMap.self, namespace: nil) {}
        }
        let opened = await waitForCalls(api, 2)
        #expect(opened)
        task.cancel()
        _ = await task.value
        let calls = api.calls.count
        try await Task.sleep(for: .milliseconds(50))
        #expect(api.calls.count == calls)
    }

    private func waitForCalls(_ api: ScriptedWatchAPI, _ count: Int) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while ContinuousClock.now < deadline {
            if api.calls.count >= count { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }
}
