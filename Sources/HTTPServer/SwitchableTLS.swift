import Synchronization

/// TLS for a listener that may change while it runs, as a server restarted with another
/// configuration on the same port would: each accepted connection is served as the mode says
/// at that moment, and connections already open keep what they started with. The simulated
/// Cruise Control uses it, its keystore coming with the Deployment that names it.
public final class SwitchableTLS: Sendable, Equatable {
    public enum Mode: Sendable {
        /// Plain HTTP.
        case plain
        case tls(TLSServerContext)
        /// Connections are closed at once, as a server that failed to start leaves its port.
        case refusing
    }

    private let current: Mutex<Mode>

    public init(_ mode: Mode = .plain) { current = Mutex(mode) }

    public var mode: Mode { current.withLock { $0 } }

    public func set(_ mode: Mode) { current.withLock { $0 = mode } }

    public static func == (lhs: SwitchableTLS, rhs: SwitchableTLS) -> Bool { lhs === rhs }
}
