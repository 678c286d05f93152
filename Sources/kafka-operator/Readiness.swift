import HTTPServer
import Synchronization

/// Whether the operator should receive traffic: not while it drains for shutdown.
final class Readiness: Sendable {
    private let server = Mutex<HTTPServer?>(nil)

    func track(_ server: HTTPServer) { self.server.withLock { $0 = server } }

    var isReady: Bool {
        server.withLock { server in server.map { !$0.isShuttingDown } ?? false }
    }
}
