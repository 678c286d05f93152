import AddressResolution
import HTTPClient

/// Where Cruise Control is and how the client talks to it.
public struct CruiseControlClientConfiguration: Sendable {
    /// Cruise Control's base URL, as on Kubernetes:
    /// `http://kafka-cruisecontrol-svc.kafka.svc.cluster.local:8090`; the path defaults to
    /// `/kafkacruisecontrol`.
    public var url: String
    /// Where the URL's host and port really connect: identity on Kubernetes, loopback in local
    /// mode. The URL's host stays the `Host` header and TLS name.
    public var resolver: any AddressResolver
    public var tls: TLSConfiguration
    public var connectTimeout: Duration
    /// The bound on one HTTP exchange. Cruise Control itself holds an asynchronous request
    /// for up to `webserver.request.maxBlockTimeMs` (10 s by default) before answering 202,
    /// so this must be longer.
    public var requestTimeout: Duration
    /// Retries of one exchange: connection failures, 503, 429, and for requests that cannot
    /// start anything twice, other 5xx that are not Cruise Control's own refusals.
    public var retryPolicy: RetryPolicy
    /// How long a read (`state`, `load`, `proposals`) follows its task's 202s before giving up.
    public var readWait: Duration
    /// The pause before the first repeat of a 202 or poll of `user_tasks`, doubled after each
    /// up to `maximumPollInterval`.
    public var pollInterval: Duration
    public var maximumPollInterval: Duration
    /// The longest answer read; a longer one is a `.responseTooLarge` error.
    public var maxResponseBytes: Int
    public var userAgent: String

    public static let defaultPath = "/kafkacruisecontrol"

    public init(
        url: String, resolver: any AddressResolver = IdentityAddressResolver(),
        tls: TLSConfiguration = .init(),
        connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(30),
        retryPolicy: RetryPolicy = .standard, readWait: Duration = .seconds(60),
        pollInterval: Duration = .seconds(1),
        maximumPollInterval: Duration = .seconds(10), maxResponseBytes: Int = 64 << 20,
        userAgent: String = "kafka-operator/0.1.0"
    ) {
        self.url = url
        self.resolver = resolver
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.retryPolicy = retryPolicy
        self.readWait = readWait
        self.pollInterval = pollInterval
        self.maximumPollInterval = maximumPollInterval
        self.maxResponseBytes = maxResponseBytes
        self.userAgent = userAgent
    }

    /// The pause before poll number `poll` (0 for the first).
    func pause(beforePoll poll: Int) -> Duration {
        var pause = pollInterval
        for _ in 0..<min(poll, 30) where pause < maximumPollInterval { pause *= 2 }
        return min(pause, maximumPollInterval)
    }
}
