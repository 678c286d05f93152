import Dispatch
import KafkaProtocol
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One listening loopback socket per simulated broker, each answering Kafka request frames
/// through `SimulatedKafka` as that broker and advertising its own address; and, for a broker
/// started with more listeners, one socket per listener, answered as that listener (what
/// Metadata advertises depends on the listener a client came in through, as in Kafka).
///
/// Each connection has its own thread that reads a size-prefixed frame, waits for the
/// answer and writes it: requests on a connection are answered in order, as Kafka does, and
/// the cooperative pool never blocks on a socket. A frame over `maximumRequestSize` or an
/// answer of nil closes the connection.
public final class SimulatedBrokerServer: Sendable {
    public static let maximumRequestSize = 16 * 1024 * 1024

    public let kafka: SimulatedKafka
    /// The sockets by broker and listener name; nil names the broker's own socket.
    private let listeners = Mutex<[Socket: (fd: Int32, port: UInt16)]>([:])
    private let connections = Mutex<Set<Int32>>([])

    public init(kafka: SimulatedKafka) { self.kafka = kafka }

    /// Starts `broker`'s socket on 127.0.0.1 (port 0 lets the kernel choose) and records the
    /// address it advertises; returns the port.
    @discardableResult
    public func start(broker: Int32, port: UInt16 = 0) async throws(SimulatedBrokerServerError) -> UInt16 {
        let (fd, bound) = try Self.listen(port: port)
        let socket = Socket(broker: broker, listener: nil)
        listeners.withLock { $0[socket] = (fd, bound) }
        await kafka.setAddress(broker: broker, host: "127.0.0.1", port: Int32(bound))
        Self.detach { [self] in acceptLoop(fd, socket) }
        return bound
    }

    /// Opens a socket (a kernel-chosen loopback port) for `broker`'s `listener`: clients that
    /// connect through it are told the listener's advertised address for every broker that
    /// has that listener, as a client outside a cluster is told its external addresses.
    @discardableResult
    public func start(broker: Int32, listener: BrokerListenerEndpoint)
        async throws(SimulatedBrokerServerError)
        -> UInt16
    {
        let (fd, bound) = try Self.listen(port: 0)
        let socket = Socket(broker: broker, listener: listener.name)
        listeners.withLock { $0[socket] = (fd, bound) }
        await kafka.setAddress(
            broker: broker, listener: listener.name, host: listener.advertisedHost,
            port: listener.advertisedPort)
        Self.detach { [self] in acceptLoop(fd, socket) }
        return bound
    }

    /// The port `broker` listens on, nil when it does not.
    public func port(of broker: Int32) -> UInt16? {
        listeners.withLock { $0[Socket(broker: broker, listener: nil)]?.port }
    }

    /// The port `broker`'s `listener` listens on, nil when it does not.
    public func port(of broker: Int32, listener: String) -> UInt16? {
        listeners.withLock { $0[Socket(broker: broker, listener: listener)]?.port }
    }

    /// `host:port,...` of every listening broker's own socket.
    public var bootstrap: String {
        listeners.withLock { listeners in
            listeners.filter { $0.key.listener == nil }.sorted { $0.key.broker < $1.key.broker }
                .map { "127.0.0.1:\($0.value.port)" }.joined(separator: ",")
        }
    }

    /// Closes `broker`'s sockets (its connections stay until their peers hang up or `stopAll`).
    public func stop(broker: Int32) async {
        let closing = listeners.withLock { listeners in
            let sockets = listeners.filter { $0.key.broker == broker }
            for socket in sockets.keys { listeners[socket] = nil }
            return Array(sockets.values)
        }
        for listener in closing { shutdown(listener.fd, Int32(SHUT_RDWR)) }
        await kafka.removeAddress(broker: broker)
    }

    /// Closes every listening socket and connection.
    public func stopAll() async {
        let brokers = Set(listeners.withLock { $0.keys.map(\.broker) })
        for broker in brokers { await stop(broker: broker) }
        for fd in connections.withLock({ Array($0) }) { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// A broker's socket for one of its listeners (nil: the broker's own socket).
    private struct Socket: Hashable {
        var broker: Int32
        var listener: String?
    }

    private static func listen(port: UInt16) throws(SimulatedBrokerServerError) -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .socket(errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && Glibc.listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            let code = errno
            close(fd)
            throw .bind(port: port, errno: code)
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    private func acceptLoop(_ listener: Int32, _ socket: Socket) {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                close(listener)
                return
            }
            connections.withLock { _ = $0.insert(client) }
            Self.detach { [self] in
                serve(client, socket)
                connections.withLock { _ = $0.remove(client) }
                close(client)
            }
        }
    }

    private func serve(_ client: Int32, _ socket: Socket) {
        while let prefix = Self.read(client, 4),
            let size = try? KafkaFrame.requestSize(prefix: prefix, limit: Self.maximumRequestSize),
            let payload = Self.read(client, size)
        {
            let answer = Mutex<[UInt8]?>(nil)
            let done = DispatchSemaphore(value: 0)
            Task { [kafka] in
                let frame = await kafka.answer(payload, broker: socket.broker, listener: socket.listener)
                answer.withLock { $0 = frame }
                done.signal()
            }
            done.wait()
            guard let frame = answer.withLock({ $0 }), Self.write(client, frame) else { return }
        }
    }

    /// Runs `body` on a thread of its own.
    private static func detach(_ body: @escaping @Sendable () -> Void) {
        final class Body {
            let run: @Sendable () -> Void
            init(_ run: @escaping @Sendable () -> Void) { self.run = run }
        }
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
                return nil
            }, context)
        if created == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Body>.fromOpaque(context).release()
        }
    }

    private static func read(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var have = 0
        while have < count {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + have, count - have, 0) }
            if got < 0, errno == EINTR { continue }
            if got <= 0 { return nil }
            have += got
        }
        return buffer
    }

    private static func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let wrote = bytes.withUnsafeBytes {
                send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if wrote < 0, errno == EINTR { continue }
            if wrote <= 0 { return false }
            sent += wrote
        }
        return true
    }
}

/// Why a simulated broker's socket could not be opened.
public enum SimulatedBrokerServerError: Error, Equatable, Sendable, CustomStringConvertible {
    case socket(Int32)
    case bind(port: UInt16, errno: Int32)

    public var description: String {
        switch self {
        case .socket(let code): "could not create a socket (errno \(code))"
        case .bind(let port, let code): "could not listen on 127.0.0.1:\(port) (errno \(code))"
        }
    }
}
