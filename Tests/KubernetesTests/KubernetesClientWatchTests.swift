import Foundation
import Kubernetes
import TestSupport
import Testing

@Suite struct KubernetesClientWatchTests {
    static func event(_ type: String, _ name: String, _ version: String) -> String {
        #"{"type":"\#(type)","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","namespace":"a","resourceVersion":"\#(version)"}}}"#
    }

    @Test func eventsSplitAcrossChunksArriveOneByOneBeforeTheStreamEnds() async throws {
        let first = Self.event("ADDED", "one", "1")
        let second = Self.event("MODIFIED", "one", "2")
        let gate = ScriptedHTTPPeer.Gate()
        let cut = first.index(first.startIndex, offsetBy: 17)
        let secondCut = second.index(second.startIndex, offsetBy: 30)
        let peer = try ScriptedHTTPPeer(replies: [
            .stream(
                status: 200, headers: [("Content-Type", "application/json")],
                steps: [
                    .send(String(first[..<cut])), .pause(.milliseconds(20)),
                    .send(String(first[cut...]) + "\n" + String(second[..<secondCut])),
                    .wait(gate),
                    .send(String(second[secondCut...]) + "\n"),
                ])
        ])
        defer { peer.stop() }
        let client = try KubernetesClient(configuration: KubernetesClientConfiguration(server: peer.url))
        var events = client.watchEvents(
            ConfigMap.self, namespace: "a", options: ListOptions(resourceVersion: "0")
        )
        .makeAsyncIterator()
        let started = ContinuousClock.now
        let added = try await events.next()
        // The peer is still holding the rest of the second event back (for up to 30 s).
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(added?.type == .added)
        #expect(added?.object.metadata.resourceVersion == "1")
        gate.open()
        let modified = try await events.next()
        #expect(modified?.type == .modified)
        #expect(modified?.object.metadata.resourceVersion == "2")
        #expect(try await events.next() == nil)
        let request = try #require(peer.requests.first)
        #expect(request.path == "/api/v1/namespaces/a/configmaps")
        #expect(request.query == "watch=true&resourceVersion=0")
    }

    @Test func cancellingTheConsumerClosesTheConnection() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .stream(
                status: 200, headers: [],
                steps: [.send(Self.event("ADDED", "one", "1") + "\n"), .holdOpen])
        ])
        defer { peer.stop() }
        let client = try KubernetesClient(configuration: KubernetesClientConfiguration(server: peer.url))
        let received = LockedBox(0)
        let consumer = Task {
            for try await _ in client.watchEvents(ConfigMap.self, namespace: "a", options: ListOptions()) {
                received.update { $0 += 1 }
            }
        }
        #expect(await waitUntil(timeout: .seconds(5)) { received.get() == 1 })
        consumer.cancel()
        #expect(await waitUntil(timeout: .seconds(5)) { peer.connectionsClosedByClient == 1 })
    }

    @Test func anErrorEventWith410SurfacesAsGone() async throws {
        let expired =
            #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}"#
        let peer = try ScriptedHTTPPeer(replies: [
            .stream(
                status: 200, headers: [],
                steps: [.send(Self.event("ADDED", "one", "1") + "\n" + expired + "\n")])
        ])
        defer { peer.stop() }
        let client = try KubernetesClient(configuration: KubernetesClientConfiguration(server: peer.url))
        var events = client.watchEvents(
            ConfigMap.self, namespace: "a", options: ListOptions(resourceVersion: "1")
        )
        .makeAsyncIterator()
        #expect(try await events.next()?.type == .added)
        do {
            _ = try await events.next()
            Issue.record("expected 410 Gone")
        } catch {
            guard case .gone(let status) = error as? KubernetesError else {
                Issue.record("got \(error)")
                return
            }
            #expect(status.message == "too old resource version: 1 (5)")
        }
    }

    @Test func aRefusedWatchThrowsItsStatus() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .json(403, KubernetesClientTests.status(403, "Forbidden", "configmaps is forbidden"))
        ])
        defer { peer.stop() }
        let client = try KubernetesClient(configuration: KubernetesClientConfiguration(server: peer.url))
        do {
            for try await _ in client.stream(APIRequest(method: "GET", path: "/api/v1/configmaps")) {
                Issue.record("no event expected")
            }
            Issue.record("expected an error")
        } catch {
            guard case .forbidden(let status) = error as? KubernetesError else {
                Issue.record("got \(error)")
                return
            }
            #expect(status.message == "configmaps is forbidden")
        }
    }

    @Test func aWatchToNobodyThrowsATransportError() async throws {
        let client = try KubernetesClient(
            configuration: KubernetesClientConfiguration(server: "http://127.0.0.1:\(freeLoopbackPort())"))
        await #expect(throws: KubernetesError.self) {
            for try await _ in client.stream(APIRequest(method: "GET", path: "/api/v1/pods")) {}
        }
    }

    @Test func aSilentWatchEndsAfterTheIdleTimeout() async throws {
        let peer = try ScriptedHTTPPeer(replies: [.stream(status: 200, headers: [], steps: [.holdOpen])])
        defer { peer.stop() }
        var configuration = KubernetesClientConfiguration(server: peer.url)
        configuration.watchIdleTimeout = .seconds(1)
        let client = try KubernetesClient(configuration: configuration)
        let started = ContinuousClock.now
        await #expect(throws: KubernetesError.self) {
            for try await _ in client.stream(APIRequest(method: "GET", path: "/api/v1/pods")) {}
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
