import Foundation
import TestSupport
import Testing

@testable import Kubernetes

/// The client's one transfer thread: it starts work handed to it while it sleeps, ends
/// cancelled and silent transfers on time, and does not wake while its transfers are quiet.
@Suite struct CurlMultiTests {
    static let watch = APIRequest(method: "GET", path: "/api/v1/pods", query: [("watch", "true")])

    /// A peer whose watches stay open and silent, and whose other calls answer with their path.
    static func quietPeer() throws -> ScriptedHTTPPeer {
        try ScriptedHTTPPeer { request in
            request.query?.contains("watch=true") == true
                ? .stream(status: 200, headers: [], steps: [.holdOpen]) : .json(200, #""\#(request.path)""#)
        }
    }

    static func openWatches(_ count: Int, on client: KubernetesClient) -> [Task<Void, any Error>] {
        (0..<count).map { _ in Task { for try await _ in client.stream(watch) {} } }
    }

    /// Context switches of one thread of this process so far.
    static func contextSwitches(ofThread id: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/task/\(id)/status", encoding: .utf8)
        return status.split(separator: "\n").filter { $0.contains("ctxt_switches") }
            .compactMap {
                $0.split(separator: "\t").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            }
            .reduce(0, +)
    }

    @Test func aThreadWithOnlyQuietWatchesDoesNotWake() async throws {
        let peer = try Self.quietPeer()
        defer { peer.stop() }
        let client = try KubernetesClient(configuration: KubernetesClientConfiguration(server: peer.url))
        let watches = Self.openWatches(4, on: client)
        defer { for watch in watches { watch.cancel() } }
        #expect(await waitUntil(timeout: .seconds(10)) { peer.requests.count == 4 })
        try await Task.sleep(for: .milliseconds(200))
        let thread = client.transfers.threadID
        let before = try Self.contextSwitches(ofThread: thread)
        try await Task.sleep(for: .seconds(3))
        let woken = try Self.contextSwitches(ofThread: thread) - before
        // With libcurl's easy interface each watch woke its thread once a second.
        #expect(woken <= 1, "\(woken) wake-ups in 3 s")
    }

    @Test func aClientsThreadEndsWithTheClient() async throws {
        let peer = try Self.quietPeer()
        defer { peer.stop() }
        var client: KubernetesClient? = try KubernetesClient(
            configuration: KubernetesClientConfiguration(server: peer.url))
        _ = try await client?.send(APIRequest(method: "GET", path: "/api/v1/namespaces"))
        let thread = try #require(client?.transfers.threadID)
        #expect(FileManager.default.fileExists(atPath: "/proc/self/task/\(thread)"))
        client = nil
        #expect(
            await waitUntil(timeout: .seconds(5)) {
                !FileManager.default.fileExists(atPath: "/proc/self/task/\(thread)")
            })
    }

    @Test func manyConcurrentCallsBesideOpenWatchesAllComplete() async throws {
        let peer = try Self.quietPeer()
        defer { peer.stop() }
        var configuration = KubernetesClientConfiguration(server: peer.url)
        configuration.maxConcurrentRequests = 48
        let client = try KubernetesClient(configuration: configuration)
        let watches = Self.openWatches(8, on: client)
        defer { for watch in watches { watch.cancel() } }
        let answers = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<400 {
                group.addTask {
                    let path = "/api/v1/namespaces/n\(index)"
                    let body = try await client.send(APIRequest(method: "GET", path: path))
                    return String(decoding: body, as: UTF8.self) == #""\#(path)""#
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(answers.count == 400)
        #expect(answers.allSatisfy { $0 }, "every call got its own answer")
        #expect(peer.requests.count == 408)
    }

    @Test func cancellingAWatchClosesItsConnectionAtOnce() async throws {
        let peer = try Self.quietPeer()
        defer { peer.stop() }
        let client = try KubernetesClient(configuration: KubernetesClientConfiguration(server: peer.url))
        let watches = Self.openWatches(1, on: client)
        #expect(await waitUntil(timeout: .seconds(10)) { peer.requests.count == 1 })
        try await Task.sleep(for: .milliseconds(300))
        watches[0].cancel()
        #expect(
            await waitUntil(timeout: .milliseconds(500), every: .milliseconds(10)) {
                peer.connectionsClosedByClient == 1
            })
        #expect(try await watches[0].value == ())
    }

    @Test func cancellingACallClosesItsConnectionAtOnce() async throws {
        let peer = try ScriptedHTTPPeer { _ in .hang }
        defer { peer.stop() }
        let client = try KubernetesClient(
            configuration: KubernetesClientConfiguration(server: peer.url, retryPolicy: .never))
        let call = Task { try await client.send(APIRequest(method: "GET", path: "/api/v1/pods")) }
        #expect(await waitUntil(timeout: .seconds(10)) { peer.requests.count == 1 })
        try await Task.sleep(for: .milliseconds(300))
        call.cancel()
        #expect(
            await waitUntil(timeout: .milliseconds(500), every: .milliseconds(10)) {
                peer.connectionsClosedByClient == 1
            })
        await #expect(throws: KubernetesError.self) { try await call.value }
    }

