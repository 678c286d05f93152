import CEpoll
import Glibc
import Synchronization

/// A thread that owns a set of sockets through one epoll instance and waits in `epoll_wait`
/// itself.
///
/// Readiness goes straight from the kernel to the handler on this thread: no hop through
/// Dispatch's manager thread to a worker per event. The wait ends at the earliest deadline a
/// handler reported, so timeouts cost nothing while none is due and an idle server does not
/// wake at all. Other threads hand work to the loop with `execute`, which wakes it through an
/// eventfd. Sockets are level-triggered: a connection that stops reading or writing says so with
/// `setInterest`.
final class EventLoop: @unchecked Sendable {
    // Everything below `pending` is touched only on the loop's thread; `epollFD` and `wakeFD`
    // are set once in init.
    private let epollFD: Int32
    private let wakeFD: Int32
    private let pending = Mutex<(work: [@Sendable () -> Void], stopped: Bool)>(([], false))
    private let finished = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private var handlers: [Int32: any EventLoopHandler] = [:]
    private var events = [epoll_event](repeating: epoll_event(), count: 256)
    /// When the handlers must next be asked about their deadlines.
    private var nextSweep: UInt64 = .max
    /// One read buffer for every connection of this loop: reads happen one at a time here.
    var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)
    let name: String

    init(name: String) {
        self.name = name
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        // Without epoll or an eventfd the server cannot run at all; failing loudly at start is right.
        precondition(
            epollFD >= 0 && wakeFD >= 0, "cannot create an event loop: \(String(cString: strerror(errno)))")
        var event = epoll_event(events: UInt32(EPOLLIN.rawValue), data: epoll_data_t(fd: wakeFD))
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
    }

    deinit {
        close(wakeFD)
        close(epollFD)
    }

    /// Starts the loop's thread.
    func start() {
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                let loop = Unmanaged<EventLoop>.fromOpaque(raw!).takeRetainedValue()
                loop.run()
                return nil
            }, box.toOpaque())
        // No thread, no server: as with epoll itself, failing at start is right.
        precondition(status == 0, "cannot start an event loop thread: \(String(cString: strerror(status)))")
        pthread_detach(thread)
    }

    /// Stops the loop after the work already handed to it, and waits until its thread is done.
    /// Handlers still registered are dropped without being called again.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            finished.withLock { $0 = continuation }
            pending.withLock { $0.stopped = true }
            wake()
        }
    }

    /// Runs `work` on the loop's thread. Work handed over after `stop()` is dropped.
    func execute(_ work: @escaping @Sendable () -> Void) {
        let wasEmpty = pending.withLock { state -> Bool? in
            guard !state.stopped else { return nil }
            state.work.append(work)
            return state.work.count == 1
        }
        if wasEmpty == true { wake() }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    // MARK: - On the loop's thread

    /// Starts watching `fd` for input.
    func register(_ fd: Int32, handler: any EventLoopHandler) {
        handlers[fd] = handler
        var event = epoll_event(events: Self.mask(read: true, write: false), data: epoll_data_t(fd: fd))
        epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
    }

    /// Chooses which readiness `fd` is woken for.
    func setInterest(_ fd: Int32, read: Bool, write: Bool) {
        var event = epoll_event(events: Self.mask(read: read, write: write), data: epoll_data_t(fd: fd))
        epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// Stops watching `fd` (before it is closed).
    func deregister(_ fd: Int32) {
        handlers[fd] = nil
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    /// A handler's next deadline; it is asked again with `deadlinePassed` once it is due.
    func noteDeadline(_ deadline: UInt64) {
        if deadline < nextSweep { nextSweep = deadline }
    }

    private static func mask(read: Bool, write: Bool) -> UInt32 {
        // EPOLLRDHUP only while reading: a half-closed peer would otherwise report it forever
        // to a connection that has stopped reading (backpressure).
        var mask: UInt32 = 0
        if read { mask |= UInt32(EPOLLIN.rawValue) | UInt32(EPOLLRDHUP.rawValue) }
        if write { mask |= UInt32(EPOLLOUT.rawValue) }
        return mask
    }

    private func run() {
        while true {
            let timeout: Int32
            if nextSweep == .max {
                timeout = -1
            } else {
                let now = Self.now()
                // Round up, so the wait never ends a little before the deadline and spins.
                timeout = nextSweep <= now ? 0 : Int32(min((nextSweep - now + 999_999) / 1_000_000, 60_000))
            }
            let count = events.withUnsafeMutableBufferPointer { buffer in
                epoll_wait(epollFD, buffer.baseAddress, Int32(buffer.count), timeout)
            }
            for index in 0..<max(0, Int(count)) {
                let event = events[index]
                if event.data.fd == wakeFD {
                    if runPendingWork() { return finish() }
                } else {
                    dispatch(event)
                }
            }
            if nextSweep != .max, Self.now() >= nextSweep { sweep() }
        }
    }

    /// Runs the work other threads handed over; returns whether the loop must stop.
    private func runPendingWork() -> Bool {
        var counter: UInt64 = 0
        _ = read(wakeFD, &counter, 8)
        let (work, stopped) = pending.withLock { state in
            let work = state.work
            state.work = []
            return (work, state.stopped)
        }
        for item in work { item() }
        return stopped
    }

    private func finish() {
        handlers.removeAll()
        finished.withLock { $0.take() }?.resume()
    }

    private func dispatch(_ event: epoll_event) {
        let fd = event.data.fd
        // A handler earlier in this batch may have closed this descriptor.
        guard let handler = handlers[fd] else { return }
        let flags = event.events
        let failed = flags & (UInt32(EPOLLERR.rawValue) | UInt32(EPOLLHUP.rawValue)) != 0
        let readable = flags & (UInt32(EPOLLIN.rawValue) | UInt32(EPOLLRDHUP.rawValue)) != 0
        handler.ready(readable: readable, writable: flags & UInt32(EPOLLOUT.rawValue) != 0, failed: failed)
    }

    /// Asks every handler whose deadline may have passed, and learns the next one.
    private func sweep() {
        let now = Self.now()
        nextSweep = .max
        for handler in handlers.values {
            if let deadline = handler.deadlinePassed(now: now), deadline < nextSweep { nextSweep = deadline }
        }
    }

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

/// What an event loop calls on its thread for a watched socket.
protocol EventLoopHandler: AnyObject {
    /// The socket is readable, writable, or both; `failed` when it reported an error or a hang-up
    /// in both directions (reported whatever the interest, so it must end the connection).
    func ready(readable: Bool, writable: Bool, failed: Bool)
    /// Called when a deadline the handler reported may have passed; returns its next one.
    func deadlinePassed(now: UInt64) -> UInt64?
}
