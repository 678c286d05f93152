import Foundation
import HTTPServer
import Logging
import TestSupport

/// An HTTPServer on loopback port 0 with routes for the tests, run in a task and stopped by
/// cancelling it.
final class TestServer: Sendable {
    let server: HTTPServer
    let task: Task<Void, any Error>
    let port: UInt16
    let addresses: [BoundAddress]

    static func routes() -> Router {
        var router = Router()
        router.add(.get, "/hello") { _ in
            HTTPResponse(status: .ok, contentType: "text/plain", body: "hello\n")
        }
        router.add(.post, "/echo") { request in
            HTTPResponse(
                status: .ok, headers: ["Content-Type": "application/octet-stream"], body: request.body)
        }
        router.add(.get, "/items/{id}") { request in
            HTTPResponse(
                status: .ok, contentType: "text/plain",
                body: "\(request.pathParameters["id"] ?? "") \(request.queryValue("q") ?? "")")
        }
        router.add(.get, "/slow") { request in
            let milliseconds = Int(request.queryValue("ms") ?? "1000") ?? 1000
            try? await Task.sleep(for: .milliseconds(milliseconds))
            return HTTPResponse(status: .ok, contentType: "text/plain", body: "slow done")
        }
        return router
    }

    init(
        listeners: [HTTPListener] = [HTTPListener(host: "127.0.0.1", port: 0)],
        limits: HTTPLimits = HTTPLimits(), router: Router = TestServer.routes()
    )
        async throws
    {
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(listeners: listeners, limits: limits),
            router: router,
            logger: logger)
        self.server = server
        task = Task { try await server.run() }
        addresses = try await server.boundAddresses()
        port = addresses[0].port
    }

    func connect(timeout: Duration = .seconds(10)) throws -> RawSocket {
        try RawSocket(port: port, timeout: timeout)
    }

    /// Stops the server the way task cancellation does and waits for `run()` to return.
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

extension HTTPLimits {
    /// Small limits and short timeouts, so limit and timeout tests run fast.
    static func forTests(
        headerTimeout: Duration = .seconds(5), bodyTimeout: Duration = .seconds(5),
        idleTimeout: Duration = .seconds(5),
        maxConnections: Int = 2000, maxBodyBytes: Int = 1 << 20
    ) -> HTTPLimits {
        var limits = HTTPLimits()
        limits.headerTimeout = headerTimeout
        limits.bodyTimeout = bodyTimeout
        limits.idleTimeout = idleTimeout
        limits.maxConnections = maxConnections
        limits.maxBodyBytes = maxBodyBytes
        limits.shutdownGracePeriod = .seconds(5)
        return limits
    }
}
