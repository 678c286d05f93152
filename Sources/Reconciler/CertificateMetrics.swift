import CoreMetrics
import Synchronization

/// `certificate_expiry_seconds{cluster, secret}`: seconds until each certificate the cluster
/// uses expires (negative once it has), so an alert can fire well before a renewal that keeps
/// failing lets one lapse. Handles are cached per series.
public final class CertificateMetrics: Sendable {
    private let gauges = Mutex<[String: Gauge]>([:])

    public init() {}

    func expiresIn(_ seconds: Int64, cluster: String, secret: String) {
        gauges.withLock { cache in
            let key = "\(cluster) \(secret)"
            if let gauge = cache[key] { return gauge }
            let gauge = Gauge(
                label: "certificate_expiry_seconds", dimensions: [("cluster", cluster), ("secret", secret)])
            cache[key] = gauge
            return gauge
        }.record(seconds)
    }
}
