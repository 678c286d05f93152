import CCurl
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a transfer ends with, handed over on the multi's thread.
typealias CurlCompletion = @Sendable (Result<HTTPClientResponse, HTTPTransferError>) -> Void

/// Runs every transfer of one client on one thread, through one libcurl multi handle, which
/// also keeps the connections between transfers.
///
/// The thread sleeps in `curl_multi_poll` until a socket is ready, the earliest timer libcurl
/// asks for (`curl_multi_timeout`: connect and total timeouts) or the earliest idle deadline is
/// due, or another thread hands it a transfer or a cancellation (`curl_multi_wakeup`). Nothing
/// polls, so a client whose only transfers are quiet watches does not wake. A watch's idle
/// deadline is kept here, from the time its last byte arrived: libcurl's own
/// (`CURLOPT_LOW_SPEED_TIME`) would arm a one-second timer per transfer.
///
/// Completions and streamed lines are delivered on the thread, so they must not block. The
/// thread ends once this object is gone and its transfers have ended.
final class CurlMulti: Sendable {
    private let loop: Loop

    /// Nil only when libcurl cannot make a multi handle. Up to `maxIdleConnections` connections
    /// are kept besides those in use.
    init?(maxIdleConnections: Int) {
        guard curlGlobalInit == CURLE_OK, let loop = Loop(maxIdleConnections: maxIdleConnections) else {
            return nil
        }
        self.loop = loop
        loop.start()
    }

    deinit { loop.stop() }

    /// Starts `transfer` at once; `completion` gets its outcome, a cancelled one included.
    func start(_ transfer: CurlEasyHandle, control: TransferControl, completion: @escaping CurlCompletion) {
        loop.add(Loop.Entry(transfer: transfer, control: control, completion: completion))
    }

    /// A control whose `cancel()` ends its transfer through this multi. It holds the multi,
    /// so the thread outlives every control that may still wake it.
    func makeControl() -> TransferControl { TransferControl(multi: self) }

    fileprivate func wake() { loop.wake() }

    /// The thread's kernel id, for tests that count its wake-ups.
    var threadID: Int32 { loop.threadID.load(ordering: .acquiring) }
}

/// Asks one transfer to end; the transfer then completes as cancelled. A transfer cancelled
/// before it starts completes as cancelled without sending anything.
public final class TransferControl: Sendable {
    private let cancelled = Atomic<Bool>(false)
    private let multi: CurlMulti

    fileprivate init(multi: CurlMulti) { self.multi = multi }

    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    public func cancel() {
        cancelled.store(true, ordering: .relaxed)
        multi.wake()
    }
}

