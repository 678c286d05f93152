import Testing

@testable import HTTPServer

@Suite struct RouterTests {
    var router: Router {
        var router = Router()
        router.add(.get, "/healthz") { _ in HTTPResponse(status: .ok) }
        router.add(.get, "/api/v1/namespaces/{namespace}/kafkaclusters/{name}/actions") { _ in
            HTTPResponse(status: .ok)
        }
        router.add(.post, "/api/v1/namespaces/{namespace}/kafkaclusters/{name}/actions") { _ in
            HTTPResponse(status: .accepted)
        }
        router.add(.post, "/alerts") { _ in HTTPResponse(status: .ok) }
        return router
    }

    @Test func bindsPathParameters() {
        guard
            case .found(_, let pattern, let parameters) = router.match(
                method: .post, path: "/api/v1/namespaces/kafka/kafkaclusters/prod/actions")
        else {
            Issue.record("no match")
            return
        }
        #expect(pattern == "/api/v1/namespaces/{namespace}/kafkaclusters/{name}/actions")
        #expect(parameters == ["namespace": "kafka", "name": "prod"])
    }

    static let misses: [(method: HTTPMethod, path: String, allowed: [String]?)] = [
        (.get, "/nowhere", nil),
        (.get, "/healthz/extra", nil),
        (.get, "/api/v1/namespaces//kafkaclusters/prod/actions", nil),
        (.get, "/", nil),
        (.delete, "/alerts", ["POST"]),
        (.post, "/healthz", ["GET", "HEAD"]),
        (.delete, "/api/v1/namespaces/a/kafkaclusters/b/actions", ["GET", "POST", "HEAD"]),
    ]

    @Test(arguments: misses)
    func answersNotFoundOrMethodNotAllowed(_ row: (method: HTTPMethod, path: String, allowed: [String]?)) {
        switch router.match(method: row.method, path: row.path) {
        case .notFound: #expect(row.allowed == nil)
        case .methodNotAllowed(let allowed): #expect(allowed.map(\.rawValue) == row.allowed)
        case .found: Issue.record("\(row.method) \(row.path) should not match")
        }
    }

    @Test func headFallsBackToGet() {
        guard case .found(_, let pattern, _) = router.match(method: .head, path: "/healthz") else {
            Issue.record("HEAD /healthz did not match")
            return
        }
        #expect(pattern == "/healthz")
    }
}
