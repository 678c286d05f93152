import Foundation
import HTTPClient
import JSON
import Kubernetes
import TestSupport
import Testing

@Suite struct KubernetesClientTests {
    static func client(
        _ peer: ScriptedHTTPPeer, policy: RetryPolicy = .standard,
        clock: ManualRetryClock = ManualRetryClock(),
        configure: (inout KubernetesClientConfiguration) -> Void = { _ in }
    ) throws -> KubernetesClient {
        var configuration = KubernetesClientConfiguration(server: peer.url, retryPolicy: policy)
        configure(&configuration)
        return try KubernetesClient(configuration: configuration, clock: clock.clock)
    }

    static func status(_ code: Int, _ reason: String, _ message: String, details: String? = nil) -> String {
        let detailsPart = details.map { #","details":\#($0)"# } ?? ""
        return
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"\#(message)","reason":"\#(reason)"\#(detailsPart),"code":\#(code)}"#
    }

    struct ErrorRow: Sendable, CustomStringConvertible {
        var description: String
        var code: Int
        var body: String
        var headers: [(String, String)] = []
        var expected: @Sendable (KubernetesError) -> Bool
    }

    static let errorRows: [ErrorRow] = [
        ErrorRow(
            description: "404 NotFound", code: 404, body: status(404, "NotFound", #"pods \"a\" not found"#),
            expected: {
                if case .notFound(let status) = $0 { return status.message == #"pods "a" not found"# }
                return false
            }),
        ErrorRow(
            description: "409 AlreadyExists", code: 409,
            body: status(409, "AlreadyExists", #"pods \"a\" already exists"#),
            expected: {
                if case .alreadyExists = $0 { return true }
                return false
            }),
        ErrorRow(
            description: "409 Conflict", code: 409,
            body: status(409, "Conflict", "the object has been modified; please apply your changes"),
            expected: {
                if case .conflict = $0 { return true }
                return false
            }),
        ErrorRow(
            description: "422 Invalid with causes", code: 422,
            body: status(
                422, "Invalid", "Pod is invalid",
                details:
                    #"{"name":"a","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers"}]}"#
            ),
            expected: {
                guard case .invalid(let status) = $0 else { return false }
                return status.details?.causes
                    == [
                        Status.Cause(
                            reason: "FieldValueRequired", message: "Required value", field: "spec.containers")
                    ]
                    && $0.description.contains("spec.containers: Required value")
            }),
        ErrorRow(
            description: "403 Forbidden", code: 403,
            body: status(403, "Forbidden", #"pods is forbidden: User \"x\" cannot list"#),
            expected: {
                if case .forbidden = $0 { return true }
                return false
            }),
        ErrorRow(
            description: "410 Gone", code: 410, body: status(410, "Expired", "too old resource version"),
            expected: {
                if case .gone = $0 { return true }
                return false
            }),
        ErrorRow(
            description: "401 without a Status body", code: 401, body: "Unauthorized",
            expected: {
                guard case .unauthorized(let status) = $0 else { return false }
                return status.code == 401 && status.reason == "Unauthorized"
                    && status.message == "Unauthorized"
            }),
        ErrorRow(
            description: "400 with an empty body", code: 400, body: "",
            expected: {
                guard case .server(400, let status) = $0 else { return false }
                return status.reason == "BadRequest"
            }),
    ]

    @Test("a non-2xx answer becomes its typed error", arguments: errorRows)
    func nonSuccessAnswerBecomesTypedError(row: ErrorRow) async throws {
        let peer = try ScriptedHTTPPeer(replies: [.json(row.code, row.body, headers: row.headers)])
        defer { peer.stop() }
        let client = try Self.client(peer)
        do {
            _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/namespaces/a/pods/a"))
            Issue.record("expected an error")
        } catch {
            #expect(row.expected(error), "got \(error)")
        }
        #expect(peer.requests.count == 1)
    }

    @Test func throttledAnswerIsRetriedAfterItsRetryAfter() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .json(429, Self.status(429, "TooManyRequests", "slow down"), headers: [("Retry-After", "3")]),
            .json(200, #"{"ok":true}"#),
        ])
        defer { peer.stop() }
        let clock = ManualRetryClock()
        let client = try Self.client(peer, clock: clock)
        let body = try await client.send(APIRequest(method: "GET", path: "/api/v1/pods"))
        #expect(String(decoding: body, as: UTF8.self) == #"{"ok":true}"#)
        #expect(clock.sleeps == [.seconds(3)])
        #expect(peer.requests.count == 2)
    }

    @Test func serverErrorsAreRetriedWithGrowingJitteredBackoff() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .json(500, Self.status(500, "InternalError", "etcd hiccup")),
            .json(500, Self.status(500, "InternalError", "etcd hiccup")),
            .json(200, "{}"),
        ])
        defer { peer.stop() }
        let clock = ManualRetryClock()
        let policy = RetryPolicy(
            maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1), budget: .seconds(10))
        let client = try Self.client(peer, policy: policy, clock: clock)
        _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/pods"))
        #expect(peer.requests.count == 3)
        let sleeps = clock.sleeps
        #expect(sleeps.count == 2)
        #expect(sleeps.count == 2 && sleeps[0] >= .milliseconds(50) && sleeps[0] <= .milliseconds(100))
        #expect(sleeps.count == 2 && sleeps[1] >= .milliseconds(100) && sleeps[1] <= .milliseconds(200))
    }

    @Test func notImplementedIsNotRetried() async throws {
        let peer = try ScriptedHTTPPeer(replies: [.json(501, Self.status(501, "NotImplemented", "no"))])
        defer { peer.stop() }
        let client = try Self.client(peer)
        await #expect(throws: KubernetesError.self) {
            _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/pods"))
        }
        #expect(peer.requests.count == 1)
    }

    @Test func retriesStopAtMaxAttempts() async throws {
        let peer = try ScriptedHTTPPeer { _ in .json(503, Self.status(503, "ServiceUnavailable", "down")) }
        defer { peer.stop() }
        let clock = ManualRetryClock()
        let policy = RetryPolicy(
            maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .seconds(1), budget: .seconds(10))
        let client = try Self.client(peer, policy: policy, clock: clock)
        do {
            _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/pods"))
            Issue.record("expected an error")
        } catch {
            guard case .server(503, _) = error else {
                Issue.record("got \(error)")
                return
            }
        }
        #expect(peer.requests.count == 3)
        #expect(clock.sleeps.count == 2)
    }

    @Test func retryAfterBeyondTheBudgetEndsTheCall() async throws {
        let peer = try ScriptedHTTPPeer { _ in
            .json(429, Self.status(429, "TooManyRequests", "later"), headers: [("Retry-After", "120")])
        }
        defer { peer.stop() }
        let clock = ManualRetryClock()
        let client = try Self.client(peer, clock: clock)
        do {
            _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/pods"))
            Issue.record("expected an error")
        } catch {
            guard case .tooManyRequests(_, let retryAfter) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(retryAfter == 120)
        }
        #expect(peer.requests.count == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func postIsRetriedOn503ButNotOn500() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .json(503, Self.status(503, "ServiceUnavailable", "starting")),
            .json(500, Self.status(500, "InternalError", "maybe created")),
        ])
        defer { peer.stop() }
        let client = try Self.client(peer)
        do {
            _ = try await client.send(
                APIRequest(method: "POST", path: "/api/v1/namespaces/a/pods", body: Array("{}".utf8)))
            Issue.record("expected an error")
        } catch {
            guard case .server(500, _) = error else {
                Issue.record("got \(error)")
                return
            }
        }
        #expect(peer.requests.count == 2)
    }

    @Test func aPeerThatNeverAnswersTimesOutWithinTheBound() async throws {
        let peer = try ScriptedHTTPPeer { _ in .hang }
        defer { peer.stop() }
        let client = try Self.client(peer, policy: .never) { $0.requestTimeout = .seconds(30) }
        let started = ContinuousClock.now
        do {
            _ = try await client.send(
                APIRequest(method: "GET", path: "/api/v1/pods", timeout: .milliseconds(300)))
            Issue.record("expected a timeout")
        } catch {
            guard case .transport(let why) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(why.lowercased().contains("timed out") || why.lowercased().contains("timeout"), "\(why)")
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(3), "took \(elapsed)")
    }

    @Test func aTimedOutPostIsNotSentAgain() async throws {
        let peer = try ScriptedHTTPPeer { _ in .hang }
        defer { peer.stop() }
        let client = try Self.client(peer) { $0.requestTimeout = .milliseconds(200) }
        await #expect(throws: KubernetesError.self) {
            _ = try await client.send(
                APIRequest(method: "POST", path: "/api/v1/pods", body: Array("{}".utf8)))
        }
        #expect(peer.requests.count == 1)
    }

    @Test func connectionRefusedIsATransportErrorRetriedWithinTheBound() async throws {
        let port = freeLoopbackPort()
        let clock = ManualRetryClock()
        let policy = RetryPolicy(
            maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .seconds(1), budget: .seconds(10))
        let client = try KubernetesClient(
            configuration: KubernetesClientConfiguration(
                server: "http://127.0.0.1:\(port)", retryPolicy: policy),
            clock: clock.clock)
        do {
            _ = try await client.send(
                APIRequest(method: "POST", path: "/api/v1/pods", body: Array("{}".utf8)))
            Issue.record("expected an error")
        } catch {
            guard case .transport(let why) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(why.contains("onnect"), "\(why)")
            #expect(error.isRetryable)
        }
        // Never sent, so even a POST was tried again.
        #expect(clock.sleeps.count == 2)
    }

    @Test func headersCarryTheTokenTheMediaTypesAndTheUserAgent() async throws {
        let peer = try ScriptedHTTPPeer { _ in .json(200, #"{"metadata":{"name":"c","namespace":"a"}}"#) }
        defer { peer.stop() }
        let client = try Self.client(peer) { $0.credentials = .bearerToken("s3cr3t") }
        let patched = try await client.patch(
            ConfigMap.self, namespace: "a", name: "c",
            mergePatch: .object([("data", .object([("k", .string("v"))]))]))
        #expect(patched.metadata.name == "c")
        let request = try #require(peer.requests.first)
        #expect(request.method == "PATCH")
        #expect(request.path == "/api/v1/namespaces/a/configmaps/c")
        #expect(request.header("Authorization") == "Bearer s3cr3t")
        #expect(request.header("Content-Type") == "application/merge-patch+json")
        #expect(request.header("Accept") == "application/json")
        #expect(request.header("User-Agent") == KubernetesClientConfiguration.defaultUserAgent)
        #expect(request.header("Expect") == nil)
        #expect(request.text == #"{"data":{"k":"v"}}"#)
    }

    @Test func createSendsTheObjectAsJSONAndGetSendsNoBody() async throws {
        let peer = try ScriptedHTTPPeer { request in
            request.method == "POST"
                ? .json(201, request.text) : .json(200, #"{"metadata":{"name":"c","namespace":"a"}}"#)
        }
        defer { peer.stop() }
        let client = try Self.client(peer)
        var map = ConfigMap(metadata: ObjectMeta(name: "c", namespace: "a"))
        map.data = ["server.properties": "broker.id=1"]
        let created = try await client.create(map)
        #expect(created.data?["server.properties"] == "broker.id=1")
        _ = try await client.get(ConfigMap.self, namespace: "a", name: "c")
        let requests = peer.requests
        #expect(requests.count == 2)
        #expect(requests[0].header("Content-Type") == "application/json")
        let sent = try JSONReader.parse(requests[0].body)
        #expect(sent["kind"] == .string("ConfigMap"))
        #expect(sent["data"]?["server.properties"] == .string("broker.id=1"))
        #expect(requests[1].method == "GET")
        #expect(requests[1].body.isEmpty)
        #expect(requests[1].header("Content-Type") == nil)
    }

    @Test func deleteSendsItsPreconditions() async throws {
        let peer = try ScriptedHTTPPeer { _ in .json(200, #"{"kind":"Status","status":"Success"}"#) }
        defer { peer.stop() }
        let client = try Self.client(peer)
        try await client.delete(
            .pods, namespace: "a", name: "p",
            options: DeleteOptions(preconditions: .init(uid: "u-1", resourceVersion: "7")))
        let request = try #require(peer.requests.first)
        #expect(request.method == "DELETE")
        let body = try JSONReader.parse(request.body)
        #expect(body["preconditions"]?["uid"] == .string("u-1"))
        #expect(body["preconditions"]?["resourceVersion"] == .string("7"))
    }

    @Test func queryParametersAreEscaped() async throws {
        let peer = try ScriptedHTTPPeer { _ in .json(200, #"{"metadata":{"resourceVersion":"5"},"items":[]}"#)
        }
        defer { peer.stop() }
        let client = try Self.client(peer)
        let list = try await client.list(
            Pod.self, namespace: "kafka", options: ListOptions(labelSelector: "app=kafka,brokerId in (1, 2)"))
        #expect(list.items.isEmpty)
        let request = try #require(peer.requests.first)
        #expect(request.query == "labelSelector=app%3Dkafka%2CbrokerId%20in%20%281%2C%202%29")
        #expect(request.query?.removingPercentEncoding == "labelSelector=app=kafka,brokerId in (1, 2)")
    }

    @Test func aRotatedTokenFileIsReadAgain() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = directory.file("token")
        try Data("first\n".utf8).write(to: tokenFile, options: .atomic)
        let peer = try ScriptedHTTPPeer { _ in .json(200, "{}") }
        defer { peer.stop() }
        let client = try Self.client(peer) { $0.credentials = .bearerTokenFile(tokenFile.path) }
        _ = try await client.send(APIRequest(method: "GET", path: "/api"))
        try Data("second\n".utf8).write(to: tokenFile, options: .atomic)
        _ = try await client.send(APIRequest(method: "GET", path: "/api"))
        #expect(peer.requests.map { $0.header("Authorization") } == ["Bearer first", "Bearer second"])
    }

    @Test func basicAuthIsSentWhenConfigured() async throws {
        let peer = try ScriptedHTTPPeer { _ in .json(200, "{}") }
        defer { peer.stop() }
        let client = try Self.client(peer) { $0.credentials = .basic(username: "admin", password: "pw") }
        _ = try await client.send(APIRequest(method: "GET", path: "/api"))
        #expect(peer.requests.first?.header("Authorization") == "Basic YWRtaW46cHc=")
    }

    @Test func sequentialCallsReuseOneConnection() async throws {
        let peer = try ScriptedHTTPPeer { _ in .json(200, "{}") }
        defer { peer.stop() }
        let client = try Self.client(peer)
        for _ in 0..<50 { _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/pods")) }
        #expect(peer.requests.count == 50)
        #expect(peer.connectionsAccepted == 1)
    }

    @Test func withoutIdleConnectionsEachCallConnectsAgain() async throws {
        let peer = try ScriptedHTTPPeer { _ in .json(200, "{}") }
        defer { peer.stop() }
        let client = try Self.client(peer) { $0.maxIdleConnections = 0 }
        for _ in 0..<5 { _ = try await client.send(APIRequest(method: "GET", path: "/api/v1/pods")) }
        #expect(peer.connectionsAccepted == 5)
    }

    @Test func cancellingACallAbortsItsTransfer() async throws {
        let peer = try ScriptedHTTPPeer { _ in .hang }
        defer { peer.stop() }
        let client = try Self.client(peer, policy: .never)
        let call = Task { try await client.send(APIRequest(method: "GET", path: "/api/v1/pods")) }
        #expect(await waitUntil(timeout: .seconds(5)) { peer.requests.count == 1 })
        let started = ContinuousClock.now
        call.cancel()
        let result = await call.result
        #expect(ContinuousClock.now - started < .seconds(3))
        // Its own case: neither a transport failure nor retryable.
        guard case .failure(let error) = result, case .cancelled(let call) = error as? KubernetesError else {
            Issue.record("got \(result)")
            return
        }
        #expect(call == "GET /api/v1/pods")
        #expect((error as? KubernetesError)?.isRetryable == false)
        #expect(await waitUntil(timeout: .seconds(5)) { peer.connectionsClosedByClient == 1 })
    }

    @Test(arguments: [
        ("ftp://example.com", "not an http"),
        ("https://", "no valid host"),
        ("https://host:99999", "no valid host"),
        ("https://[::1", "unclosed IPv6"),
    ])
    func badServerURLsAreConfigurationErrors(server: String, message: String) {
        #expect {
            _ = try KubernetesClient(configuration: KubernetesClientConfiguration(server: server))
        } throws: { error in
            guard case .configuration(let why) = error as? KubernetesError else { return false }
            return why.contains(message)
        }
    }

    @Test func anUnreadableCertificateFileIsAConfigurationError() {
        #expect {
            _ = try KubernetesClient(
                configuration: KubernetesClientConfiguration(
                    server: "https://127.0.0.1:6443", certificateAuthority: .file("/nonexistent/ca.crt")))
        } throws: { error in
            guard case .configuration(let why) = error as? KubernetesError else { return false }
            return why.contains("/nonexistent/ca.crt")
        }
    }
}

extension KubernetesClientTests {
    @Test func aConnectionClosedWithoutAnAnswerIsRetriedForAGet() async throws {
        let peer = try ScriptedHTTPPeer(replies: [.close, .json(200, #"{"ok":true}"#)])
        defer { peer.stop() }
        let clock = ManualRetryClock()
        let client = try Self.client(peer, clock: clock)
        let body = try await client.send(APIRequest(method: "GET", path: "/api/v1/pods"))
        #expect(String(decoding: body, as: UTF8.self) == #"{"ok":true}"#)
        #expect(peer.requests.count == 2)
        #expect(clock.sleeps.count == 1)
    }

    @Test func aPostWhoseConnectionClosedAfterSendingIsNotSentAgain() async throws {
        let peer = try ScriptedHTTPPeer(replies: [.close, .json(201, "{}")])
        defer { peer.stop() }
        let client = try Self.client(peer)
        do {
            _ = try await client.send(
                APIRequest(method: "POST", path: "/api/v1/pods", body: Array("{}".utf8)))
            Issue.record("expected an error")
        } catch {
            guard case .transport(let why) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(why.contains("POST /api/v1/pods"), "\(why)")
        }
        #expect(peer.requests.count == 1)
    }
}
