#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A non-blocking TCP socket whose reads, writes and connect wait with poll() until a deadline.
final class SocketStream: ByteStream {
    let address: BrokerAddress
    private(set) var descriptor: Int32

    private init(address: BrokerAddress, descriptor: Int32) {
        self.address = address
        self.descriptor = descriptor
    }

    deinit { close() }

    /// Resolves `address` and connects to the first of its addresses that accepts before
    /// `deadline`; the name lookup counts against the same deadline.
    static func connect(
        to address: BrokerAddress, deadline: Deadline,
        resolver: @escaping NameLookup.Resolver = NameLookup.system
    ) throws -> SocketStream {
        let resolved = try NameLookup.resolve(address, deadline: deadline, using: resolver)
        var lastReason = "no addresses"
        for candidate in resolved {
            let fd = socket(candidate.family, candidate.socketType, candidate.protocolNumber)
            guard fd >= 0 else {
                lastReason = Self.errnoText()
                continue
            }
            let stream = SocketStream(address: address, descriptor: fd)
            do {
                try stream.configure()
                try candidate.bytes.withUnsafeBytes { raw in
                    try stream.connect(
                        raw.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count),
                        deadline: deadline)
                }
                return stream
            } catch let error as KafkaAdminError {
                if case .timedOut = error { throw error }
                lastReason = error.briefReason
            }
        }
        throw KafkaAdminError.connectFailed(broker: address, reason: lastReason)
    }

    private func configure() throws {
        let flags = fcntl(descriptor, F_GETFL, 0)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else {
            throw KafkaAdminError.connectFailed(broker: address, reason: Self.errnoText())
        }
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
            _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    private func connect(
        _ socketAddress: UnsafePointer<sockaddr>?, _ length: socklen_t, deadline: Deadline
    )
        throws
    {
        #if canImport(Glibc)
            let result = Glibc.connect(descriptor, socketAddress, length)
        #else
            let result = Darwin.connect(descriptor, socketAddress, length)
        #endif
        if result == 0 { return }
        guard errno == EINPROGRESS else {
            throw KafkaAdminError.connectFailed(broker: address, reason: Self.errnoText())
        }
        try wait(for: Int16(POLLOUT), deadline: deadline, operation: "connect")
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &size) == 0, error == 0 else {
            throw KafkaAdminError.connectFailed(broker: address, reason: String(cString: strerror(error)))
        }
    }

    /// Waits until the socket is ready for `events` or the deadline passes.
    func wait(for events: Int16, deadline: Deadline, operation: String) throws {
        while true {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let timeout = deadline.remainingMilliseconds
            if timeout == 0 { throw KafkaAdminError.timedOut(broker: address, operation: operation) }
            let ready = poll(&entry, 1, timeout)
            if ready > 0 { return }
            if ready == 0 { throw KafkaAdminError.timedOut(broker: address, operation: operation) }
            if errno != EINTR { throw KafkaAdminError.ioFailed(broker: address, reason: Self.errnoText()) }
        }
    }

    func write(_ bytes: [UInt8], deadline: Deadline, operation: String) throws {
        var sent = 0
        while sent < bytes.count {
            // `sent < bytes.count` here, so the buffer is non-empty and has a base address.
            let result = bytes.withUnsafeBytes { buffer in
                send(descriptor, buffer.baseAddress! + sent, bytes.count - sent, Self.sendFlags)
            }
            if result > 0 {
                sent += result
            } else if result < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                try wait(for: Int16(POLLOUT), deadline: deadline, operation: operation)
            } else if result < 0 && errno == EINTR {
                continue
            } else if result < 0 && (errno == EPIPE || errno == ECONNRESET) {
                throw KafkaAdminError.connectionClosed(broker: address)
            } else {
                throw KafkaAdminError.ioFailed(broker: address, reason: Self.errnoText())
            }
        }
    }

    func readSome(maximum: Int, deadline: Deadline, operation: String) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let result = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, maximum, 0) }
            if result > 0 { return Array(buffer[0..<result]) }
            if result == 0 { throw KafkaAdminError.connectionClosed(broker: address) }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                try wait(for: Int16(POLLIN), deadline: deadline, operation: operation)
            } else if errno == EINTR {
                continue
            } else if errno == ECONNRESET {
                throw KafkaAdminError.connectionClosed(broker: address)
            } else {
                throw KafkaAdminError.ioFailed(broker: address, reason: Self.errnoText())
            }
        }
    }

    func close() {
        guard descriptor >= 0 else { return }
        #if canImport(Glibc)
            _ = Glibc.close(descriptor)
        #else
            _ = Darwin.close(descriptor)
        #endif
        descriptor = -1
    }

    #if canImport(Glibc)
        private static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
        private static let sendFlags: Int32 = 0
    #endif

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
