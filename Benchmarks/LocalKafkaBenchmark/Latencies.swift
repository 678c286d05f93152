/// Times of one kind of request, in milliseconds, and their percentiles (nearest rank), with
/// the CPU time the whole process spent per request meanwhile (client and simulator alike, as
/// both run here): on a shared machine it says what a request costs when its wall time also
/// says how long it waited for a core.
struct Latencies: Sendable {
    private(set) var samples: [Double] = []
    private(set) var cpuMillisecondsPerRequest = 0.0

    mutating func add(_ milliseconds: Double) { samples.append(milliseconds) }

    var count: Int { samples.count }
    var p50: Double { percentile(0.50) }
    var p99: Double { percentile(0.99) }
    var max: Double { samples.max() ?? 0 }

    func percentile(_ fraction: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[Swift.max(0, Swift.min(sorted.count, rank) - 1)]
    }

    /// Runs `body` `warmUp` times untimed, then `count` times timed, one after another.
    static func measure<Failure: Error>(
        count: Int, warmUp: Int = 3, _ body: () async throws(Failure) -> Void
    ) async throws(Failure) -> Latencies {
        for _ in 0..<warmUp { try await body() }
        var latencies = Latencies()
        let clock = ContinuousClock()
        let before = ProcessUsage.now()
        for _ in 0..<count {
            let started = clock.now
            try await body()
            latencies.add((clock.now - started).milliseconds)
        }
        latencies.cpuMillisecondsPerRequest =
            (ProcessUsage.now().cpuSeconds - before.cpuSeconds) * 1000 / Double(count)
        return latencies
    }
}
