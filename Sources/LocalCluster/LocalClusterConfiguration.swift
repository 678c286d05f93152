/// How a local cluster listens, where it keeps its objects, and how fast its simulated
/// kubelet works.
public struct LocalClusterConfiguration: Sendable {
    /// Delays of the simulated kubelet's steps.
    public struct KubeletTiming: Sendable {
        /// Pending until scheduled onto the node.
        public var scheduleDelay: Duration
        /// Scheduled until Running (containers started).
        public var startDelay: Duration
        /// Running until Ready.
        public var readyDelay: Duration
        /// A claim Pending until Bound.
        public var bindDelay: Duration
        /// A deleted pod's containers take this long to stop (at most its grace period); the
        /// pod stays, terminating, until they have.
        public var stopDelay: Duration
        /// A LoadBalancer Service waits this long for its address, as a cloud provisions one.
        public var loadBalancerDelay: Duration

        public init(
            scheduleDelay: Duration = .milliseconds(50), startDelay: Duration = .milliseconds(100),
            readyDelay: Duration = .milliseconds(100), bindDelay: Duration = .milliseconds(50),
            stopDelay: Duration = .milliseconds(100), loadBalancerDelay: Duration = .milliseconds(200)
        ) {
            self.loadBalancerDelay = loadBalancerDelay
            self.stopDelay = stopDelay
            self.scheduleDelay = scheduleDelay
            self.startDelay = startDelay
            self.readyDelay = readyDelay
            self.bindDelay = bindDelay
        }
    }

    /// Where objects persist; nil keeps them in memory only.
    public var dataDirectory: String?
    public var host: String
    /// 0 picks a free port; read the chosen one from `LocalCluster.port` after `start()`.
    public var port: UInt16
    public var kubelet: KubeletTiming
    /// How many recent changes a watch can resume from; older resourceVersions get 410 Gone.
    public var watchHistory: Int
    /// How often a watch that allows bookmarks gets one.
    public var bookmarkInterval: Duration
    /// The bearer token the kubeconfig carries.
    public var token: String
    /// When true, requests without `Authorization: Bearer <token>` get 401.
    public var requireToken: Bool
    /// The largest request body accepted.
    public var maxBodyBytes: Int
    /// A file that gets one line per request served (verb, group, resource, user agent).
    public var auditLogPath: String?
    /// Whether writes are checked as the API server checks them: the fields a kind has (with
    /// `fieldValidation`), and the rules of pods, Deployments, claims, ConfigMaps and Secrets.
    /// Off only to measure what the checks cost (the reconcile benchmark's `--validation both`):
    /// without them the cluster accepts what a real one refuses.
    public var validation = true

    public init(
        dataDirectory: String? = nil, host: String = "127.0.0.1", port: UInt16 = 0,
        kubelet: KubeletTiming = KubeletTiming(), watchHistory: Int = 1000,
        bookmarkInterval: Duration = .seconds(30), token: String = "local-cluster-token",
        requireToken: Bool = false,
        maxBodyBytes: Int = 3 << 20, auditLogPath: String? = nil
    ) {
        self.auditLogPath = auditLogPath
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.kubelet = kubelet
        self.watchHistory = watchHistory
        self.bookmarkInterval = bookmarkInterval
        self.token = token
        self.requireToken = requireToken
        self.maxBodyBytes = maxBodyBytes
    }
}
