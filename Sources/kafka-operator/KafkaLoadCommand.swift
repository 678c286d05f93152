import ArgumentParser
import JSON
import LocalKafka

extension KafkaCommand {
    /// `kafka-operator kafka load`: shows or sets local mode's synthetic load through the
    /// simulator control endpoint that `serve` starts beside the simulated brokers.
    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Show or set local mode's synthetic load: bytes in and out per second, by topic or cluster-wide.",
            discussion: """
                With a rate, sets a topic's total (--topic), or the whole cluster's, spread evenly over
                its partitions; a rate left out stays as it is. Without one, shows every topic's load.
                Sizes take SI or binary units: 80MB, 1.5GiB, 250kB/s, 1000000.
                """)

        @Option(
            help: ArgumentHelp("The topic whose load to set (default: the whole cluster).", valueName: "name")
        )
        var topic: String?

        @Option(
            name: .customLong("bytes-in-per-second"),
            help: ArgumentHelp("Bytes producers send each second, e.g. 80MB.", valueName: "size"))
        var bytesIn: String?

        @Option(
            name: .customLong("bytes-out-per-second"),
            help: ArgumentHelp("Bytes consumers fetch each second, e.g. 160MB.", valueName: "size"))
        var bytesOut: String?

        @Option(
            help: ArgumentHelp(
                "The simulator control endpoint `serve` logs in local mode. Env: KAFKA_OPERATOR_SIMULATOR_CONTROL.",
                valueName: "url"))
        var control: String = EnvironmentDefault.string(
            "KAFKA_OPERATOR_SIMULATOR_CONTROL",
            "http://127.0.0.1:\(LocalKafkaConfiguration.defaultControlPort)")

        @Flag(help: "Print the endpoint's JSON answer instead of a table.") var json = false

        func validate() throws {
            guard SimulatorControlClient(url: control) != nil else {
                throw ValidationError("--control must be http://host:port, not \(control).")
            }
            _ = try change()
        }

        /// The change asked for, nil when only showing.
        func change() throws -> SyntheticLoadChange? {
            func rate(_ text: String?, _ option: String) throws -> Double? {
                guard let text else { return nil }
                guard let bytes = ByteRate.parse(text) else {
                    throw ValidationError(
                        "\(option) must be a size such as 80MB, 1.5GiB or 1000000, not \(text).")
                }
                return bytes
            }
            let bytesIn = try rate(bytesIn, "--bytes-in-per-second")
            let bytesOut = try rate(bytesOut, "--bytes-out-per-second")
            guard bytesIn != nil || bytesOut != nil else {
                if let topic, topic.isEmpty { throw ValidationError("--topic must name a topic.") }
                return nil
            }
            do {
                return try SyntheticLoadChange(
                    topic: topic, bytesInPerSecond: bytesIn, bytesOutPerSecond: bytesOut)
            } catch {
                throw ValidationError("\(error).")
            }
        }

        func run() async throws {
            // validate() has read the address.
            let client = SimulatorControlClient(url: control)!
            let change = try self.change()
            let answer: SimulatorControlClient.Answer
            do {
                answer =
                    if let change {
                        try client.send("PUT", SimulatorControl.loadPath, body: change.json.encoded())
                    } else {
                        try client.send("GET", SimulatorControl.loadPath)
                    }
            } catch {
                FileHandleOutput.standardError("error: \(error)")
                throw ExitCode(2)
            }
            let document = try? JSONReader.parse(answer.body)
            guard answer.status == 200, let document, let load = try? SyntheticLoad(json: document) else {
                let reason: String =
                    if case .string(let text)? = document?["error"] { text } else {
                        String(decoding: answer.body.prefix(500), as: UTF8.self)
                    }
                FileHandleOutput.standardError("error: the simulator refused (\(answer.status)): \(reason)")
                throw ExitCode(1)
            }
            if json {
                print(String(decoding: answer.body, as: UTF8.self))
                return
            }
            if let change { print(Self.sentence(change, load)) }
            print(Self.table(load, only: change?.topic ?? (change == nil ? topic : nil)))
        }

        /// What was set, in words.
        static func sentence(_ change: SyntheticLoadChange, _ load: SyntheticLoad) -> String {
            let partitions = load.topics.filter { change.topic == nil || $0.topic == change.topic }
                .reduce(0) { $0 + $1.partitions }
            var rates: [String] = []
            if let bytesIn = change.bytesInPerSecond {
                rates.append("bytes in \(ByteRate.describe(bytesIn))")
            }
            if let bytesOut = change.bytesOutPerSecond {
                rates.append("bytes out \(ByteRate.describe(bytesOut))")
            }
            let subject = change.topic.map { "topic \($0)" } ?? "the whole cluster"
            return "Set \(subject) to \(rates.joined(separator: ", ")), spread over \(partitions) partitions."
        }

        /// One line per topic (or only `only`), and the cluster's total.
        static func table(_ load: SyntheticLoad, only: String?) -> String {
            let rows = load.topics.filter { only == nil || $0.topic == only }
            var lines = [["TOPIC", "PARTITIONS", "BYTES IN", "BYTES OUT"]]
            for row in rows {
                lines.append([
                    row.topic, "\(row.partitions)", ByteRate.describe(row.bytesInPerSecond),
                    ByteRate.describe(row.bytesOutPerSecond),
                ])
            }
            lines.append([
                "(cluster)", "\(load.topics.reduce(0) { $0 + $1.partitions })",
                ByteRate.describe(load.bytesInPerSecond), ByteRate.describe(load.bytesOutPerSecond),
            ])
            let widths = (0..<4).map { column in lines.map { $0[column].count }.max() ?? 0 }
            return lines.map { line in
                zip(line, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }
                    .joined(separator: "  ").trimmingTrailingSpaces
            }.joined(separator: "\n")
        }
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        String(dropLast(reversed().prefix { $0 == " " }.count))
    }
}
