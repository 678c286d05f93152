import ArgumentParser
import KafkaAdmin

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `kafka-operator kafka ...`: look at a Kafka cluster the way the operator does.
struct KafkaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract:
            "Inspect a Kafka cluster through the operator's own admin client; set local mode's synthetic load.",
        subcommands: [Health.self, DescribeConfigs.self, Load.self])

    /// Prints the health report; exits 1 when the cluster is not healthy, 2 when it cannot be asked.
    struct Health: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report offline and under-replicated partitions, brokers and controller.")

        @OptionGroup var connection: KafkaConnectionOptions<KafkaCommandSpelling>
        @Flag(help: "Print the report as JSON.") var json = false
        @Option(
            name: .customLong("expect-broker"),
            help: "A broker id that must be registered; repeat for each (missing ones make it unhealthy).")
        var expectedBrokers: [Int32] = []

        func run() async throws {
            let expected = expectedBrokers
            let report = try await connection.run { try await $0.healthReport(expectedBrokers: expected) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report)
            }
            if !report.isHealthy { throw ExitCode(1) }
        }
    }

    /// Prints a broker's, the cluster-wide default or a topic's configuration, one `key=value`
    /// a line, or one line saying there is none.
    struct DescribeConfigs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "describe-configs",
            abstract: "Show a broker's, the cluster-wide default or a topic's configs.")

        @OptionGroup var connection: KafkaConnectionOptions<KafkaCommandSpelling>
        @Option(help: "The broker id whose configs to show.") var broker: Int32?
        @Flag(help: "Show the cluster-wide dynamic defaults instead of one broker's configs.")
        var clusterDefault = false
        @Option(help: ArgumentHelp("The topic whose configs to show.", valueName: "name")) var topic: String?

        func validate() throws {
            guard [broker != nil, clusterDefault, topic != nil].filter({ $0 }).count == 1 else {
                throw ValidationError("Give exactly one of --broker N, --cluster-default or --topic NAME.")
            }
            if let topic, topic.isEmpty || topic.utf8.count > 249 {
                throw ValidationError("--topic must name a topic (1 to 249 characters).")
            }
        }

        /// What is being described, in the words of the empty-answer line.
        private var subject: String {
            if let broker { return "broker \(broker)" }
            if let topic { return "topic \(topic)" }
            return "the cluster-wide default"
        }

        func run() async throws {
            let broker = self.broker
            let topic = self.topic
            let entries = try await connection.run { client in
                if let broker { return try await client.describeConfigs(broker: broker) }
                if let topic { return try await client.describeConfigs(.init(type: .topic, name: topic)) }
                return try await client.describeClusterDefaultConfigs()
            }
            guard !entries.isEmpty else {
                print("No config entries for \(subject).")
                return
            }
            for entry in entries.sorted(by: { $0.name < $1.name }) {
                let value = entry.isSensitive ? "(sensitive)" : entry.value ?? "(null)"
                let flags = [entry.isReadOnly ? "read-only" : nil, "source=\(entry.source)"].compactMap { $0 }
                print("\(entry.name)=\(value)  [\(flags.joined(separator: ", "))]")
            }
        }
    }
}

/// Writes a line to standard error without pulling in all of Foundation.
enum FileHandleOutput {
    static func standardError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
    }
}
