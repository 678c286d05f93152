import CoreMetrics
import Synchronization

/// `rolling_upgrade_broker_restarts_total{cluster}`, `rolling_upgrade_paused{cluster}` (1 while
/// the cluster's upgrade waits at a closed gate, else 0) and
/// `rolling_upgrade_long_pauses_total{cluster}` (pauses that outlasted the limit), with
/// handles cached. The `cluster` label is `namespace/name`: one series per cluster.
public final class RollingUpgradeMetrics: Sendable {
    private let counters = Mutex<[String: Counter]>([:])
    private let gauges = Mutex<[String: Gauge]>([:])

    public init() {}

    func restarted(_ count: Int, cluster: String) {
        counter("rolling_upgrade_broker_restarts_total", cluster: cluster).increment(by: count)
    }

    func pausedTooLong(cluster: String) {
        counter("rolling_upgrade_long_pauses_total", cluster: cluster).increment()
    }

    func paused(_ paused: Bool, cluster: String) {
        gauges.withLock { cache in
            if let gauge = cache[cluster] { return gauge }
            let gauge = Gauge(label: "rolling_upgrade_paused", dimensions: [("cluster", cluster)])
            cache[cluster] = gauge
            return gauge
        }.record(paused ? 1 : 0)
    }

    private func counter(_ label: String, cluster: String) -> Counter {
        counters.withLock { cache in
            let key = "\(label) \(cluster)"
            if let counter = cache[key] { return counter }
            let counter = Counter(label: label, dimensions: [("cluster", cluster)])
            cache[key] = counter
            return counter
        }
    }
}
