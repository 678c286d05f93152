import Dispatch
import HTTPServer
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
/// answer of nil closes the connection. On an SSL listener the connection's thread first runs
/// the TLS handshake, bounded by `handshakeTimeout`, and answers as the client certificate's
/// principal. Each request is answered with the client's address, which ACLs may name.
public final class SimulatedBrokerServer: Sendable {
    public static let maximumRequestSize = 16 * 1024 * 1024

    public let kafka: SimulatedKafka
    /// How long a client on an SSL listener has to complete the TLS handshake.
    public let handshakeTimeout: Duration
    /// The sockets by broker and listener name; nil names the broker's own socket.
    private let listeners = Mutex<[Socket: (fd: Int32, port: UInt16)]>([:])
    private let connections = Mutex<Set<Int32>>([])

    public init(kafka: SimulatedKafka, handshakeTimeout: Duration = .seconds(10)) {
        self.kafka = kafka
        self.handshakeTimeout = handshakeTimeout
    }

    /// Starts `broker`'s socket on 127.0.0.1 (port 0 lets the kernel choose) and records the
    /// address it advertises (its own, unless `advertised` names another); returns the port.
    /// With `tls` it serves TLS, as the broker's client-facing listener does when that
    /// listener is SSL; a client then verifies the advertised name against the certificate.
    /// An alter of that listener's keystore settings reloads it.
    @discardableResult
    public func start(
        broker: Int32, port: UInt16 = 0, tls: ReloadableListenerTLS? = nil,
        advertised: (host: String, port: Int32)? = nil
    ) async throws(SimulatedBrokerServerError) -> UInt16 {
        let (fd, bound) = try Self.listen(port: port)
        let socket = Socket(broker: broker, listener: nil)
        listeners.withLock { $0[socket] = (fd, bound) }
        if let tls { kafka.listenerTLS.register(broker: broker, tls) }
        await kafka.setAddress(
            broker: broker, host: advertised?.host ?? "127.0.0.1", port: advertised?.port ?? Int32(bound))
        Self.detach { [self] in acceptLoop(fd, socket, tls: tls) }
        return bound
    }

    /// Opens a socket (a kernel-chosen loopback port) for `broker`'s `listener`: clients that
    /// connect through it are told the listener's advertised address for every broker that
    /// has that listener, as a client outside a cluster is told its external addresses. An
    /// SSL listener (`listener.tls` set) serves TLS with its key material, which an alter of
    /// its keystore settings reloads; `readFile` gives the text of a file its settings name.
    @discardableResult
    public func start(
        broker: Int32, listener: BrokerListenerEndpoint,
        readFile: @escaping MountedFileReader = { _ in nil }
    )
        async throws(SimulatedBrokerServerError)
        -> UInt16
    {
        let tls: ReloadableListenerTLS?
        do { tls = try ReloadableListenerTLS.serving(listener, readFile: readFile) } catch {
            throw .tls(listener: listener.name, error)
        }
        let (fd, bound) = try Self.listen(port: 0)
        if let tls { kafka.listenerTLS.register(broker: broker, tls) }
        let socket = Socket(broker: broker, listener: listener.name)
        listeners.withLock { $0[socket] = (fd, bound) }
        await kafka.setAddress(
            broker: broker, listener: listener.name, host: listener.advertisedHost,
            port: listener.advertisedPort)
        Self.detach { [self] in acceptLoop(fd, socket, tls: tls) }
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
        kafka.listenerTLS.remove(broker: broker)
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

    private func acceptLoop(_ listener: Int32, _ socket: Socket, tls: ReloadableListenerTLS?) {
        while true {
            var peer = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let client = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &length) }
            }
            guard client >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                close(listener)
                return
            }
            connections.withLock { _ = $0.insert(client) }
            let host = Self.host(of: peer)
            Self.detach { [self] in
                if let stream = ClientStream.open(
                    client, tls: tls?.context, handshakeTimeout: handshakeTimeout)
                {
                    serve(stream, socket, host: host)
                    stream.close()
                }
                connections.withLock { _ = $0.remove(client) }
                close(client)
            }
        }
    }

    /// The dotted address of an IPv4 peer, as Java's `getHostAddress` prints it.
    private static func host(of peer: sockaddr_in) -> String {
        var address = peer.sin_addr
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        guard inet_ntop(AF_INET, &address, &text, socklen_t(text.count)) != nil else { return "" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func serve(_ client: ClientStream, _ socket: Socket, host: String) {
        let principal = client.principal
        while let prefix = client.read(4),
            let size = try? KafkaFrame.requestSize(prefix: prefix, limit: Self.maximumRequestSize),
            let payload = client.read(size)
        {
            let answer = Mutex<[UInt8]?>(nil)
            let done = DispatchSemaphore(value: 0)
            Task { [kafka] in
                let frame = await kafka.answer(
                    payload, broker: socket.broker, listener: socket.listener, principal: principal,
                    host: host)
                answer.withLock { $0 = frame }
                done.signal()
            }
            done.wait()
            guard let frame = answer.withLock({ $0 }), client.write(frame) else { return }
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
}

/// Why a simulated broker's socket could not be opened.
public enum SimulatedBrokerServerError: Error, Equatable, Sendable, CustomStringConvertible {
    case socket(Int32)
    case bind(port: UInt16, errno: Int32)
    case tls(listener: String, ListenerTLSError)

    public var description: String {
        switch self {
        case .socket(let code): "could not create a socket (errno \(code))"
        case .bind(let port, let code): "could not listen on 127.0.0.1:\(port) (errno \(code))"
        case .tls(let listener, let error): "listener \(listener): \(error)"
        }
    }
}
