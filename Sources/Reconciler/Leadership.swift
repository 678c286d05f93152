import Kubernetes
import Synchronization

/// Whether this process may write as the leader, and until when: the last successful lease
/// renewal plus the renew deadline, always short of the lease's expiry as others see it. Shared
/// by the elector, which extends it, and `LeaderOnlyWrites`, which refuses writes outside it.
public final class Leadership: Sendable {
    private let until = Mutex<ContinuousClock.Instant?>(nil)

    public init() {}

    /// The end of the current term, or nil when this process is not the leader.
    public var validUntil: ContinuousClock.Instant? {
        until.withLock { instant in
            guard let end = instant, end > .now else { return nil }
            return end
        }
    }

    public var isLeader: Bool { validUntil != nil }

    func extend(to end: ContinuousClock.Instant) { until.withLock { $0 = end } }
    func end() { until.withLock { $0 = nil } }
}

/// The reconciler's view of the API when several replicas run: reads pass, a write is sent only
/// while this process leads, with its timeout cut to the time left in the term, so no write
/// starts or lasts beyond it (a deposed leader cannot race the new one).
public struct LeaderOnlyWrites: KubernetesAPI {
    public let base: any KubernetesAPI
    public let leadership: Leadership

    public init(_ base: any KubernetesAPI, leadership: Leadership) {
        self.base = base
        self.leadership = leadership
    }

    public func send(_ request: APIRequest) async throws(KubernetesError) -> [UInt8] {
        guard request.method != "GET" else { return try await base.send(request) }
        guard let end = leadership.validUntil else {
            throw .cancelled("\(request.method) \(request.path): this replica is not the leader")
        }
        let left = ContinuousClock.now.duration(to: end)
        var cut = request
        cut.timeout = min(request.timeout ?? left, left)
        let bounded = cut
        // The client may retry within its own bound; the term's end cancels it wherever it is.
        let outcome = await withTaskGroup(of: Result<[UInt8], KubernetesError>?.self) { group in
            group.addTask { [base] in
                do throws(KubernetesError) {
                    return .success(try await base.send(bounded))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(until: end, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            return await group.next() ?? nil
        }
        guard let outcome else {
            throw .cancelled(
                "\(request.method) \(request.path): the leadership term ended before it finished")
        }
        return try outcome.get()
    }

    public func stream(_ request: APIRequest) -> AsyncThrowingStream<[UInt8], any Error> {
        base.stream(request)
    }
}
