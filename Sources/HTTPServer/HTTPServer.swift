import Dispatch
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An HTTP/1.1 server over POSIX sockets and Dispatch, run as a swift-service-lifecycle `Service`.
///
/// `run()` binds every listener, serves until graceful shutdown or cancellation, then stops
/// accepting, lets in-flight requests finish within `HTTPLimits.shutdownGracePeriod`, closes
/// what is left, and returns.
public final class HTTPServer: Service, Sendable {
    private enum Lifecycle {
        case notStarted
        case binding([CheckedContinuation<[BoundAddress], any Error>])
        case running([BoundAddress])
        case failed(any Error)
        case stopped
    }

    private let configuration: HTTPServerConfiguration
    private let context: ServerContext
    private let lifecycle = Mutex<Lifecycle>(.notStarted)
    private let draining = Atomic<Bool>(false)
    private let stopSignal = Mutex<(requested: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))
    private let nextConnectionID = Atomic<Int>(0)

    public init(configuration: HTTPServerConfiguration, router: Router, logger: Logger) {
        self.configuration = configuration
        self.context = ServerContext(
            router: router, limits: configuration.limits, logger: logger,
            eventLoopCount: configuration.eventLoopCount)
    }

    /// Connections open now.
    public var openConnectionCount: Int { context.openConnections.count }

    /// Open connections between requests, with nothing received or left to send: the ones the
    /// connection cap closes, longest-idle first, to admit new connections.
    public var idleConnectionCount: Int {
        context.openConnections.count { $0.idleSince.load(ordering: .relaxed) != 0 }
    }

    /// Whether the server is draining for shutdown.
    public var isShuttingDown: Bool { draining.load(ordering: .relaxed) }

    /// The addresses listened on (port 0 resolved), once `run()` has bound them.
    public func boundAddresses() async throws -> [BoundAddress] {
        try await withCheckedThrowingContinuation { continuation in
            let immediate: Result<[BoundAddress], any Error>? = lifecycle.withLock { state in
                switch state {
                case .notStarted:
                    state = .binding([continuation])
                    return nil
                case .binding(var waiters):
                    waiters.append(continuation)
                    state = .binding(waiters)
                    return nil
                case .running(let addresses): return .success(addresses)
                case .failed(let error): return .failure(error)
                case .stopped: return .failure(HTTPServerError.noListeners)
                }
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }

    public func run() async throws {
        let sockets: [ListeningSocket]
        let acceptors: [Acceptor]
        do {
            guard !configuration.listeners.isEmpty else { throw HTTPServerError.noListeners }
            var opened: [ListeningSocket] = []
            var made: [Acceptor] = []
            do {
                for listener in configuration.listeners {
                    let tls = try listener.tls.map { files throws(HTTPServerError) in
                        try TLSContext(files: files)
                    }
                    let socket = try ListeningSocket.open(listener)
                    opened.append(socket)
                    made.append(
                        Acceptor(socket: socket, tls: tls, switchable: listener.switchableTLS, server: self))
                }
            } catch {
                for socket in opened { close(socket.fd) }
                throw error
            }
            sockets = opened
            acceptors = made
        } catch {
            finishBinding(.failure(error))
            throw error
        }
        context.startLoops()
        for acceptor in acceptors { acceptor.start() }
        finishBinding(.success(sockets.map(\.address)))
        for socket in sockets {
            context.logger.info(
                "http server listening",
                metadata: [
                    "host": "\(socket.address.host)", "port": "\(socket.address.port)",
                    "tls": "\(socket.address.isTLS)",
                ])
        }

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await waitForStopRequest()
            } onGracefulShutdown: {
                self.requestStop()
            }
        } onCancel: {
            self.requestStop()
        }

        draining.store(true, ordering: .relaxed)
        for acceptor in acceptors { await acceptor.stop() }
        let open = context.openConnections
        context.logger.info("http server draining", metadata: ["connections": "\(open.count)"])
        for connection in open { connection.beginShutdown() }
        if await !context.waitUntilDrained(deadline: configuration.limits.shutdownGracePeriod) {
            let left = context.openConnections
            context.logger.warning(
                "shutdown grace period over; closing connections", metadata: ["connections": "\(left.count)"])
            for connection in left { connection.forceClose() }
            _ = await context.waitUntilDrained(deadline: .seconds(1))
        }
        await context.stopLoops()
        lifecycle.withLock { $0 = .stopped }
        context.logger.info("http server stopped")
    }

    private func finishBinding(_ result: Result<[BoundAddress], any Error>) {
        let waiters = lifecycle.withLock { state -> [CheckedContinuation<[BoundAddress], any Error>] in
            var waiters: [CheckedContinuation<[BoundAddress], any Error>] = []
            if case .binding(let pending) = state { waiters = pending }
            switch result {
            case .success(let addresses): state = .running(addresses)
            case .failure(let error): state = .failed(error)
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    private func waitForStopRequest() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyRequested = stopSignal.withLock { signal in
                if signal.requested { return true }
                signal.waiter = continuation
                return false
            }
            if alreadyRequested { continuation.resume() }
        }
    }

    private func requestStop() {
        let waiter = stopSignal.withLock { signal in
            signal.requested = true
            return signal.waiter.take()
        }
        waiter?.resume()
    }

    /// Takes a freshly accepted socket: admits it under the connection cap, or answers 503.
    /// `tls` is the `SSL_CTX` of a TLS listener's connection, nil for plain HTTP.
    fileprivate func accepted(fd: Int32, remoteAddress: String, tls: OpaquePointer?) {
        let transport: any Transport
        if let tls {
            guard let tlsTransport = TLSTransport(fd: fd, context: tls) else {
                close(fd)
                return
            }
            transport = tlsTransport
        } else {
            transport = PlainTransport(fd: fd)
        }
        let connection = Connection(
            id: nextConnectionID.add(1, ordering: .relaxed).newValue, fd: fd, transport: transport,
            remoteAddress: remoteAddress, context: context)
        guard !isShuttingDown, context.admit(connection) else {
            if tls == nil {
                var bytes: [UInt8] = []
                ResponseEncoder.encode(
                    ResponseEncoder.errorResponse(.serviceUnavailable, "too many connections; try again"),
                    version: .http11, keepAlive: false, omitBody: false, into: &bytes)
                _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            close(fd)
            return
        }
        connection.start()
    }
}

/// Accepts connections on one listening socket from a Dispatch read source.
private final class Acceptor: @unchecked Sendable {
    // `source` is set once in init and only cancelled afterwards; Dispatch sources are thread-safe.
    private let source: any DispatchSourceRead
    private let socket: ListeningSocket
    private let queue: DispatchQueue
    /// Left when the cancel handler has closed the listening socket.
    private let closed = DispatchGroup()

    init(socket: ListeningSocket, tls: TLSContext?, switchable: SwitchableTLS?, server: HTTPServer) {
        self.socket = socket
        let queue = DispatchQueue(label: "http.accept")
        self.queue = queue
        source = DispatchSource.makeReadSource(fileDescriptor: socket.fd, queue: queue)
        let fd = socket.fd
        source.setEventHandler { [weak server] in
            guard let server else { return }
            while true {
                var storage = sockaddr_storage()
                var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let client = withUnsafeMutablePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        accept(fd, $0, &length)
                    }
                }
                // EAGAIN: drained. EMFILE and the like: try again on the next event.
                guard client >= 0 else { return }
                _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                var on: Int32 = 1
                setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
                let context: OpaquePointer?
                switch switchable?.mode {
                case .tls(let current): context = current.context
                case .refusing:
                    close(client)
                    continue
                case .plain, nil: context = tls?.context
                }
                // `tls` and a switched-away context stay alive while their connections use them:
                // SSL_new takes a reference to the SSL_CTX.
                withExtendedLifetime(switchable?.mode) {
                    server.accepted(
                        fd: client, remoteAddress: SocketAddressText.describe(storage), tls: context)
                }
            }
        }
        closed.enter()
        source.setCancelHandler { [closed] in
            close(fd)
            closed.leave()
        }
    }

    func start() { source.resume() }

    /// Cancels accepting and returns once the listening socket is closed, so the port is free
    /// when the server's `run()` returns (the cancel handler runs later, on the accept queue).
    func stop() async {
        source.cancel()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            closed.notify(queue: queue) { continuation.resume() }
        }
    }
}
