import HTTPClient
import TestSupport
import Testing

/// The shared client's public face: one attempt, the whole answer, its bounds.
@Suite struct CurlHTTPClientTests {
    static func client(_ configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws
        -> CurlHTTPClient
    {
        try #require(CurlHTTPClient(configuration: configuration))
    }

    @Test func anAnswerComesWithItsStatusEveryHeaderAndItsBody() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .json(
                202, #"{"a":1}"#,
                headers: [("User-Task-ID", "t-1"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
        ])
        defer { peer.stop() }
        let response = try await Self.client().execute(HTTPClientRequest(method: "GET", url: peer.url + "/x"))
            .get()
        #expect(response.status == 202)
        #expect(response.isSuccess)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"a":1}"#)
        #expect(response.header("user-task-id") == "t-1")
        #expect(response.headers.filter { $0.name == "Set-Cookie" }.map(\.value) == ["a=1", "b=2"])
        #expect(response.header("Content-Length") == "7")
    }

    @Test func aNonSuccessAnswerIsAnAnswerNotAFailure() async throws {
        let peer = try ScriptedHTTPPeer(replies: [.json(503, "{}", headers: [("Retry-After", " 7 ")])])
        defer { peer.stop() }
        let response = try await Self.client().execute(HTTPClientRequest(method: "GET", url: peer.url)).get()
        #expect(response.status == 503 && !response.isSuccess)
        #expect(response.retryAfterSeconds == 7)
    }

    @Test func aBodyPastItsBoundEndsTheTransferWhetherDeclaredOrStreamed() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .respond(status: 200, headers: [], body: [UInt8](repeating: 65, count: 5000)),
            .stream(
                status: 200, headers: [],
                steps: (0..<10).map { _ in .send(String(repeating: "b", count: 1000)) }),
            .respond(status: 200, headers: [], body: [UInt8](repeating: 65, count: 4096)),
        ])
        defer { peer.stop() }
        let client = try Self.client()
        for _ in 0..<2 {
            let outcome = await client.execute(
                HTTPClientRequest(method: "GET", url: peer.url, maxResponseBytes: 4096))
            guard case .failure(let failure) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                continue
            }
            #expect(failure.reason == .responseTooLarge(limit: 4096))
            #expect(!failure.isConnectionFailure)
        }
        // Exactly the bound is allowed.
        let exact = try await client.execute(
            HTTPClientRequest(method: "GET", url: peer.url, maxResponseBytes: 4096)
        ).get()
        #expect(exact.body.count == 4096)
    }

    @Test func aRouteSendsTheConnectionElsewhereAndTheURLKeepsNamingTheServer() async throws {
        let peer = try ScriptedHTTPPeer(replies: [.json(200, "{}")])
        defer { peer.stop() }
        let route = ConnectionRoute(
            host: "cruise-control.kafka.svc", port: 8090, connectHost: "127.0.0.1",
            connectPort: Int(peer.port))
        let client = try Self.client(HTTPClientConfiguration(route: route))
        let response = try await client.execute(
            HTTPClientRequest(method: "GET", url: "http://cruise-control.kafka.svc:8090/state")
        ).get()
        #expect(response.status == 200)
        #expect(peer.requests.first?.header("Host") == "cruise-control.kafka.svc:8090")
        #expect(peer.requests.first?.path == "/state")
    }

    @Test func anIPv6RouteTargetGetsItsBrackets() {
        let route = ConnectionRoute(host: "cc", port: 80, connectHost: "::1", connectPort: 8090)
        #expect(route.connectHost == "[::1]")
        #expect(
            ConnectionRoute(host: "cc", port: 80, connectHost: "[::1]", connectPort: 1).connectHost == "[::1]"
        )
    }

    @Test func aFreshConnectionIsNotTakenFromTheKeptOnes() async throws {
        let peer = try ScriptedHTTPPeer { _ in .json(200, "{}") }
        defer { peer.stop() }
        let client = try Self.client()
        for fresh in [false, false, true, false] {
            _ = try await client.execute(
                HTTPClientRequest(method: "POST", url: peer.url, freshConnection: fresh)
            ).get()
        }
        #expect(peer.requests.count == 4)
        // The fresh one opened a second connection; the calls after it reuse a kept one again.
        #expect(peer.requests.map(\.connection).prefix(3) == [0, 0, 1])
        #expect(peer.connectionsAccepted == 2)
    }

    @Test func headersAndBodyGoOutAsGiven() async throws {
        let peer = try ScriptedHTTPPeer(replies: [.json(200, "{}")])
        defer { peer.stop() }
        _ = try await Self.client().execute(
            HTTPClientRequest(
                method: "PUT", url: peer.url + "/p?q=1",
                headers: [("X-One", "1"), ("Content-Type", "text/plain")],
                body: Array("hello".utf8))
        ).get()
        let request = try #require(peer.requests.first)
        #expect(request.method == "PUT" && request.target == "/p?q=1")
        #expect(request.header("X-One") == "1" && request.header("Content-Type") == "text/plain")
        #expect(request.text == "hello")
        #expect(request.header("Expect") == nil)
    }

    @Test func aRefusedConnectionIsAConnectionFailureBeforeAnythingWasSent() async throws {
        let outcome = try await Self.client().execute(
            HTTPClientRequest(
                method: "POST", url: "http://127.0.0.1:\(freeLoopbackPort())/", timeout: .seconds(5)))
        guard case .failure(let failure) = outcome else {
            Issue.record("got \(outcome)")
            return
        }
        #expect(failure.reason == .couldNotConnect)
        #expect(failure.isConnectionFailure && !failure.requestSent && !failure.wasCancelled)
    }
}
