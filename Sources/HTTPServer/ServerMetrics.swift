import CoreMetrics
import Synchronization

/// The server's request counter, latency histogram and open-connection gauge. Metric handles are
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

    func recordRequest(method: HTTPMethod, route: String, status: Int, nanoseconds: Int64) {
        let key = Key(method: method.rawValue, route: route, status: status)
        let counter = counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = Counter(
                label: "http_requests_total",
                dimensions: [("method", key.method), ("route", route), ("status", String(status))])
            cache[key] = counter
            return counter
        }
        counter.increment()
        let timerKey = Key(method: key.method, route: route, status: 0)
        let timer = timers.withLock { cache in
            if let timer = cache[timerKey] { return timer }
            let timer = Timer(
                label: "http_request_duration_seconds",
                dimensions: [("method", key.method), ("route", route)])
            cache[timerKey] = timer
            return timer
        }
        timer.recordNanoseconds(nanoseconds)
    }

    func connectionOpened() { connections.increment() }
    func connectionClosed() { connections.decrement() }
}
