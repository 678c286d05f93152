import Kubernetes
import Synchronization

/// Passes every call through to another API and counts them, so a benchmark or a test can say
/// how many requests and writes a reconcile cost.
public final class CountingKubernetesAPI: KubernetesAPI {
    public struct Counts: Equatable, Sendable {
        /// Every `send`, reads and writes.
        public var requests = 0
        /// Requests other than GET.
        public var writes = 0
        /// Watch streams opened.
        public var watches = 0
        public var byMethod: [String: Int] = [:]

        public init() {}
    }

    public let base: any KubernetesAPI
    private let state = Mutex(Counts())

    public init(_ base: any KubernetesAPI) { self.base = base }

    public var counts: Counts { state.withLock { $0 } }

    /// Returns the counts so far and starts again from zero.
    @discardableResult
    public func reset() -> Counts {
        state.withLock { counts in
            defer { counts = Counts() }
            return counts
        }
    }

    public func send(_ request: APIRequest) async throws(KubernetesError) -> [UInt8] {
        state.withLock { counts in
            counts.requests += 1
            if request.method != "GET" { counts.writes += 1 }
            counts.byMethod[request.method, default: 0] += 1
        }
        return try await base.send(request)
    }

    public func stream(_ request: APIRequest) -> AsyncThrowingStream<[UInt8], any Error> {
        state.withLock { $0.watches += 1 }
        return base.stream(request)
    }
}
