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
        abstract: "Inspect a Kafka cluster through the operator's own admin client.",
        subcommands: [Health.self, DescribeConfigs.self])

    /// Prints the health report; exits 1 when the cluster is not healthy, 2 when it cannot be asked.
    struct Health: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report offline and under-replicated partitions, brokers and controller.")

        @OptionGroup var connection: KafkaConnectionOptions
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

    /// Prints a broker's (or the cluster-wide default) dynamic configuration, one `key=value` a line.
    struct DescribeConfigs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "describe-configs", abstract: "Show a broker's or the cluster-wide default configs.")

        @OptionGroup var connection: KafkaConnectionOptions
        @Option(help: "The broker id whose configs to show.") var broker: Int32?
        @Flag(help: "Show the cluster-wide dynamic defaults instead of one broker's configs.")
        var clusterDefault = false

        func validate() throws {
            guard (broker != nil) != clusterDefault else {
                throw ValidationError("Give exactly one of --broker N or --cluster-default.")
            }
        }

        func run() async throws {
            let broker = self.broker
            let entries = try await connection.run { client in
                if let broker { return try await client.describeConfigs(broker: broker) }
                return try await client.describeClusterDefaultConfigs()
            }
            for entry in entries.sorted(by: { $0.name < $1.name }) {
                let value = entry.isSensitive ? "(sensitive)" : entry.value ?? "(null)"
                let flags = [entry.isReadOnly ? "read-only" : nil, "source=\(entry.source)"].compactMap { $0 }
                print("\(entry.name)=\(value)  [\(flags.joined(separator: ", "))]")
            }
        }
    }
}

/// How to reach the brokers: bootstrap list, timeouts, TLS and SASL.
struct KafkaConnectionOptions: ParsableArguments {
    @Option(help: "Comma-separated HOST:PORT list of brokers to start from.") var bootstrap: String
    @Option(help: "Seconds allowed for each connect and each request.") var timeout: Int = 10
    @Flag(help: "Connect with TLS.") var tls = false
    @Option(help: "PEM file of CAs to trust (default: the system's).") var caFile: String?
    @Option(help: "PEM client certificate, for brokers that require mutual TLS.") var certFile: String?
    @Option(help: "PEM client private key.") var keyFile: String?
    @Flag(help: "Do not check that the broker certificate names the host (testing only).")
    var insecureSkipHostnameCheck = false
    @Option(help: "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.") var saslMechanism: String?
    @Option(help: "SASL username.") var saslUsername: String?
    @Option(help: "Name of the environment variable holding the SASL password.")
    var saslPasswordEnv = "KAFKA_SASL_PASSWORD"

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds.") }
        if let mechanism = saslMechanism {
            guard SASLCredentials.Mechanism(rawValue: mechanism) != nil else {
                throw ValidationError("--sasl-mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.")
            }
            guard saslUsername != nil else {
                throw ValidationError("--sasl-mechanism needs --sasl-username.")
            }
        }
        if (certFile == nil) != (keyFile == nil) {
            throw ValidationError("--cert-file and --key-file go together.")
        }
    }

    func options() throws -> KafkaAdminOptions {
        var sasl: SASLCredentials?
        if let name = saslMechanism, let mechanism = SASLCredentials.Mechanism(rawValue: name),
            let username = saslUsername
        {
            guard let password = ProcessInfo.processInfo.environment[saslPasswordEnv] else {
                throw ValidationError("Set the SASL password in $\(saslPasswordEnv).")
            }
            sasl = SASLCredentials(mechanism: mechanism, username: username, password: password)
        }
        let useTLS = tls || caFile != nil || certFile != nil
        return KafkaAdminOptions(
            connectTimeout: .seconds(timeout), requestTimeout: .seconds(timeout),
            tls: useTLS
                ? KafkaTLSOptions(
                    caFile: caFile, certificateFile: certFile, privateKeyFile: keyFile,
                    verifyHostname: !insecureSkipHostnameCheck) : nil,
            sasl: sasl)
    }

    /// Runs `body` with a connected client; a Kafka failure prints its sentence and exits 2.
    func run<T: Sendable>(_ body: (KafkaProtocolAdminClient) async throws -> T) async throws -> T {
        let client = try KafkaProtocolAdminClient(bootstrap: bootstrap, options: try options())
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch let error as KafkaAdminError {
            await client.close()
            FileHandleOutput.standardError("error: \(error)")
            throw ExitCode(2)
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
