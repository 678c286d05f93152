/// What to measure, from the command line:
///
///     reconcile-benchmark [--brokers 10,100,500] [--repetitions 1] [--cluster examples/kafkacluster.yaml]
///                         [--data-dir] [--validation on|off|both] [--clusters 1,50 [--concurrency 4]]
struct BenchmarkOptions: Sendable {
    /// The cluster sizes, in order.
    var brokerCounts: [Int] = [10, 100, 500]
    /// Runs per size, each on a fresh local cluster; times are the median of the runs.
    var repetitions = 1
    /// The manifest whose shape every benchmarked cluster takes.
    var clusterManifest = "examples/kafkacluster.yaml"
    /// Whether the local cluster persists its objects (in a temporary data directory).
    var persistent = false
    /// Set: measure that many clusters at once (of the first broker count each) instead.
    var clusterCounts: [Int] = []
    /// Reconciles at once in the many-clusters runs, as `serve`'s loop runs them.
    var concurrency = 4
    /// Set: render Envoy's bootstrap for each broker count instead, writing it into this folder.
    var envoyDirectory: String?
    /// Whether the local cluster checks writes as the API server does: on, off, or both, each
    /// size then measured both ways, the runs interleaved, and the difference printed.
    var validation: [Bool] = [true]

    static let usage = """
        usage: reconcile-benchmark [--brokers N,N,...] [--repetitions R] [--cluster FILE] [--data-dir]
          --brokers      cluster sizes to reconcile (default 10,100,500)
          --repetitions  runs per size on a fresh local cluster; times are their median (default 1)
          --cluster      the KafkaCluster manifest whose shape is used (default examples/kafkacluster.yaml)
          --data-dir     let the local cluster persist its objects in a temporary directory
                         (default: in memory, so the figures are the reconciler's and the API's)
          --validation   on (default), off, or both: whether the local cluster checks writes as
                         the API server does; both measures each size both ways and prints what
                         the checks cost
          --clusters     instead: that many clusters at once (of the first --brokers size each),
                         reconciled by the reconcile loop, e.g. 1,50
          --concurrency  reconciles at once in --clusters runs (default 4)
          --envoy DIR    instead: render Envoy's bootstrap for each --brokers size (time, size) and
                         write it into DIR as envoy-<brokers>.json
        """

    init(arguments: [String]) throws(BenchmarkError) {
        var remaining = arguments[...]
        func value(of option: String) throws(BenchmarkError) -> String {
            guard let value = remaining.popFirst() else { throw .missingValue(option: option) }
            return value
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--brokers":
                let text = try value(of: argument)
                let counts = text.split(separator: ",").map { Int($0.trimmingPrefixSpaces()) }
                guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) > 0 }) else {
                    throw .invalidValue(option: argument, value: text)
                }
                brokerCounts = counts.compactMap { $0 }
            case "--repetitions":
                let text = try value(of: argument)
                guard let count = Int(text), count > 0 else {
                    throw .invalidValue(option: argument, value: text)
                }
                repetitions = count
            case "--cluster":
                clusterManifest = try value(of: argument)
            case "--data-dir":
                persistent = true
            case "--envoy":
                envoyDirectory = try value(of: argument)
            case "--validation":
                let text = try value(of: argument)
                switch text {
                case "on": validation = [true]
                case "off": validation = [false]
                case "both": validation = [false, true]
                default: throw .invalidValue(option: argument, value: text)
                }
            case "--clusters", "--concurrency":
                let text = try value(of: argument)
                let counts = text.split(separator: ",").map { Int($0.trimmingPrefixSpaces()) }
                guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) > 0 }) else {
                    throw .invalidValue(option: argument, value: text)
                }
                if argument == "--clusters" {
                    clusterCounts = counts.compactMap { $0 }
                } else {
                    guard counts.count == 1 else { throw .invalidValue(option: argument, value: text) }
                    concurrency = counts[0] ?? 1
                }
            case "-h", "--help":
                throw .helpRequested
            default:
                throw .unknownOption(argument)
            }
        }
    }
}

extension Substring {
    fileprivate func trimmingPrefixSpaces() -> Substring { drop { $0 == " " } }
}
