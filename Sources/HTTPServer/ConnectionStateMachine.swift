/// Everything one HTTP/1.1 connection decides, as a value: the request parser, the phase
/// (reading, handling, streaming, closing, lingering), pipelining, the output buffer and its
/// bound, and the deadlines. Each event method returns the one thing the owner must do next
/// (or nil); the owner performs the I/O and feeds the outcome back as another event.
///
/// Nothing here touches a socket, a clock or a thread, so pipelining, backpressure, timeouts
/// and shutdown are tested as tables of events, and the whole machine is fuzzed over arbitrary
/// byte streams. Pipelined requests are answered one after another by the owner's loop, never
/// by a call chain that grows per request.
struct ConnectionStateMachine {
    /// Bounds and timeouts, in bytes and nanoseconds.
    struct Limits {
        var maxHeadBytes = 16 * 1024
        var maxBodyBytes = 1 << 20
        /// Input read ahead while a request is handled (pipelined requests); reading stops past it.
        var maxPipelinedBytes = 64 * 1024
        /// Unsent output above which no further pipelined request is answered and reading stops.
        var maxOutputBacklog = 128 * 1024
        /// Unsent output a streamed body may pile up behind a slow reader before the connection
        /// is dropped: a stream has no end the server could wait for.
        var maxStreamBacklog = 4 << 20
        /// What a lingering close discards before it gives up and closes at once.
        var maxLingerBytes = 1 << 20
        var headerTimeout: UInt64 = 10_000_000_000
        var bodyTimeout: UInt64 = 30_000_000_000
        var idleTimeout: UInt64 = 60_000_000_000
        /// How long blocked output may go without any progress before the connection is closed.
        var writeTimeout: UInt64 = 30_000_000_000
        var lingerTimeout: UInt64 = 2_000_000_000
        /// Whether the transport can half-close (plain TCP) so that an error response survives
        /// unread input; TLS cannot.
        var canLinger = true
    }

    enum Phase {
        /// Waiting for (the rest of) a request head.
        case readingHead
        /// The head arrived; waiting for the body.
        case readingBody(HTTPRequestHead)
        /// A handler is running.
        case handling(HTTPRequestHead)
        /// A streamed body is being relayed; `keepAlive` says what follows its end, `chunked`
        /// whether it is framed (HTTP/1.1) or runs until close (HTTP/1.0).
        case streaming(keepAlive: Bool, chunked: Bool)
        /// Output is being flushed, then the connection closes.
        case closing
        /// Write side shut; discarding what the client still sends so it can read our response.
        case lingering
        case closed
    }

    enum Timer: Equatable {
        case header, body, idle, linger
    }

    /// What the owner must do.
    enum Command {
        /// Run the route's handler for this request and report its response with `responseReady`.
        case dispatch(HTTPRequestHead, body: [UInt8])
        /// Relay the stream's elements with `streamChunk`, then report its end with
        /// `streamEnded`; `cancelAtOnce` when shutdown began before the stream started.
        case relay(AsyncStream<[UInt8]>, cancelAtOnce: Bool)
        /// End the stream being relayed (shutdown); its end still arrives as `streamEnded`.
        case cancelStream
        /// The server refused a request itself (already queued as output); for logs and metrics.
        case refused(HTTPStatus, reason: String)
        /// Shut the write side and keep reading: a lingering close.
        case shutdownWrite
        /// Close the connection now.
        case close
    }

    let limits: Limits
    private(set) var phase: Phase = .readingHead
    private var parser: RequestParser
    private var output: [UInt8] = []
    private var outputOffset = 0
    private(set) var timer: (purpose: Timer, deadline: UInt64)?
    /// Set while output is blocked: when it passes with no progress the connection closes.
    private(set) var writeDeadline: UInt64?
    private var writeWaiting = false
    private var peerClosed = false
    private var shuttingDown = false
    /// Set when a request is refused with bytes of it still unread.
    private var unreadInput = false
    private var lingerBytes = 0

    init(limits: Limits, now: UInt64) {
        self.limits = limits
        parser = RequestParser(
            limits: .init(maxHeadBytes: limits.maxHeadBytes, maxBodyBytes: limits.maxBodyBytes))
        timer = (.header, now &+ limits.headerTimeout)
    }

    // MARK: - What the owner reads

    var unsentByteCount: Int { output.count - outputOffset }

    /// Whether more input is wanted now. False is backpressure: the owner stops reading (and
    /// watching for input) until an event makes it true again.
    var wantsInput: Bool {
        switch phase {
        case .closed, .closing: return false
        case .lingering: return true
        case .readingHead, .readingBody:
            return !peerClosed && unsentByteCount <= limits.maxOutputBacklog
        case .handling, .streaming:
            return !peerClosed && unsentByteCount <= limits.maxOutputBacklog
                && parser.bufferedByteCount < limits.maxPipelinedBytes
        }
    }

