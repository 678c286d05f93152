import Dispatch
import Logging
import Synchronization

/// What every connection of one server shares: configuration, routes, metrics, and the registry
/// of open connections that shutdown drains.
final class ServerContext: Sendable {
    let router: Router
    let limits: HTTPLimits
    let logger: Logger
    let metrics = ServerMetrics()
    /// One serial queue per core, like an event loop each: a connection's queue targets one of
    /// them, so under load a busy thread drains many connections' events in a row instead of
    /// Dispatch waking a thread per event.
    let eventLoops: [EventLoop] = (0..<max(1, System.coreCount)).map { EventLoop(label: "http.loop.\($0)") }

    func eventLoop(for connectionID: Int) -> EventLoop { eventLoops[connectionID % eventLoops.count] }
    private let open = Mutex<[Int: Connection]>([:])
    private let drained = Mutex<CheckedContinuation<Void, Never>?>(nil)

    // Dispatch sources are thread-safe; the protocol just is not annotated Sendable.
    nonisolated(unsafe) private let sweeper = DispatchSource.makeTimerSource(
        queue: DispatchQueue(label: "http.timeouts"))

    init(router: Router, limits: HTTPLimits, logger: Logger) {
        self.router = router
        self.limits = limits
        self.logger = logger
    }

    /// Starts checking connection deadlines every 50 ms: timeouts fire within that much of their
    /// due time, for one wake-up per tick however many connections are open.
    func startSweeping() {
        sweeper.setEventHandler { [weak self] in
            guard let self else { return }
            let now = DispatchTime.now().uptimeNanoseconds
            for connection in openConnections { connection.checkDeadline(now: now) }
        }
        sweeper.schedule(
            deadline: .now() + .milliseconds(50), repeating: .milliseconds(50), leeway: .milliseconds(10))
        sweeper.resume()
    }

    func stopSweeping() { sweeper.cancel() }

    deinit {
        // Dispatch traps on releasing a source that was never resumed (a server that failed to bind).
        sweeper.activate()
        sweeper.cancel()
    }

    /// Registers a new connection, or returns false when the cap is reached.
    func admit(_ connection: Connection) -> Bool {
        let admitted = open.withLock { connections in
            guard connections.count < limits.maxConnections else { return false }
            connections[connection.id] = connection
            return true
        }
        if admitted { metrics.connectionOpened() }
        return admitted
    }

    func connectionClosed(_ connection: Connection) {
        let remaining = open.withLock { connections -> Int? in
            guard connections.removeValue(forKey: connection.id) != nil else { return nil }
            return connections.count
        }
        guard let remaining else { return }
        metrics.connectionClosed()
        if remaining == 0 { drained.withLock { $0.take() }?.resume() }
    }

    var openConnections: [Connection] { open.withLock { Array($0.values) } }

    /// Waits until no connection is open, or `deadline` passes; returns whether all closed.
    func waitUntilDrained(deadline: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let empty = open.withLock { connections in
                if connections.isEmpty { return true }
                drained.withLock { $0 = continuation }
                return false
            }
            if empty { return continuation.resume() }
            let nanoseconds =
                deadline.components.seconds * 1_000_000_000 + deadline.components.attoseconds / 1_000_000_000
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
                drained.withLock { $0.take() }?.resume()
            }
        }
        return open.withLock { $0.isEmpty }
    }
}