    @Test func aCallCancelledBeforeItStartsSendsNothing() async throws {
        let peer = try Self.quietPeer()
        defer { peer.stop() }
        let client = try KubernetesClient(configuration: KubernetesClientConfiguration(server: peer.url))
        let call = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(APIRequest(method: "GET", path: "/api/v1/pods"))
        }
        await #expect {
            _ = try await call.value
        } throws: { error in
            guard case .cancelled = error as? KubernetesError else { return false }
            return true
        }
        // A call after it still goes through: the cancelled one left nothing behind.
        _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/namespaces"))
        #expect(peer.requests.map(\.path) == ["/api/v1/namespaces"])
    }

    @Test(.timeLimit(.minutes(1))) func aWatchThatKeepsReceivingIsNotCutButASilentOneIs() async throws {
        let tick = ScriptedHTTPPeer.StreamStep.send(#"{"type":"BOOKMARK"}"# + "\n")
        let peer = try ScriptedHTTPPeer(replies: [
            // 1.5 s of a byte every 100 ms, then silence.
            .stream(
                status: 200, headers: [],
                steps: (0..<15).flatMap { _ in [tick, .pause(.milliseconds(100))] } + [.holdOpen])
        ])
        defer { peer.stop() }
        var configuration = KubernetesClientConfiguration(server: peer.url)
        configuration.watchIdleTimeout = .milliseconds(400)
        let client = try KubernetesClient(configuration: configuration)
        let started = ContinuousClock.now
        var lines = 0
        do {
            for try await _ in client.stream(Self.watch) { lines += 1 }
            Issue.record("expected the idle timeout to end the watch")
        } catch {
            guard case .transport(let why) = error as? KubernetesError else {
                Issue.record("got \(error)")
                return
            }
            #expect(why.contains("no data for"), "\(why)")
        }
        // Every tick arrived, and the cut came only after the last one fell silent.
        #expect(lines == 15)
        #expect(ContinuousClock.now - started > .milliseconds(1_700))
    }

    @Test func aResourceWatcherRestartsAWatchSilentPastItsIdleDeadline() async throws {
        let peer = try ScriptedHTTPPeer { request in
            request.query?.contains("watch=true") == true
                ? .stream(status: 200, headers: [], steps: [.holdOpen])
                : .json(200, #"{"kind":"ConfigMapList","metadata":{"resourceVersion":"7"},"items":[]}"#)
        }
        defer { peer.stop() }
        var configuration = KubernetesClientConfiguration(server: peer.url)
        configuration.watchIdleTimeout = .milliseconds(300)
        let client = try KubernetesClient(configuration: configuration)
        let watcher = ResourceWatcher(
            api: client, ConfigMap.self, namespace: "a",
            options: .init(initialBackoff: .milliseconds(10), maximumBackoff: .milliseconds(10)))
        let consumer = Task { for await _ in watcher {} }
        defer { consumer.cancel() }
        let watchCalls = { peer.requests.filter { $0.query?.contains("watch=true") == true } }
        #expect(await waitUntil(timeout: .seconds(30)) { watchCalls().count >= 3 })
        // Each was resumed from the listing's version, and each silent one was closed by us.
        #expect(watchCalls().allSatisfy { $0.query?.contains("resourceVersion=7") == true })
        #expect(peer.connectionsClosedByClient >= 2)
    }
}
