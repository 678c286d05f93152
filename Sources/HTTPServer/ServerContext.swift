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
    /// One event loop per core unless configured; a connection belongs to one for its whole life.
    let eventLoops: [EventLoop]

    func eventLoop(for connectionID: Int) -> EventLoop { eventLoops[connectionID % eventLoops.count] }
    private let open = Mutex<[Int: Connection]>([:])
    private let drained = Mutex<CheckedContinuation<Void, Never>?>(nil)

    init(router: Router, limits: HTTPLimits, logger: Logger, eventLoopCount: Int? = nil) {
        eventLoops = (0..<max(1, eventLoopCount ?? System.coreCount)).map {
            EventLoop(name: "http.loop.\($0)")
        }
        self.router = router
        self.limits = limits
        self.logger = logger
    }

    func startLoops() {
        for loop in eventLoops { loop.start() }
    }

    func stopLoops() async {
        for loop in eventLoops { await loop.stop() }
    }

    /// Registers a new connection. At the cap, the longest-idle connection is asked to close
    /// to make room (it may have become busy meanwhile, and then stays: the count can pass the
    /// cap by the connections asked); returns false when no connection is idle.
    func admit(_ connection: Connection) -> Bool {
        let (admitted, evicted) = open.withLock { connections -> (Bool, Connection?) in
            if connections.count < limits.maxConnections {
                connections[connection.id] = connection
                return (true, nil)
            }
            var oldest: (connection: Connection, since: UInt64)?
            for candidate in connections.values {
                let since = candidate.idleSince.load(ordering: .relaxed)
                if since != 0, since < oldest?.since ?? .max { oldest = (candidate, since) }
            }
            guard let oldest else { return (false, nil) }
            // Not picked twice while its close is on the way.
            oldest.connection.idleSince.store(0, ordering: .relaxed)
            connections[connection.id] = connection
            return (true, oldest.connection)
        }
        if let evicted {
            metrics.connectionEvicted()
            evicted.closeIfIdle()
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
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(deadline.nanoseconds))) {
                [self] in
                drained.withLock { $0.take() }?.resume()
            }
        }
        return open.withLock { $0.isEmpty }
    }
}
