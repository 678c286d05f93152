import Foundation
import TestSupport
import Testing

@testable import HTTPClient

/// The one transfer thread of a client: work handed to it while it sleeps starts at once.
@Suite struct CurlMultiTests {
    /// Timed at the peer, on its own threads, so a busy test run cannot stretch the figure.
    @Test func aTransferHandedOverWhileTheThreadSleepsStartsAtOnce() async throws {
        let arrivals = LockedBox<[ContinuousClock.Instant]>([])
        let peer = try ScriptedHTTPPeer { request in
            if request.query?.contains("watch=true") == true {
                return .stream(status: 200, headers: [], steps: [.holdOpen])
            }
            arrivals.update { $0.append(.now) }
            return .json(200, "{}")
        }
        defer { peer.stop() }
        let multi = try #require(CurlMulti(maxIdleConnections: 8))
        let settings = HTTPClientConfiguration()
        func transfer(_ path: String) throws -> CurlEasyHandle {
            try #require(
                CurlEasyHandle(
                    HTTPClientRequest(method: "GET", url: peer.url + path),
                    settings: settings,
                    share: nil))
        }
        // A silent watch: the thread then waits on its socket with nothing due.
        let watch = multi.makeControl()
        defer { watch.cancel() }
        multi.start(try transfer("/api/v1/pods?watch=true"), control: watch) { _ in }
        #expect(await waitUntil(timeout: .seconds(10)) { peer.requests.count == 1 })
        for round in 1...3 {
            try await Task.sleep(for: .milliseconds(300))
            let handedOver = ContinuousClock.now
            multi.start(try transfer("/api/v1/namespaces"), control: multi.makeControl()) { _ in }
            #expect(await waitUntil(timeout: .seconds(10)) { arrivals.get().count == round })
            let waited = try #require(arrivals.get().last) - handedOver
            #expect(waited < .milliseconds(500), "\(waited)")
        }
    }
}
