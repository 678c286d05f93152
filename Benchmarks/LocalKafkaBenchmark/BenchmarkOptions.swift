/// What to measure, from the command line:
///
///     local-kafka-benchmark [--brokers 500] [--partitions 10000] [--replication-factor 3]
///                           [--requests 100] [--idle-seconds 10] [--base-port 0]
///                           [--reference-bootstrap host:port --reference-name tansu]
struct BenchmarkOptions: Sendable {
    var brokers = 500
    var partitions = 10_000
    var replicationFactor = 3
    /// Timed requests per measurement, after a few untimed ones.
    var requests = 100
    /// The idle window over which CPU time is measured.
    var idleSeconds = 10
    /// Broker N of the large cluster listens on `basePort + N`; 0 lets the kernel choose each port.
    var basePort: UInt16 = 0
    /// Another Kafka-protocol broker to ask the same Metadata request of, side by side.
    var referenceBootstrap: String?
    var referenceName = "reference"

    static let usage = """
        usage: local-kafka-benchmark [--brokers N] [--partitions N] [--replication-factor N] [--requests N]
                                     [--idle-seconds S] [--base-port P]
                                     [--reference-bootstrap HOST:PORT] [--reference-name NAME]
          --brokers              brokers of the large simulated cluster (default 500)
          --partitions           its partitions, over topics of 3 to 100 partitions (default 10000)
          --replication-factor   replicas per partition (default 3)
          --requests             timed requests per measurement (default 100)
          --idle-seconds         the idle window CPU time is measured over (default 10)
          --base-port            broker N listens on 127.0.0.1:P+N (default 0: any free port per broker)
          --reference-bootstrap  another Kafka-protocol broker to time the same Metadata request against;
                                 the benchmark creates the example cluster's topics on it first
          --reference-name       what to call it in the table (default "reference")
        """

    init(arguments: [String]) throws(BenchmarkError) {
        var remaining = arguments[...]
        func value(of option: String) throws(BenchmarkError) -> String {
            guard let value = remaining.popFirst() else { throw .missingValue(option: option) }
            return value
        }
        func positive(_ option: String, _ range: ClosedRange<Int>) throws(BenchmarkError) -> Int {
            let text = try value(of: option)
            guard let number = Int(text), range.contains(number) else {
                throw .invalidValue(option: option, value: text)
            }
            return number
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--brokers": brokers = try positive(argument, 1...10_000)
            case "--partitions": partitions = try positive(argument, 1...1_000_000)
            case "--replication-factor": replicationFactor = try positive(argument, 1...10)
            case "--requests": requests = try positive(argument, 1...100_000)
            case "--idle-seconds": idleSeconds = try positive(argument, 1...3_600)
            case "--base-port": basePort = UInt16(try positive(argument, 1...65_535))
            case "--reference-bootstrap": referenceBootstrap = try value(of: argument)
            case "--reference-name": referenceName = try value(of: argument)
            case "-h", "--help": throw .helpRequested
            default: throw .unknownOption(argument)
            }
        }
        guard replicationFactor <= brokers else {
            throw .invalidValue(option: "--replication-factor", value: "\(replicationFactor)")
        }
        if basePort > 0, Int(basePort) + brokers - 1 > Int(UInt16.max) {
            throw .invalidValue(option: "--base-port", value: "\(basePort)")
        }
    }
}
