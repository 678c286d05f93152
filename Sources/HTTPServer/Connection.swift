import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One client connection: the thin I/O shell around a `ConnectionStateMachine`. It reads and
/// writes the socket, runs handlers, relays streams and keeps the loop's deadline, doing what
/// the machine's commands say and feeding the outcomes back as events.
///
/// Every mutable property is touched only on the loop's thread; handlers run in Swift
/// concurrency and hand their response back through `EventLoop.execute`, so a slow handler never
/// holds the loop.
final class Connection: EventLoopHandler, @unchecked Sendable {
    typealias Command = ConnectionStateMachine.Command

    let id: Int
    private let fd: Int32
    private let loop: EventLoop
    private let transport: any Transport
    private let context: ServerContext
    private let remoteAddress: String
    private var machine: ConnectionStateMachine
    private var readInterest = true
    private var writeInterest = false
    /// Whether `idleSince` last said idle.
    private var isIdle = false
    private var lastMetrics: ServerMetrics.Handles?
    /// The task relaying a streamed body; cancelling it terminates the handler's stream.
    private var streamTask: Task<Void, Never>?
    /// When the connection became idle (no request under way), or 0 while it is busy. Read
    /// from other threads by the connection cap, which closes the longest-idle connection.
    let idleSince = Atomic<UInt64>(0)
    /// Bodies larger than this are handed to a handler off the loop's thread: decoding them
    /// must not stall the other connections of the loop (the probes among them).
    static let inlineBodyLimit = 64 * 1024

    init(id: Int, fd: Int32, transport: any Transport, remoteAddress: String, context: ServerContext) {
        self.id = id
        self.fd = fd
        self.transport = transport
        self.remoteAddress = remoteAddress
        self.context = context
        self.loop = context.eventLoop(for: id)
        machine = ConnectionStateMachine(
            limits: context.limits.connectionLimits(canLinger: transport is PlainTransport),
            now: EventLoop.now())
    }

    func start() {
        loop.execute { [self] in
            loop.register(fd, handler: self)
            settle()
        }
    }

    /// Asks the connection to finish its current request, if any, and close.
    func beginShutdown() {
        loop.execute { [self] in
            // A request the client already sent may wait unread in the socket: take it first,
            // so it is answered (with `Connection: close`) instead of the connection closing
            // idle on top of it, which would reset it.
            if !machine.isClosed { readAvailable() }
            perform(machine.beginShutdown())
        }
    }

    /// Closes at once, whatever is in flight (the shutdown grace period is over, or the
    /// connection was chosen to make room for another).
    func forceClose() {
        loop.execute { [self] in perform(machine.close()) }
    }

    /// Closes the connection if it is still idle: the connection cap's way to admit another.
    func closeIfIdle() {
        loop.execute { [self] in
            if machine.isIdle { perform(machine.close()) }
        }
    }

    // MARK: - Events from the loop

    func ready(readable: Bool, writable: Bool, failed: Bool) {
        if failed { return perform(machine.close()) }
        if writable || (readable && transport.writeWaitsForReadable) {
            machine.writeUnblocked()
            perform(nil)
        }
        if !machine.isClosed, readable || (writable && transport.readWaitsForWritable) { readAvailable() }
        settle()
    }

    func deadlinePassed(now: UInt64) -> UInt64? {
        if let deadline = machine.nextDeadline, deadline <= now {
            perform(machine.deadlinePassed(now: now, transportReady: transport.isEstablished))
        }
        return machine.nextDeadline
    }

    private func readAvailable() {
        while machine.wantsInput {
            let result = loop.readBuffer.withUnsafeMutableBytes { transport.read(into: $0) }
            switch result {
            case .bytes(let count):
                let command = loop.readBuffer.withUnsafeBytes {
                    machine.received(UnsafeRawBufferPointer(rebasing: $0[0..<count]), now: EventLoop.now())
                }
                perform(command)
                // A short read means the socket is empty: skip the read that would only say
                // EAGAIN. The loop calls again when more arrives. TLS may hold decrypted bytes.
                if count < loop.readBuffer.count && transport is PlainTransport { return }
            case .wouldBlock:
                return
            case .endOfStream:
                return perform(machine.peerClosedInput())
            case .failed:
                return perform(machine.close())
            }
        }
    }

    // MARK: - Commands

    /// Carries out `command` and whatever the machine asks next, until it asks nothing: one
    /// loop, however many pipelined requests are answered in it.
    private func perform(_ command: Command?) {
        var next = command
        var dispatched = 0
        while true {
            if next == nil, !machine.isClosed, machine.unsentByteCount > 0, !machine.isWriteBlocked {
                next = flush()
            }
            guard let command = next else { break }
            if case .dispatch = command {
                dispatched += 1
                // A long pipelined run yields to the loop's other connections (a probe among
                // them) every so many requests, and carries on at the loop's next turn.
                if dispatched > Self.requestsPerTurn {
                    settle()
                    return loop.execute { [self] in
                        guard !machine.isClosed else { return }
                        perform(command)
                    }
                }
            }
            next = execute(command)
        }
        settle()
    }

    /// Pipelined requests one connection may have answered in a row before the loop serves others.
    static let requestsPerTurn = 32

