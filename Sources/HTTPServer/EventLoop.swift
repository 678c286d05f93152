import CEpoll
import Dispatch
import Glibc

/// A serial Dispatch queue that owns a set of sockets through one epoll instance.
///
/// A Dispatch source per socket costs a hand-off to Dispatch's manager thread every time it
/// re-arms, that is on every request. Here one read source watches the epoll descriptor; when
/// it fires, the loop collects every ready socket with `epoll_wait` and serves them in a row on
/// its queue, so under load one wake-up serves many connections. Sockets are level-triggered:
/// a connection that stops reading or writing says so with `setInterest`.
final class EventLoop: @unchecked Sendable {
    // `handlers` is touched only on `queue`; `epollFD` and `source` are set once in init.
    let queue: DispatchQueue
    private let epollFD: Int32
    private let source: any DispatchSourceRead
    private var handlers: [Int32: any EventLoopHandler] = [:]
    private var events = [epoll_event](repeating: epoll_event(), count: 256)

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        // Without an epoll instance the server cannot run at all; failing loudly at start is right.
        precondition(epollFD >= 0, "epoll_create1 failed: \(String(cString: strerror(errno)))")
        source = DispatchSource.makeReadSource(fileDescriptor: epollFD, queue: queue)
        source.setEventHandler { [unowned self] in drain() }
        source.resume()
    }

    deinit {
        source.cancel()
        close(epollFD)
    }

    /// Starts watching `fd` for input. Call on `queue`.
    func register(_ fd: Int32, handler: any EventLoopHandler) {
        handlers[fd] = handler
        var event = epoll_event(events: Self.mask(read: true, write: false), data: epoll_data_t(fd: fd))
        epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
    }

    /// Chooses which readiness `fd` is woken for. Call on `queue`.
    func setInterest(_ fd: Int32, read: Bool, write: Bool) {
        var event = epoll_event(events: Self.mask(read: read, write: write), data: epoll_data_t(fd: fd))
        epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// Stops watching `fd` (before it is closed). Call on `queue`.
    func deregister(_ fd: Int32) {
        handlers[fd] = nil
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    private static func mask(read: Bool, write: Bool) -> UInt32 {
        var mask = UInt32(EPOLLRDHUP.rawValue)
        if read { mask |= UInt32(EPOLLIN.rawValue) }
        if write { mask |= UInt32(EPOLLOUT.rawValue) }
        return mask
    }

    /// Serves every ready socket, then looks again: under load more become ready while the
    /// first are served, and picking them up here saves a round through Dispatch per batch.
    private func drain() {
        for _ in 0..<8 {
            let count = events.withUnsafeMutableBufferPointer { buffer in
                epoll_wait(epollFD, buffer.baseAddress, Int32(buffer.count), 0)
            }
            guard count > 0 else { return }
            for index in 0..<Int(count) { dispatch(events[index]) }
        }
    }

    private func dispatch(_ event: epoll_event) {
        let fd = event.data.fd
        // A handler earlier in this batch may have closed this descriptor.
        guard let handler = handlers[fd] else { return }
        let flags = event.events
        let errorFlags = UInt32(EPOLLERR.rawValue) | UInt32(EPOLLHUP.rawValue) | UInt32(EPOLLRDHUP.rawValue)
        if flags & (UInt32(EPOLLIN.rawValue) | errorFlags) != 0 { handler.readable() }
        if flags & UInt32(EPOLLOUT.rawValue) != 0, handlers[fd] != nil { handler.writable() }
    }
}

/// What an event loop calls when a watched socket is ready.
protocol EventLoopHandler: AnyObject {
    func readable()
    func writable()
}