    /// Whether the output is waiting for the socket to take more.
    var isWriteBlocked: Bool { writeWaiting && unsentByteCount > 0 }

    /// The earliest deadline the owner must report with `deadlinePassed`.
    var nextDeadline: UInt64? {
        switch (timer?.deadline, writeDeadline) {
        case (let phase?, let write?): return min(phase, write)
        case (let phase?, nil): return phase
        case (nil, let write?): return write
        case (nil, nil): return nil
        }
    }

    var isClosed: Bool { if case .closed = phase { true } else { false } }

    /// Whether the connection sits between requests with nothing received and nothing to send:
    /// the kind of connection the server may close to admit another.
    var isIdle: Bool {
        if case .readingHead = phase { return parser.isIdle && unsentByteCount == 0 }
        return false
    }

    /// The unsent output, for the owner to write; report what was taken with `wrote`.
    func withUnsentOutput<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        output.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[outputOffset...])) }
    }

    // MARK: - Input

    mutating func received(_ bytes: UnsafeRawBufferPointer, now: UInt64) -> Command? {
        switch phase {
        case .lingering:
            lingerBytes += bytes.count
            return lingerBytes > limits.maxLingerBytes ? close() : nil
        case .closing, .closed:
            return nil
        case .readingHead:
            // The first byte of a new request: from now on the header timeout applies.
            if timer?.purpose == .idle, !bytes.isEmpty { arm(.header, now: now) }
        case .readingBody, .handling, .streaming:
            break
        }
        parser.append(bytes)
        return processInput(now: now)
    }

    /// The client closed its side (end of stream).
    mutating func peerClosedInput() -> Command? {
        peerClosed = true
        switch phase {
        case .lingering, .streaming:
            // A stream has nobody left to read it.
            return close()
        case .readingHead, .readingBody:
            // Answers still queued behind backpressure go out first; the connection closes
            // once they have.
            return unsentByteCount > 0 ? nil : close()
        case .handling, .closing, .closed:
            // A half-closed client still gets its response.
            return nil
        }
    }

    private mutating func processInput(now: UInt64) -> Command? {
        while true {
            switch phase {
            case .readingHead, .readingBody: break
            default: return nil
            }
            // Backpressure: a client that does not read its answers gets no more of them.
            guard unsentByteCount <= limits.maxOutputBacklog else { return nil }
            let event: RequestParser.Event?
            do {
                event = try parser.next()
            } catch {
                return refuse(error.status, error.description, version: .http11)
            }
            guard let event else {
                if peerClosed, unsentByteCount == 0 { return close() }
                return nil
            }
            switch event {
            case .head(let head):
                if case .unsupported(let value) = head.expectation {
                    return refuse(.expectationFailed, "cannot meet 'Expect: \(value)'", version: head.version)
                }
                phase = .readingBody(head)
                if head.hasBody {
                    arm(.body, now: now)
                    if head.expectation == .continueBeforeBody && head.version == .http11
                        && parser.bufferedByteCount == 0
                    {
                        output.append(contentsOf: ResponseEncoder.continueResponse)
                    }
                }
            case .body(let body):
                guard case .readingBody(let head) = phase else { return nil }
                phase = .handling(head)
                timer = nil
                return .dispatch(head, body: body)
            }
        }
    }

    // MARK: - Responses

    /// The handler's response to the request being handled.
    mutating func responseReady(_ response: HTTPResponse, now: UInt64) -> Command? {
        guard case .handling(let head) = phase else { return nil }  // closed meanwhile
        if let stream = response.bodyStream, head.method != .head {
            let chunked = head.version == .http11
            let keepAlive = chunked && head.keepAlive && !shuttingDown && !peerClosed
            ResponseEncoder.encodeStreamingHead(
                response, version: head.version, keepAlive: keepAlive, into: &output)
            phase = .streaming(keepAlive: keepAlive, chunked: chunked)
            // A live stream may be quiet for as long as it likes; the backlog bound, the write
            // timeout and the client's own close end it instead of a timer.
            timer = nil
            return .relay(stream, cancelAtOnce: shuttingDown)
        }
        let keepAlive = head.keepAlive && !shuttingDown && !peerClosed
        ResponseEncoder.encode(
            response, version: head.version, keepAlive: keepAlive, omitBody: head.method == .head,
            into: &output)
        return finishResponse(keepAlive: keepAlive, now: now)
    }

    mutating func streamChunk(_ chunk: [UInt8]) -> Command? {
        guard case .streaming(_, let chunked) = phase, !chunk.isEmpty else { return nil }
        if chunked {
            ResponseEncoder.encodeChunk(chunk, into: &output)
        } else {
            output.append(contentsOf: chunk)
        }
        return unsentByteCount > limits.maxStreamBacklog ? close() : nil
    }

    mutating func streamEnded(now: UInt64) -> Command? {
        guard case .streaming(let keepAlive, let chunked) = phase else { return nil }
        if chunked { output.append(contentsOf: ResponseEncoder.lastChunk) }
        return finishResponse(keepAlive: keepAlive && !shuttingDown && !peerClosed, now: now)
    }

    /// After a response is queued: on to the next request (perhaps already buffered), or close.
    private mutating func finishResponse(keepAlive: Bool, now: UInt64) -> Command? {
        guard keepAlive else {
            phase = .closing
            timer = nil
            return unsentByteCount == 0 ? outputDrained(now: now) : nil
        }
        phase = .readingHead
        arm(parser.isIdle ? .idle : .header, now: now)
        return processInput(now: now)
    }

    /// Answers a request the server itself refuses, then closes.
    private mutating func refuse(_ status: HTTPStatus, _ message: String, version: HTTPVersion) -> Command {
        ResponseEncoder.encode(
            ResponseEncoder.errorResponse(status, message), version: version, keepAlive: false,
            omitBody: false,
            into: &output)
        unreadInput = true
        phase = .closing
        timer = nil
        return .refused(status, reason: message)
    }

    // MARK: - Output

    /// The owner wrote `count` bytes of the unsent output.
    mutating func wrote(_ count: Int, now: UInt64) -> Command? {
        guard count > 0 else { return nil }
        outputOffset += count
        writeDeadline = nil
        writeWaiting = false
        guard unsentByteCount == 0 else { return nil }
        output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
        outputOffset = 0
        return outputDrained(now: now)
    }

    /// The socket took no more: if it stays so for the write timeout, the connection closes.
    mutating func writeBlocked(now: UInt64) {
        if writeDeadline == nil { writeDeadline = now &+ limits.writeTimeout }
        writeWaiting = true
    }

    /// The socket may take more output: the owner tries again (the write deadline still runs).
    mutating func writeUnblocked() {
        writeWaiting = false
    }

    private mutating func outputDrained(now: UInt64) -> Command? {
        switch phase {
        case .closing:
            guard unreadInput || parser.bufferedByteCount > 0, limits.canLinger, !peerClosed else {
                return close()
            }
            phase = .lingering
            arm(.linger, now: now)
            return .shutdownWrite
        case .readingHead where shuttingDown && parser.isIdle:
            return close()
        case .readingHead, .readingBody:
            // Requests held back by the output bound can be answered now.
            return processInput(now: now)
        default:
            return nil
        }
    }

    // MARK: - Time and lifecycle

    /// Called when `nextDeadline` has passed. `transportReady` is false while a TLS handshake
    /// is unfinished: such a connection is closed without writing HTTP into it.
    mutating func deadlinePassed(now: UInt64, transportReady: Bool) -> Command? {
        if let writeDeadline, writeDeadline <= now { return close() }
        guard let (purpose, deadline) = timer, deadline <= now else { return nil }
        timer = nil
        switch purpose {
        case .header:
            guard case .readingHead = phase else { return nil }
            if !transportReady || (parser.isIdle && shuttingDown) { return close() }
            return refuse(.requestTimeout, "the request head did not arrive in time", version: .http11)
        case .body:
            guard case .readingBody = phase else { return nil }
            return refuse(.requestTimeout, "the request body did not arrive in time", version: .http11)
        case .idle, .linger:
            return close()
        }
    }

    /// The server is shutting down: finish the request under way, if any, then close.
    mutating func beginShutdown() -> Command? {
        shuttingDown = true
        switch phase {
        case .readingHead where parser.isIdle && unsentByteCount == 0: return close()
        case .streaming: return .cancelStream
        default: return nil
        }
    }

    /// The transport failed, or the owner must close at once (grace period over, eviction).
    mutating func close() -> Command? {
        if case .closed = phase { return nil }
        phase = .closed
        timer = nil
        writeDeadline = nil
        return .close
    }

    private mutating func arm(_ purpose: Timer, now: UInt64) {
        let duration: UInt64
        switch purpose {
        case .header: duration = limits.headerTimeout
        case .body: duration = limits.bodyTimeout
        case .idle: duration = limits.idleTimeout
        case .linger: duration = limits.lingerTimeout
        }
        timer = (purpose, now &+ duration)
    }
}
