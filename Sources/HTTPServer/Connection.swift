import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One client connection: reads and parses requests, runs their handlers in order, writes the
/// responses, and enforces the timeouts.
///
/// Every mutable property is touched only on `queue`; handlers run in Swift concurrency and hand
/// their response back to the queue, so a slow handler never holds an I/O thread.
final class Connection: EventLoopHandler, @unchecked Sendable {
    private enum Phase {
        /// Waiting for (the rest of) a request head.
        case readingHead
        /// The head arrived; waiting for the body.
        case readingBody(HTTPRequestHead)
        /// A handler is running.
        case handling
        /// A streamed body is being relayed; `keepAlive` says what follows its end, `chunked`
        /// whether it is framed (HTTP/1.1) or runs until close (HTTP/1.0).
        case streaming(keepAlive: Bool, chunked: Bool)
        /// Output is being flushed, then the connection closes.
        case closing
        /// Write side shut; discarding what the client still sends so it can read our response.
        case lingering
        case closed
    }

    private enum TimerPurpose {
        case header, body, idle, write, linger
    }

    let id: Int
    private let fd: Int32
    private let loop: EventLoop
    private var queue: DispatchQueue { loop.queue }
    private let transport: any Transport
    private let context: ServerContext
    private let remoteAddress: String
    private var parser: RequestParser
    private var readSuspended = false
    private var writeInterest = false
    private let deadline = Atomic<UInt64>(.max)
    private var timerPurpose: TimerPurpose?
    private var phase: Phase = .readingHead
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)
    private var peerClosed = false
    private var shuttingDown = false
    private var lingerBytes = 0
    /// Set when we refuse a request whose remaining bytes we never read.
    private var unreadInput = false
    private var lastMetrics: ServerMetrics.Handles?
    /// The task relaying a streamed body; cancelling it terminates the handler's stream.
    private var streamTask: Task<Void, Never>?
    /// Unsent output a streamed body may pile up behind a slow reader before the connection
    /// is dropped: a stream has no end the server could wait for.
    static let maxStreamBacklog = 4 << 20

    init(id: Int, fd: Int32, transport: any Transport, remoteAddress: String, context: ServerContext) {
        self.id = id
        self.fd = fd
        self.transport = transport
        self.remoteAddress = remoteAddress
        self.context = context
        self.loop = context.eventLoop(for: id)
        self.parser = RequestParser(
            limits: .init(
                maxHeadBytes: context.limits.maxRequestHeadBytes, maxBodyBytes: context.limits.maxBodyBytes))
    }

    func start() {
        queue.async { [self] in
            loop.register(fd, handler: self)
            arm(.header, after: context.limits.headerTimeout)
        }
    }

    /// Asks the connection to finish its current request, if any, and close.
    func beginShutdown() {
        queue.async { [self] in
            shuttingDown = true
            if case .readingHead = phase, parser.isIdle, output.count == outputOffset { closeNow() }
            // A stream has no natural end: end it now; its last chunk goes out and the
            // connection closes, since it is no longer kept alive.
            if case .streaming = phase { streamTask?.cancel() }
        }
    }

    /// Closes at once, whatever is in flight (the shutdown grace period is over).
    func forceClose() {
        queue.async { [self] in closeNow() }
    }

    // MARK: - Reading

    func readable() { onReadable() }

    func writable() {
        flush()
        if transport.wantsWritable == false, case .readingHead = phase { onReadable() }
    }

    private func onReadable() {
        if transport.wantsWritable { flush() }
        var received = 0
        readLoop: while true {
            let result = readBuffer.withUnsafeMutableBytes { transport.read(into: $0) }
            switch result {
            case .bytes(let count):
                received += count
                let drained = count < readBuffer.count
                if case .lingering = phase {
                    lingerBytes += count
                    if lingerBytes > 1 << 20 { return closeNow() }
                    continue
                }
                readBuffer.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                // Bound what a pipelining client can make us buffer while a handler runs.
                if parser.bufferedByteCount > context.limits.maxRequestHeadBytes + context.limits.maxBodyBytes
                {
                    suspendReading()
                    break readLoop
                }
                // A short read means the socket is empty: skip the read that would only say
                // EAGAIN. The source fires again when more arrives.
                if drained && !(transport is TLSTransport) { break readLoop }
            case .wouldBlock:
                break readLoop
            case .endOfStream:
                // The source stays readable at end of stream; stop watching or it fires forever.
                peerClosed = true
                suspendReading()
                break readLoop
            case .failed:
                return closeNow()
            }
        }
        switch phase {
        case .lingering:
            if peerClosed { closeNow() }
            return
        case .closed, .closing:
            return
        case .streaming:
            // Pipelined requests wait in the parser until the stream ends; only the end of
            // the client's stream matters now.
            if peerClosed { closeNow() }
            return
        default:
            break
        }
        if received > 0, case .readingHead = phase, timerPurpose == .idle {
            // The first byte of a new request: from now on the header timeout applies.
            arm(.header, after: context.limits.headerTimeout)
        }
        processInput()
        if peerClosed {
            switch phase {
            case .handling, .closing: break  // a half-closed client still gets its response
            default: closeNow()  // includes a stream: nobody is left to read it
            }
        }
    }

    private func processInput() {
        while true {
            switch phase {
            case .readingHead, .readingBody: break
            default: return
            }
            let event: RequestParser.Event?
            do {
                event = try parser.next()
            } catch {
                context.logger.debug(
                    "refused request", metadata: ["peer": "\(remoteAddress)", "reason": "\(error)"])
                return refuse(error.status, error.description, version: .http11)
            }
            guard let event else { return }
            switch event {
            case .head(let head):
                if case .unsupported(let value) = head.expectation {
                    return refuse(.expectationFailed, "cannot meet 'Expect: \(value)'", version: head.version)
                }
                phase = .readingBody(head)
                if head.hasBody {
                    arm(.body, after: context.limits.bodyTimeout)
                    if head.expectation == .continueBeforeBody && head.version == .http11
                        && parser.bufferedByteCount == 0
                    {
                        output.append(contentsOf: ResponseEncoder.continueResponse)
                        flush()
                    }
                }
            case .body(let body):
                guard case .readingBody(let head) = phase else { return }
                dispatch(head: head, body: body)
            }
        }
    }

    private func suspendReading() {
        guard !readSuspended else { return }
        readSuspended = true
        loop.setInterest(fd, read: false, write: writeInterest)
    }

    private func resumeReading() {
        guard readSuspended, !peerClosed else { return }
        readSuspended = false
        loop.setInterest(fd, read: true, write: writeInterest)
    }

    // MARK: - Handling

    private func dispatch(head: HTTPRequestHead, body: [UInt8]) {
        phase = .handling
        disarm()
        let started = DispatchTime.now().uptimeNanoseconds
        let request = HTTPRequest(
            method: head.method, target: head.target, path: head.path, query: head.query,
            version: head.version,
            headers: head.headers, body: body, remoteAddress: remoteAddress)
        switch context.router.match(method: head.method, path: head.path) {
        case .found(let handler, let pattern, let parameters):
            var routed = request
            routed.pathParameters = parameters
            // The handler starts on this thread: one that never suspends (a probe, a metrics
            // scrape, a decode-and-answer) completes here without any thread hop. One that does
            // suspend frees this thread and sends its response back through the queue.
            let handoff = ResponseHandoff()
            Task.immediate { [self] in
                let response = await handler(routed)
                if !handoff.completeSynchronously(response) {
                    queue.async { [self] in respond(response, to: head, route: pattern, started: started) }
                }
            }
            if let response = handoff.takeSynchronousResponse() {
                respond(response, to: head, route: pattern, started: started)
            }
        case .methodNotAllowed(let allowed):
            var response = ResponseEncoder.errorResponse(
                .methodNotAllowed, "\(head.method) is not allowed on \(head.path)")
            response.headers.add(name: "Allow", value: allowed.map { $0.rawValue }.joined(separator: ", "))
            respond(response, to: head, route: "unmatched", started: started)
        case .notFound:
            respond(
                ResponseEncoder.errorResponse(.notFound, "no route for \(head.path)"), to: head,
                route: "unmatched",
                started: started)
        }
    }

    private func respond(_ response: HTTPResponse, to head: HTTPRequestHead, route: String, started: UInt64) {
        guard case .handling = phase else { return }  // closed meanwhile
        if let stream = response.bodyStream, head.method != .head {
            return startStreaming(stream, response: response, head: head, route: route, started: started)
        }
        let keepAlive = head.keepAlive && !shuttingDown && !peerClosed
        ResponseEncoder.encode(
            response, version: head.version, keepAlive: keepAlive, omitBody: head.method == .head,
            into: &output)
        record(
            method: head.method, route: route, status: response.status.code,
            nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started))
        finishResponse(keepAlive: keepAlive)
    }

    /// After a response is queued: wait for the next request, or flush and close.
    private func finishResponse(keepAlive: Bool) {
        if keepAlive {
            phase = .readingHead
            arm(
                parser.isIdle ? .idle : .header,
                after: parser.isIdle ? context.limits.idleTimeout : context.limits.headerTimeout)
            flush()
            resumeReading()
            processInput()  // a pipelined request may be waiting in the buffer
        } else {
            phase = .closing
            flush()
        }
    }

    // MARK: - Streamed bodies

    private func startStreaming(
        _ stream: AsyncStream<[UInt8]>, response: HTTPResponse, head: HTTPRequestHead, route: String,
        started: UInt64
    ) {
        let chunked = head.version == .http11
        let keepAlive = chunked && head.keepAlive && !shuttingDown && !peerClosed
        ResponseEncoder.encodeStreamingHead(
            response, version: head.version, keepAlive: keepAlive, into: &output)
        record(
            method: head.method, route: route, status: response.status.code,
            nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started))
        phase = .streaming(keepAlive: keepAlive, chunked: chunked)
        // A live stream may be quiet for as long as it likes; the backlog bound and the
        // client's own close end it instead of a timer.
        disarm()
        flush()
        guard case .streaming = phase else { return }  // the write failed and closed
        streamTask = Task { [self] in
            for await chunk in stream {
                queue.async { [self] in relay(chunk) }
            }
            queue.async { [self] in endStream() }
        }
        if shuttingDown { streamTask?.cancel() }
    }

    private func relay(_ chunk: [UInt8]) {
        guard case .streaming(_, let chunked) = phase, !chunk.isEmpty else { return }
        if chunked {
            ResponseEncoder.encodeChunk(chunk, into: &output)
        } else {
            output.append(contentsOf: chunk)
        }
        if output.count - outputOffset > Self.maxStreamBacklog {
            context.logger.debug(
                "client reads a stream too slowly; closing", metadata: ["peer": "\(remoteAddress)"])
            return closeNow()
        }
        flush()
    }

    private func endStream() {
        guard case .streaming(let keepAlive, let chunked) = phase else { return }
        streamTask = nil
        if chunked { output.append(contentsOf: ResponseEncoder.lastChunk) }
        finishResponse(keepAlive: keepAlive && !shuttingDown && !peerClosed)
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

    /// Answers a request the server itself refuses, then closes.
    private func refuse(_ status: HTTPStatus, _ message: String, version: HTTPVersion) {
        ResponseEncoder.encode(
            ResponseEncoder.errorResponse(status, message), version: version, keepAlive: false,
            omitBody: false,
            into: &output)
        unreadInput = true
        record(
            method: HTTPMethod(rawValue: "INVALID"), route: "unmatched", status: status.code, nanoseconds: 0)
        phase = .closing
        flush()
    }

    // MARK: - Writing

    private func flush() {
        while outputOffset < output.count {
            let result = output.withUnsafeBytes { bytes in
                transport.write(UnsafeRawBufferPointer(rebasing: bytes[outputOffset...]))
            }
            switch result {
            case .bytes(let count):
                outputOffset += count
            case .wouldBlock:
                enableWriteSource()
                if timerPurpose != .write, case .closing = phase {
                    arm(.write, after: context.limits.idleTimeout)
                }
                return
            case .endOfStream, .failed:
                return closeNow()
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
        outputOffset = 0
        disableWriteSource()
        switch phase {
        case .closing where unreadInput || parser.bufferedByteCount > 0: startLingering()
        case .closing: closeNow()
        case .readingHead where shuttingDown && parser.isIdle: closeNow()
        default: break
        }
    }

    private func enableWriteSource() {
        guard !writeInterest else { return }
        writeInterest = true
        loop.setInterest(fd, read: !readSuspended, write: true)
    }

    private func disableWriteSource() {
        guard writeInterest else { return }
        writeInterest = false
        loop.setInterest(fd, read: !readSuspended, write: false)
    }

    /// After an error response, shut our write side and drain the client's remaining bytes for a
    /// moment: closing with unread input makes the kernel send RST, which can destroy the response
    /// before the client reads it.
    private func startLingering() {
        guard transport is PlainTransport, !peerClosed else { return closeNow() }
        phase = .lingering
        shutdown(fd, Int32(SHUT_WR))
        arm(.linger, after: .seconds(2))
    }

    // MARK: - Timers

    /// Sets the connection's one deadline. Re-arming a Dispatch timer per request costs a wake-up
    /// of Dispatch's timer thread; a plain atomic deadline that the server's sweeper checks
    /// costs a store.
    private func arm(_ purpose: TimerPurpose, after duration: Duration) {
        timerPurpose = purpose
        let nanoseconds =
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        deadline.store(
            DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, nanoseconds)), ordering: .relaxed)
    }

    private func disarm() {
        timerPurpose = nil
        deadline.store(.max, ordering: .relaxed)
    }

    /// Called by the server's sweeper from any thread; hops to the queue when the deadline passed.
    func checkDeadline(now: UInt64) {
        guard deadline.load(ordering: .relaxed) <= now else { return }
        queue.async { [self] in
            guard deadline.load(ordering: .relaxed) <= DispatchTime.now().uptimeNanoseconds else { return }
            deadline.store(.max, ordering: .relaxed)
            timerFired()
        }
    }

    private func timerFired() {
        guard let purpose = timerPurpose else { return }
        timerPurpose = nil
        switch purpose {
        case .header:
            guard case .readingHead = phase else { return }
            if parser.isIdle && parser.bufferedByteCount == 0 && shuttingDown { return closeNow() }
            context.logger.debug("header timeout", metadata: ["peer": "\(remoteAddress)"])
            refuse(.requestTimeout, "the request head did not arrive in time", version: .http11)
        case .body:
            guard case .readingBody = phase else { return }
            refuse(.requestTimeout, "the request body did not arrive in time", version: .http11)
        case .idle, .write, .linger:
            closeNow()
        }
    }

    // MARK: - Closing

    private func closeNow() {
        if case .closed = phase { return }
        phase = .closed
        streamTask?.cancel()
        streamTask = nil
        transport.close()
        disarm()
        loop.deregister(fd)
        close(fd)
        context.connectionClosed(self)
    }
}
