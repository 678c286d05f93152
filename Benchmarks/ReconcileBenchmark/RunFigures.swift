/// What reconciling one cluster cost: from scratch until it converged, and once more with
/// nothing changed.
struct RunFigures: Sendable {
    var brokers: Int
    /// Passes until the cluster was Running and a pass wrote no object.
    var scratchPasses = 0
    /// Requests (reads and writes) of all scratch passes.
    var scratchRequests = 0
    /// Writes of all scratch passes, by HTTP method.
    var scratchWrites: [String: Int] = [:]
    /// Wall time inside `reconcile` over all scratch passes.
    var scratchMilliseconds = 0.0
    /// Time spent between passes waiting for the kubelet to make pods Ready (not in the above).
    var kubeletWaitMilliseconds = 0.0
    var noOpRequests = 0
    /// Writes of the pass with nothing changed, by HTTP method; must be empty.
    var noOpWrites: [String: Int] = [:]
    var noOpMilliseconds = 0.0
    /// The process's CPU time during the scratch passes and the no-op pass.
    var scratchCPUMilliseconds = 0.0
    var noOpCPUMilliseconds = 0.0
    /// Apart from any pass, for where a no-op pass spends its time: rendering the desired state,
    /// and listing the cluster's objects (the four typed lists a pass makes, over HTTP and decoded).
    var renderMilliseconds = 0.0
    var listMilliseconds = 0.0

    init(brokers: Int) { self.brokers = brokers }

    var noOpWriteCount: Int { noOpWrites.values.reduce(0, +) }

    /// The median of each time over several runs of the same size; request counts come from
    /// the first run (every run of a size makes the same requests).
    static func median(of runs: [RunFigures]) -> RunFigures {
        var result = runs[0]
        func middle(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            let count = sorted.count
            return count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2
        }
        result.scratchMilliseconds = middle(runs.map(\.scratchMilliseconds))
        result.kubeletWaitMilliseconds = middle(runs.map(\.kubeletWaitMilliseconds))
        result.noOpMilliseconds = middle(runs.map(\.noOpMilliseconds))
        result.scratchCPUMilliseconds = middle(runs.map(\.scratchCPUMilliseconds))
        result.noOpCPUMilliseconds = middle(runs.map(\.noOpCPUMilliseconds))
        result.renderMilliseconds = middle(runs.map(\.renderMilliseconds))
        result.listMilliseconds = middle(runs.map(\.listMilliseconds))
        // A write in any run's no-op pass counts: it is the figure that must be zero.
        result.noOpWrites =
            runs.map(\.noOpWrites).max { $0.values.reduce(0, +) < $1.values.reduce(0, +) } ?? [:]
        return result
    }
}

extension Duration {
    var milliseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }
}
