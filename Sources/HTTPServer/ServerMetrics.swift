import CoreMetrics
import Synchronization

/// The server's request counter, latency histogram, open-connection gauge and eviction counter. Metric handles are
/// cached per label set: looking one up through the factory on every request costs more than
/// the request.
final class ServerMetrics: Sendable {
    private struct Key: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    private let counters = Mutex<[Key: Counter]>([:])
    private let timers = Mutex<[Key: Timer]>([:])
    private let connections = Meter(label: "http_connections_open")
    private let evictions = Counter(label: "http_connections_evicted_total")

    /// The counter and timer for one method, route and status; a connection keeps the last one,
    /// since a client mostly repeats the same request.
    struct Handles {
        let method: HTTPMethod
        let route: String
        let status: Int
        let counter: Counter
        let timer: Timer

        func matches(_ method: HTTPMethod, _ route: String, _ status: Int) -> Bool {
            self.status == status && self.method == method && self.route == route
        }

        func record(nanoseconds: Int64) {
            counter.increment()
            timer.recordNanoseconds(nanoseconds)
        }
    }

    func handles(method: HTTPMethod, route: String, status: Int) -> Handles {
        let key = Key(method: method.rawValue, route: route, status: status)
        let counter = counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = Counter(
                label: "http_requests_total",
                dimensions: [("method", key.method), ("route", route), ("status", String(status))])
            cache[key] = counter
            return counter
        }
        let timerKey = Key(method: key.method, route: route, status: 0)
        let timer = timers.withLock { cache in
            if let timer = cache[timerKey] { return timer }
            let timer = Timer(
                label: "http_request_duration_seconds",
                dimensions: [("method", key.method), ("route", route)])
            cache[timerKey] = timer
            return timer
        }
        return Handles(method: method, route: route, status: status, counter: counter, timer: timer)
    }

    func connectionOpened() { connections.increment() }
    func connectionClosed() { connections.decrement() }
    /// An idle connection closed at the connection cap to admit a new one.
    func connectionEvicted() { evictions.increment() }
}
