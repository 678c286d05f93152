/// One writer at a time per cluster within this process, in arrival order.
///
/// Every action is a read-modify-write of the whole cluster object with optimistic
/// concurrency. Without turns, concurrent alerts for one cluster race each other and all but
/// one lose with a conflict on every round; a steady stream of them can starve a request until
/// its retries run out. Taking turns leaves conflicts only to writers outside the process
/// (the reconciler's status patches, `kubectl edit`), which a fresh read settles.
actor ClusterWriteTurns {
    /// For each cluster with a writer in its turn, the writers waiting, first in line first.
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Returns when it is the caller's turn on `cluster`; pair with `finish(_:)`.
    func begin(_ cluster: String) async {
        guard waiting[cluster] != nil else {
            waiting[cluster] = []
            return
        }
        await withCheckedContinuation { continuation in waiting[cluster, default: []].append(continuation) }
    }

    /// Ends the caller's turn on `cluster` and starts the next writer's, if one waits.
    func finish(_ cluster: String) {
        guard var line = waiting[cluster] else { return }
        guard !line.isEmpty else {
            waiting[cluster] = nil
            return
        }
        let next = line.removeFirst()
        waiting[cluster] = line
        next.resume()
    }

    /// How many writers wait for their turn on `cluster` (for tests).
    func waitingCount(_ cluster: String) -> Int { waiting[cluster]?.count ?? 0 }
}
