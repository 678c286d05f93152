import Foundation

/// A tiny TCP peer on loopback that reads each request frame and answers with scripted bytes,
/// for the ways a broker (or something that is not a broker) can misbehave.
public final class FakeKafkaPeer: @unchecked Sendable {
    public enum Behaviour: Sendable {
        /// Sends these bytes (built from the request's correlation id), then keeps the connection open.
        case reply(@Sendable (_ correlationId: Int32) -> [UInt8])
        /// Sends these bytes one at a time with `gap` between them: a peer slower than any timeout.
        case trickle(gap: Duration, @Sendable (_ correlationId: Int32) -> [UInt8])
        /// Reads the request and never answers.
        case silence
        /// Closes the connection as soon as the request arrives.
        case hangUp
        /// Answers each request by what it is: the closure gets the request header's api key,
        /// version and correlation id and the bytes after the client id, and returns a whole
        /// frame, or nil to close the connection.
        case script(@Sendable (_ request: Request) -> [UInt8]?)
        /// Answers each request frame's whole payload (header and body, without the size
        /// prefix) with a whole frame, or nil to close the connection.
        case frames(@Sendable (_ payload: [UInt8]) -> [UInt8]?)
    }

    public struct Request: Sendable {
        public let apiKey: Int16
        public let version: Int16
        public let correlationId: Int32
        /// Everything after the client id (for flexible versions, starting with the header's tags).
        public let rest: [UInt8]
    }

    // `listener` is set once in init; `clients` is guarded by `lock`.
    public let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var clients: [Int32] = []
    private var stopped = false

    public init(_ behaviour: Behaviour) throws {
        guard let (listener, port) = boundLoopbackSocket(listeningWith: 8) else {
            throw POSIXError(.EADDRINUSE)
        }
        self.port = port
        self.listener = listener
        // Descriptors are closed only by the thread that uses them, after `stop()` has shut them
        // down, so a number can never be reused by another test's socket while still in use here.
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else {
                    close(listener)
                    return
                }
                lock.withLock { clients.append(client) }
                Thread.detachNewThread {
                    Self.serve(client, behaviour)
                    self.lock.withLock { self.clients.removeAll { $0 == client } }
                    close(client)
                }
            }
        }
    }

    public var bootstrap: String { "127.0.0.1:\(port)" }

    private static func serve(_ client: Int32, _ behaviour: Behaviour) {
        while true {
            guard let size = readExactly(client, 4).map(bigEndianInt32), size >= 8,
                let request = readExactly(client, Int(size))
            else { return }
            let correlationId = bigEndianInt32(Array(request[4..<8]))
            switch behaviour {
            case .reply(let bytes):
                let reply = bytes(correlationId)
                _ = reply.withUnsafeBytes { send(client, $0.baseAddress, reply.count, Int32(MSG_NOSIGNAL)) }
            case .trickle(let gap, let bytes):
                for byte in bytes(correlationId) {
                    var single = byte
                    guard send(client, &single, 1, Int32(MSG_NOSIGNAL)) == 1 else { return }
                    let (seconds, attoseconds) = gap.components
                    usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
                }
            case .silence:
                continue
            case .hangUp:
                shutdown(client, Int32(SHUT_RDWR))
                return
            case .script(let answer):
                let apiKey = Int16(bitPattern: UInt16(request[0]) << 8 | UInt16(request[1]))
                let version = Int16(bitPattern: UInt16(request[2]) << 8 | UInt16(request[3]))
                let clientIdLength = Int(Int16(bitPattern: UInt16(request[8]) << 8 | UInt16(request[9])))
                let restStart = min(request.count, 10 + max(0, clientIdLength))
                let parsed = Request(
                    apiKey: apiKey, version: version, correlationId: correlationId,
                    rest: Array(request[restStart...]))
                guard let reply = answer(parsed) else {
                    shutdown(client, Int32(SHUT_RDWR))
                    return
                }
                _ = reply.withUnsafeBytes { send(client, $0.baseAddress, reply.count, Int32(MSG_NOSIGNAL)) }
            case .frames(let answer):
                guard let reply = answer(request) else {
                    shutdown(client, Int32(SHUT_RDWR))
                    return
                }
                _ = reply.withUnsafeBytes { send(client, $0.baseAddress, reply.count, Int32(MSG_NOSIGNAL)) }
            }
        }
    }

    private static func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var have = 0
        while have < count {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + have, count - have, 0) }
            if got <= 0 { return nil }
            have += got
        }
        return buffer
    }

    private static func bigEndianInt32(_ bytes: [UInt8]) -> Int32 {
        Int32(bitPattern: bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }

    /// Idempotent: once stopped, the listener's descriptor may already belong to someone else.
    public func stop() {
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for client in clients { shutdown(client, Int32(SHUT_RDWR)) }
        }
    }

    deinit { stop() }
}
