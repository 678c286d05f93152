#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP socket bound to 127.0.0.1 on a port the kernel chose, listening when `backlog` is
/// given: the descriptor and the port, or nil when the kernel refused.
public func boundLoopbackSocket(listeningWith backlog: Int32? = nil) -> (fd: Int32, port: UInt16)? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var yes: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Bool in
            bind(fd, raw, length) == 0 && backlog.map { listen(fd, $0) == 0 } ?? true
                && getsockname(fd, raw, &length) == 0
        }
    }
    guard bound else {
        close(fd)
        return nil
    }
    return (fd, UInt16(bigEndian: address.sin_port))
}

/// A TCP port on loopback that was free a moment ago: bind port 0, read what the kernel chose, close.
/// Prefer letting a server bind port 0 itself and report its port; use this only for peers
/// (Prometheus, tansu, nginx) that must be told their port up front.
public func freeLoopbackPort() -> UInt16 {
    guard let (fd, port) = boundLoopbackSocket() else { preconditionFailure("bind() to 127.0.0.1:0 failed") }
    close(fd)
    return port
}

/// The first of `count` consecutive loopback ports that were all free a moment ago, for a peer
/// that numbers its ports from a base (local mode's brokers: base + broker id). Bases are drawn
/// below the kernel's ephemeral range, away from local mode's default ports.
public func freeLoopbackPortBlock(count: Int) -> UInt16 {
    for _ in 0..<200 {
        let base = UInt16.random(in: 20_000...28_000)
        let free = (0..<count).allSatisfy { offset in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = (base + UInt16(offset)).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            return withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
        }
        if free { return base }
    }
    preconditionFailure("no block of \(count) free loopback ports between 20000 and 28000")
}
