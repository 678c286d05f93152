/// PEM files for a TLS listener.
public struct TLSFiles: Sendable, Equatable {
    public var certificatePath: String
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }
}

/// One address to listen on. Host `0.0.0.0`, `::`, a literal address or a name; port 0 picks a
/// free port (see `HTTPServer.boundAddresses()`).
public struct HTTPListener: Sendable, Equatable {
    public var host: String
    public var port: UInt16
    public var tls: TLSFiles?
    /// Instead of `tls`: TLS that may change while the listener runs.
    public var switchableTLS: SwitchableTLS?

    public init(host: String, port: UInt16, tls: TLSFiles? = nil, switchableTLS: SwitchableTLS? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
        self.switchableTLS = switchableTLS
    }
}

/// Bounds that keep one client from exhausting the server.
public struct HTTPLimits: Sendable {
    /// Request line plus header fields; more gets 431.
    public var maxRequestHeadBytes = 16 * 1024
    /// Request body; more gets 413 before the body is read.
    public var maxBodyBytes = 1 << 20
    /// Connections open at once. At the cap the longest-idle keep-alive connection is closed to
    /// admit a new one (so a probe still gets in while idle clients hold every slot); only when
    /// every connection is busy does a new one get 503 and close.
    public var maxConnections = 4096
    /// Time from a request's first byte (or the connection's start) to the end of its head; 408 after.
    public var headerTimeout: Duration = .seconds(10)
    /// Time to receive a body once its head has arrived; 408 after.
    public var bodyTimeout: Duration = .seconds(30)
    /// How long a keep-alive connection may sit between requests.
    public var idleTimeout: Duration = .seconds(60)
    /// How long unsent output may go without the client taking any of it; the connection closes after.
    public var writeTimeout: Duration = .seconds(30)
    /// How long in-flight requests may take to finish once shutdown starts.
    public var shutdownGracePeriod: Duration = .seconds(10)

    public init() {}

    /// The per-connection bounds and timeouts, in the units the connection state machine uses.
    func connectionLimits(canLinger: Bool) -> ConnectionStateMachine.Limits {
        var limits = ConnectionStateMachine.Limits()
        limits.maxHeadBytes = maxRequestHeadBytes
        limits.maxBodyBytes = maxBodyBytes
        limits.headerTimeout = headerTimeout.nanoseconds
        limits.bodyTimeout = bodyTimeout.nanoseconds
        limits.idleTimeout = idleTimeout.nanoseconds
        limits.writeTimeout = writeTimeout.nanoseconds
        limits.canLinger = canLinger
        return limits
    }
}

extension Duration {
    /// Whole nanoseconds, never negative.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }
}

public struct HTTPServerConfiguration: Sendable {
    public var listeners: [HTTPListener]
    public var limits: HTTPLimits
    /// Event-loop threads; nil for one per core. A small server among many (one per simulated
    /// broker) needs one.
    public var eventLoopCount: Int?

    public init(listeners: [HTTPListener], limits: HTTPLimits = .init(), eventLoopCount: Int? = nil) {
        self.listeners = listeners
        self.limits = limits
        self.eventLoopCount = eventLoopCount
    }
}

/// An address the server actually listens on.
public struct BoundAddress: Sendable, Equatable {
    public var host: String
    public var port: UInt16
    public var isTLS: Bool
}
