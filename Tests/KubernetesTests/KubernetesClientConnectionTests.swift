import Foundation
import Kubernetes
import TestSupport
import Testing

@Suite struct KubernetesClientConnectionTests {
    static func rate(_ count: Int, _ elapsed: Duration) -> Int {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Int(Double(count) / seconds)
    }

    @Test func concurrentCallsShareAFewConnectionsAndKeepThem() async throws {
        let peer = try ScriptedHTTPPeer { _ in .json(200, "{}") }
        defer { peer.stop() }
        var configuration = KubernetesClientConfiguration(server: peer.url)
        configuration.maxIdleConnections = 4
        let client = try KubernetesClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<25 {
                        _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/pods"))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(peer.requests.count == 100)
        let afterBurst = peer.connectionsAccepted
        #expect(afterBurst <= 4, "\(afterBurst) connections for 4 concurrent callers")
        for _ in 0..<10 { _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/pods")) }
        #expect(peer.connectionsAccepted == afterBurst)
    }

    /// Prints requests per second over one kept connection and over a new connection per call.
    @Test func reusingAConnectionIsMeasuredAgainstConnectingEachTime() async throws {
        let peer = try ScriptedHTTPPeer { _ in .json(200, #"{"kind":"Pod"}"#) }
        defer { peer.stop() }
        let reused = try KubernetesClient(configuration: KubernetesClientConfiguration(server: peer.url))
        var fresh = KubernetesClientConfiguration(server: peer.url)
        fresh.maxIdleConnections = 0
        let connecting = try KubernetesClient(configuration: fresh)
        let request = APIRequest(method: "GET", path: "/api/v1/namespaces/kafka/pods/kafka-0")
        _ = try await reused.send(request)

        let count = 300
        let clock = ContinuousClock()
        let reusedTime = try await clock.measure {
            for _ in 0..<count { _ = try await reused.send(request) }
        }
        let before = peer.connectionsAccepted
        let connectingTime = try await clock.measure {
            for _ in 0..<count { _ = try await connecting.send(request) }
        }
        #expect(peer.connectionsAccepted - before == count)
        print(
            "kubernetes client over loopback HTTP/1.1: \(Self.rate(count, reusedTime)) requests/s on one kept "
                + "connection, \(Self.rate(count, connectingTime)) requests/s with a new connection each")
    }
}

extension KubernetesClientConnectionTests {
    @Test func callsBeyondTheConcurrencyLimitWaitTheirTurn() async throws {
        let peer = try ScriptedHTTPPeer { _ in .json(200, "{}") }
        defer { peer.stop() }
        var configuration = KubernetesClientConfiguration(server: peer.url)
        configuration.maxConcurrentRequests = 2
        configuration.maxIdleConnections = 8
        let client = try KubernetesClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask { _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/pods")) }
            }
            try await group.waitForAll()
        }
        #expect(peer.requests.count == 40)
        // Never more than two transfers at once, so never more than two connections.
        #expect(peer.connectionsAccepted <= 2)
    }
}

extension KubernetesClientConnectionTests {
    @Test func openWatchesDoNotStarveOtherCalls() async throws {
        let peer = try ScriptedHTTPPeer { request in
            request.query?.contains("watch=true") == true
                ? .stream(status: 200, headers: [], steps: [.holdOpen]) : .json(200, "{}")
        }
        defer { peer.stop() }
        let client = try KubernetesClient(configuration: KubernetesClientConfiguration(server: peer.url))
        let watchCount = ProcessInfo.processInfo.activeProcessorCount * 2 + 2
        let watches = (0..<watchCount).map { _ in
            Task {
                for try await _ in client.stream(
                    APIRequest(method: "GET", path: "/api/v1/pods", query: [("watch", "true")]))
                {}
            }
        }
        defer { for watch in watches { watch.cancel() } }
        let started = ContinuousClock.now
        #expect(await waitUntil(timeout: .seconds(10)) { peer.requests.count == watchCount })
        _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/namespaces"))
        // Open watches hold no thread and no turn: a call beside them goes at once.
        #expect(ContinuousClock.now - started < .seconds(3))
    }
}
