/// Keys waiting to be reconciled, with client-go's work queue guarantees: a key waiting is
/// queued once however often it is added (coalescing); a key being processed is not handed
/// out again until `done`, and if it was added meanwhile it is queued again then (one
/// reconcile per key at a time, none lost); failures back off per key, doubling to a bound.
/// A key has at most one delayed add waiting, the earliest asked for, as client-go's delaying
/// queue keeps: otherwise every pass that asks to come back (a Cruise Control task's poll)
/// would start another chain of timers beside the one already waiting, and the key would be
/// reconciled, and Cruise Control asked, once per chain.
public actor WorkQueue<Key: Hashable & Sendable> {
    private var ready: [Key] = []
    private var head = 0
    private var dirty: Set<Key> = []
    private var processing: Set<Key> = []
    private var waiters: [(id: Int, continuation: CheckedContinuation<Key?, Never>)] = []
    private var nextWaiter = 0
    private var failures: [Key: Int] = [:]
    private var timers: [Int: Task<Void, Never>] = [:]
    /// The delayed add waiting for each key: its timer and when it fires.
    private var delayed: [Key: (timer: Int, due: ContinuousClock.Instant)] = [:]
    private var nextTimer = 0
    private var isShutDown = false
    let initialBackoff: Duration
    let maximumBackoff: Duration

    public init(initialBackoff: Duration = .milliseconds(200), maximumBackoff: Duration = .seconds(60)) {
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// Keys waiting, not counting those being processed.
    public var count: Int { ready.count - head }
    /// Workers waiting in `next()`.
    public var waiting: Int { waiters.count }

    public func add(_ key: Key) {
        guard !isShutDown, dirty.insert(key).inserted else { return }
        if !processing.contains(key) { enqueue(key) }
    }

    /// Adds `key` once `delay` has passed, unless an add of it is already due sooner; an
    /// add due later is replaced.
    public func add(_ key: Key, after delay: Duration) {
        guard !isShutDown else { return }
        guard delay > .zero else { return add(key) }
        let due = ContinuousClock.now.advanced(by: delay)
        if let waiting = delayed[key] {
            if waiting.due <= due { return }
            timers.removeValue(forKey: waiting.timer)?.cancel()
        }
        let id = nextTimer
        nextTimer += 1
        delayed[key] = (id, due)
        timers[id] = Task {
            try? await Task.sleep(for: delay)
            self.fire(id, key)
        }
    }

    /// Delayed adds waiting, one at most per key.
    public var delayedCount: Int { delayed.count }

    private func fire(_ id: Int, _ key: Key) {
        guard timers.removeValue(forKey: id) != nil else { return }
        if delayed[key]?.timer == id { delayed[key] = nil }
        if !Task.isCancelled { add(key) }
    }

    /// The next key to process, waiting for one; nil once the queue is shut down or the
    /// waiting task is cancelled.
    public func next() async -> Key? {
        if let key = take() { return key }
        if isShutDown { return nil }
        let id = nextWaiter
        nextWaiter += 1
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled || isShutDown {
                    continuation.resume(returning: nil)
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Ends processing of `key`; if it was added meanwhile it is queued again.
    public func done(_ key: Key) {
        processing.remove(key)
        if dirty.contains(key) { enqueue(key) }
    }

    /// Counts a failure of `key` and returns how long to wait before retrying it.
    public func failed(_ key: Key) -> Duration {
        let attempts = failures[key, default: 0]
        failures[key] = attempts + 1
        var delay = initialBackoff
        for _ in 0..<min(attempts, 30) where delay < maximumBackoff { delay = delay * 2 }
        return min(delay, maximumBackoff)
    }

    /// Clears `key`'s failure count after a success.
    public func succeeded(_ key: Key) { failures[key] = nil }

    /// Wakes every waiter with nil and drops delayed adds.
    public func shutDown() {
        isShutDown = true
        for timer in timers.values { timer.cancel() }
        timers = [:]
        delayed = [:]
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.continuation.resume(returning: nil) }
    }

    private func enqueue(_ key: Key) {
        if let index = waiters.indices.first {
            let waiter = waiters.remove(at: index)
            dirty.remove(key)
            processing.insert(key)
            waiter.continuation.resume(returning: key)
        } else {
            ready.append(key)
        }
    }

    private func take() -> Key? {
        guard head < ready.count else { return nil }
        let key = ready[head]
        head += 1
        if head > 1024 && head * 2 > ready.count {
            ready.removeFirst(head)
            head = 0
        }
        dirty.remove(key)
        processing.insert(key)
        return key
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: nil)
    }
}