    private func execute(_ command: Command) -> Command? {
        switch command {
        case .dispatch(let head, let body):
            return dispatch(head: head, body: body)
        case .relay(let stream, let cancelAtOnce):
            startRelay(stream, cancelAtOnce: cancelAtOnce)
            return nil
        case .cancelStream:
            streamTask?.cancel()
            return nil
        case .refused(let status, let reason):
            context.logger.debug(
                "refused request",
                metadata: ["peer": "\(remoteAddress)", "status": "\(status.code)", "reason": "\(reason)"])
            record(
                method: HTTPMethod(rawValue: "INVALID"), route: "unmatched", status: status.code,
                nanoseconds: 0)
            return nil
        case .shutdownWrite:
            shutdown(fd, Int32(SHUT_WR))
            return nil
        case .close:
            closeNow()
            return nil
        }
    }

    /// After a batch of events: make the loop's interest and deadline match the
    /// machine.
    private func settle() {
        if machine.isClosed { return }
        let read = machine.wantsInput || (machine.isWriteBlocked && transport.writeWaitsForReadable)
        let write =
            (machine.isWriteBlocked && !transport.writeWaitsForReadable)
            || (machine.wantsInput && transport.readWaitsForWritable)
        if read != readInterest || write != writeInterest {
            readInterest = read
            writeInterest = write
            loop.setInterest(fd, read: read, write: write)
        }
        if let deadline = machine.nextDeadline { loop.noteDeadline(deadline) }
        // Stamped when the connection becomes idle, not at every settle: the cap closes the
        // connection idle the longest, and an idle connection settles again on stray events.
        if machine.isIdle != isIdle {
            isIdle.toggle()
            idleSince.store(isIdle ? EventLoop.now() : 0, ordering: .relaxed)
        }
        if machine.wantsInput, transport.hasBufferedInput {
            // Input that epoll cannot report (decrypted bytes left while reading was paused):
            // read it on the loop's next turn.
            loop.execute { [self] in
                guard !machine.isClosed else { return }
                readAvailable()
                settle()
            }
        }
    }

    // MARK: - Handling

    private func dispatch(head: HTTPRequestHead, body: [UInt8]) -> Command? {
        let started = EventLoop.now()
        let request = HTTPRequest(
            method: head.method, target: head.target, path: head.path, query: head.query,
            version: head.version,
            headers: head.headers, body: body, remoteAddress: remoteAddress)
        switch context.router.route(request) {
        case .handler(let handler, let route, let routed):
            // A handler given a small body starts on this thread: one that never suspends (a
            // probe, a metrics scrape, a decode-and-answer) completes here without a thread hop.
            // One that suspends frees this thread and hands its response back through the loop.
            let handoff = ResponseHandoff()
            let run: @Sendable () async -> Void = { [self] in
                let response = await handler(routed)
                if !handoff.completeSynchronously(response) {
                    loop.execute { [self] in
                        record(head: head, route: route, response: response, started: started)
                        perform(machine.responseReady(response, now: EventLoop.now()))
                    }
                }
            }
            if body.count > Self.inlineBodyLimit {
                _ = handoff.takeSynchronousResponse()
                Task { await run() }
                return nil
            }
            Task.immediate { await run() }
            guard let response = handoff.takeSynchronousResponse() else { return nil }
            record(head: head, route: route, response: response, started: started)
            return machine.responseReady(response, now: EventLoop.now())
        case .answer(let response):
            record(head: head, route: "unmatched", response: response, started: started)
            return machine.responseReady(response, now: EventLoop.now())
        }
    }

    // MARK: - Streamed bodies

    private func startRelay(_ stream: AsyncStream<[UInt8]>, cancelAtOnce: Bool) {
        streamTask = Task { [self] in
            for await chunk in stream {
                loop.execute { [self] in perform(machine.streamChunk(chunk)) }
            }
            loop.execute { [self] in
                streamTask = nil
                perform(machine.streamEnded(now: EventLoop.now()))
            }
        }
        if cancelAtOnce { streamTask?.cancel() }
    }

    // MARK: - Metrics

    private func record(head: HTTPRequestHead, route: String, response: HTTPResponse, started: UInt64) {
        record(
            method: head.method, route: route, status: response.status.code,
            nanoseconds: Int64(EventLoop.now() - started))
    }

    private func record(method: HTTPMethod, route: String, status: Int, nanoseconds: Int64) {
        if let last = lastMetrics, last.matches(method, route, status) {
            last.record(nanoseconds: nanoseconds)
            return
        }
        let handles = context.metrics.handles(method: method, route: route, status: status)
        lastMetrics = handles
        handles.record(nanoseconds: nanoseconds)
    }

    // MARK: - Writing

    /// Writes what the socket takes; returns what the machine asks once the output drained.
    private func flush() -> Command? {
        while machine.unsentByteCount > 0 {
            let result = machine.withUnsentOutput { transport.write($0) }
            switch result {
            case .bytes(let count):
                if let command = machine.wrote(count, now: EventLoop.now()) { return command }
            case .wouldBlock:
                machine.writeBlocked(now: EventLoop.now())
                return nil
            case .endOfStream, .failed:
                return machine.close()
            }
        }
        return nil
    }

    // MARK: - Closing

    private func closeNow() {
        streamTask?.cancel()
        streamTask = nil
        idleSince.store(0, ordering: .relaxed)
        transport.close()
        loop.deregister(fd)
        close(fd)
        context.connectionClosed(self)
    }
}