extension CurlMulti {
    /// The thread and its multi handle. `multi` is made in `init` and cleaned up by the thread
    /// as it ends; `pending` is shared; everything else is touched only by the thread.
    fileprivate final class Loop: @unchecked Sendable {
        struct Entry {
            var transfer: CurlEasyHandle
            var control: TransferControl
            var completion: CurlCompletion
        }

        private let multi: UnsafeMutableRawPointer
        private let maxIdleConnections: Int
        private let pending = Mutex<(added: [Entry], stopped: Bool)>(([], false))
        private var running: [UnsafeMutableRawPointer: Entry] = [:]
        let threadID = Atomic<Int32>(0)

        init?(maxIdleConnections: Int) {
            guard let multi = curl_multi_init() else { return nil }
            self.multi = multi
            self.maxIdleConnections = max(0, maxIdleConnections)
        }

        func start() {
            let box = Unmanaged.passRetained(self)
            var thread = pthread_t()
            let status = pthread_create(
                &thread, nil,
                { raw in
                    // `raw` is the retained loop passed just below.
                    let loop = Unmanaged<Loop>.fromOpaque(raw!).takeRetainedValue()
                    loop.run()
                    return nil
                }, box.toOpaque())
            // Without its thread the client cannot make a single call; as with a failed
            // allocation, there is nothing sensible to go on with.
            precondition(
                status == 0, "cannot start the HTTP client's thread: \(String(cString: strerror(status)))")
            pthread_detach(thread)
        }

        func add(_ entry: Entry) {
            pending.withLock { $0.added.append(entry) }
            wake()
        }

        /// Ends every transfer as cancelled and the thread after them.
        func stop() {
            pending.withLock { $0.stopped = true }
            wake()
        }

        func wake() { _ = curl_multi_wakeup(multi) }

        // MARK: - On the loop's thread

        private func run() {
            pthread_setname_np(pthread_self(), "http-client")
            threadID.store(Int32(gettid()), ordering: .releasing)
            while true {
                let (added, stopped) = pending.withLock { state in
                    defer { state.added = [] }
                    return (state.added, state.stopped)
                }
                for entry in added { begin(entry) }
                if stopped {
                    for entry in running.values {
                        end(
                            entry,
                            .failure(entry.transfer.failure(CURLE_ABORTED_BY_CALLBACK, "the client is gone")))
                    }
                    curl_multi_cleanup(multi)
                    return
                }
                var active: Int32 = 0
                _ = curl_multi_perform(multi, &active)
                var left: Int32 = 0
                while let message = curl_multi_info_read(multi, &left) {
                    // The message is freed by the removal in `end`, so read it first.
                    let (kind, handle, code) = (
                        message.pointee.msg, message.pointee.easy_handle, message.pointee.data.result
                    )
                    guard kind == CURLMSG_DONE, let handle, let entry = running[handle] else { continue }
                    end(entry, entry.transfer.outcome(code))
                }
                let wait = endCancelledAndIdle(now: .now)
                _ = curl_multi_poll(multi, nil, 0, wait, nil)
            }
        }

        private func begin(_ entry: Entry) {
            let transfer = entry.transfer
            guard !entry.control.isCancelled else {
                entry.completion(.failure(transfer.failure(CURLE_ABORTED_BY_CALLBACK, "cancelled")))
                return
            }
            transfer.markStarted(at: .now)
            guard curl_multi_add_handle(multi, transfer.handle) == CURLM_OK else {
                entry.completion(
                    .failure(transfer.failure(CURLE_FAILED_INIT, "libcurl could not start the transfer")))
                return
            }
            running[transfer.handle] = entry
            keepIdleConnections()
        }

        private func end(_ entry: Entry, _ outcome: Result<HTTPClientResponse, HTTPTransferError>) {
            _ = curl_multi_remove_handle(multi, entry.transfer.handle)
            running[entry.transfer.handle] = nil
            keepIdleConnections()
            entry.completion(outcome)
        }

        /// libcurl's cache counts connections in use too, so its bound follows the transfers.
        private func keepIdleConnections() {
            _ = ccurl_multi_setopt_long(
                multi, CURLMOPT_MAXCONNECTS, max(1, maxIdleConnections + running.count))
        }

        /// Ends the transfers cancelled or silent for too long; returns how long to wait (ms)
        /// for the next event: the earliest of libcurl's timer and the remaining idle deadlines.
        private func endCancelledAndIdle(now: ContinuousClock.Instant) -> Int32 {
            var next: ContinuousClock.Instant?
            for entry in running.values {
                let transfer = entry.transfer
                if entry.control.isCancelled {
                    end(entry, .failure(transfer.failure(CURLE_ABORTED_BY_CALLBACK, "cancelled")))
                } else if let silence = transfer.idleTimeout, let deadline = transfer.idleDeadline {
                    if deadline <= now {
                        end(
                            entry,
                            .failure(transfer.failure(CURLE_OPERATION_TIMEDOUT, "no data for \(silence)")))
                    } else {
                        next = min(next ?? deadline, deadline)
                    }
                }
            }
            var wait = Int(Int32.max)
            var libcurl = -1
            if curl_multi_timeout(multi, &libcurl) == CURLM_OK, libcurl >= 0 { wait = min(wait, libcurl) }
            if let next {
                // Rounded up, so the wait does not end just before the deadline.
                let (seconds, attoseconds) = (next - now).components
                wait = min(wait, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000) + 1)
            }
            return Int32(wait)
        }
    }
}
