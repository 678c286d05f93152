import ArgumentParser
import KafkaAdmin

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How one command spells the Kafka connection options: `kafka health --bootstrap ...`, and
/// `serve --kafka-bootstrap ...`, where `--tls` and `--timeout` would read as the HTTP
/// server's own.
protocol KafkaOptionSpelling {
    static var prefix: String { get }
    /// Whether the command can run without Kafka (serve) or is about Kafka (the kafka subcommands).
    static var needsBootstrap: Bool { get }
}

enum KafkaCommandSpelling: KafkaOptionSpelling {
    static let prefix = ""
    static let needsBootstrap = true
}

enum ServeSpelling: KafkaOptionSpelling {
    static let prefix = "kafka-"
    static let needsBootstrap = false
}

/// How to reach the brokers: bootstrap list, the deadline, TLS and SASL. One group, shared by
/// the `kafka` subcommands and `serve`, so the operator reaches Kafka the way the command line
/// does. Every option can also come from the environment (`KAFKA_OPERATOR_KAFKA_*`).
struct KafkaConnectionOptions<Spelling: KafkaOptionSpelling>: ParsableArguments {
    @Option(
        name: .customLong(Spelling.prefix + "bootstrap"),
        help: ArgumentHelp(
            "Comma-separated HOST:PORT list of brokers to start from. Env: KAFKA_OPERATOR_KAFKA_BOOTSTRAP.",
            valueName: "servers"))
    var bootstrap: String = EnvironmentDefault.string("KAFKA_OPERATOR_KAFKA_BOOTSTRAP", "")

    @Option(
        name: .customLong(Spelling.prefix + "timeout"),
        help:
            "Seconds one Kafka question may take in all: every address, retry and name lookup (each address gets at most half). Env: KAFKA_OPERATOR_KAFKA_TIMEOUT."
    )
    var timeout: Int = EnvironmentDefault.int("KAFKA_OPERATOR_KAFKA_TIMEOUT", 10)

    @Flag(
        name: .customLong(Spelling.prefix + "tls"),
        help: "Connect to the brokers with TLS. Env: KAFKA_OPERATOR_KAFKA_TLS=true.")
    var tls = EnvironmentDefault.string("KAFKA_OPERATOR_KAFKA_TLS", "") == "true"

    @Option(
        name: .customLong(Spelling.prefix + "ca-file"),
        help: ArgumentHelp(
            "PEM file of CAs to trust for the brokers (default: the system's). Env: KAFKA_OPERATOR_KAFKA_CA_FILE.",
            valueName: "file"))
    var caFile: String = EnvironmentDefault.string("KAFKA_OPERATOR_KAFKA_CA_FILE", "")

    @Option(
        name: .customLong(Spelling.prefix + "cert-file"),
        help: ArgumentHelp(
            "PEM client certificate, for brokers that require mutual TLS. Env: KAFKA_OPERATOR_KAFKA_CERT_FILE.",
            valueName: "file"))
    var certFile: String = EnvironmentDefault.string("KAFKA_OPERATOR_KAFKA_CERT_FILE", "")

    @Option(
        name: .customLong(Spelling.prefix + "key-file"),
        help: ArgumentHelp(
            "PEM client private key. Env: KAFKA_OPERATOR_KAFKA_KEY_FILE.", valueName: "file"))
    var keyFile: String = EnvironmentDefault.string("KAFKA_OPERATOR_KAFKA_KEY_FILE", "")

    @Flag(
        name: .customLong(Spelling.prefix + "insecure-skip-hostname-check"),
        help: "Do not check that the broker certificate names the host (testing only).")
    var insecureSkipHostnameCheck = false

    @Option(
        name: .customLong(Spelling.prefix + "sasl-mechanism"),
        help: ArgumentHelp(
            "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. Env: KAFKA_OPERATOR_KAFKA_SASL_MECHANISM.",
            valueName: "mechanism"))
    var saslMechanism: String = EnvironmentDefault.string("KAFKA_OPERATOR_KAFKA_SASL_MECHANISM", "")

    @Option(
        name: .customLong(Spelling.prefix + "sasl-username"),
        help: ArgumentHelp("SASL username. Env: KAFKA_OPERATOR_KAFKA_SASL_USERNAME.", valueName: "name"))
    var saslUsername: String = EnvironmentDefault.string("KAFKA_OPERATOR_KAFKA_SASL_USERNAME", "")

    @Option(
        name: .customLong(Spelling.prefix + "sasl-password-env"),
        help: ArgumentHelp(
            "Name of the environment variable holding the SASL password.", valueName: "variable"))
    var saslPasswordEnv = "KAFKA_SASL_PASSWORD"

    private var flag: String { "--" + Spelling.prefix }

    func validate() throws {
        if Spelling.needsBootstrap && bootstrap.isEmpty {
            throw ValidationError("Give \(flag)bootstrap HOST:PORT[,HOST:PORT...].")
        }
        guard timeout > 0, timeout <= 3_600 else {
            throw ValidationError("\(flag)timeout must be a number of seconds between 1 and 3600.")
        }
        if !saslMechanism.isEmpty {
            guard SASLCredentials.Mechanism(rawValue: saslMechanism) != nil else {
                throw ValidationError("\(flag)sasl-mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.")
            }
            guard !saslUsername.isEmpty else {
                throw ValidationError("\(flag)sasl-mechanism needs \(flag)sasl-username.")
            }
        }
        if certFile.isEmpty != keyFile.isEmpty {
            throw ValidationError("\(flag)cert-file and \(flag)key-file go together.")
        }
    }

    /// The admin client's options. Each step (connect, request) gets at most half the
    /// deadline, so a silent first address leaves time to try the next one.
    func options() throws(KafkaConnectionProblem) -> KafkaAdminOptions {
        var sasl: SASLCredentials?
        if let mechanism = SASLCredentials.Mechanism(rawValue: saslMechanism) {
            guard let password = ProcessInfo.processInfo.environment[saslPasswordEnv] else {
                throw KafkaConnectionProblem(description: "Set the SASL password in $\(saslPasswordEnv).")
            }
            sasl = SASLCredentials(mechanism: mechanism, username: saslUsername, password: password)
        }
        let useTLS = tls || !caFile.isEmpty || !certFile.isEmpty
        let step = max(Duration.seconds(timeout) / 2, .seconds(1))
        return KafkaAdminOptions(
            connectTimeout: step, requestTimeout: step, callTimeout: deadline,
            tls: useTLS
                ? KafkaTLSOptions(
                    caFile: caFile.isEmpty ? nil : caFile, certificateFile: certFile.isEmpty ? nil : certFile,
                    privateKeyFile: keyFile.isEmpty ? nil : keyFile,
                    verifyHostname: !insecureSkipHostnameCheck) : nil,
            sasl: sasl)
    }

    var deadline: Duration { .seconds(timeout) }

    /// The client, or nil when no bootstrap list is given (serve without Kafka).
    func client() throws -> KafkaProtocolAdminClient? {
        guard !bootstrap.isEmpty else { return nil }
        return try KafkaProtocolAdminClient(bootstrap: bootstrap, options: try options())
    }

    /// Runs `body` with a client, all of it within one `timeout` deadline. Anything that keeps
    /// the question from being answered (a bootstrap list that does not parse, a missing
    /// password, Kafka failing) prints its sentence and exits 2, the code for "could not ask";
    /// 1 stays the code for an answer that says "unhealthy".
    func run<T: Sendable>(_ body: (KafkaProtocolAdminClient) async throws -> T) async throws -> T {
        let client: KafkaProtocolAdminClient
        do {
            client = try KafkaProtocolAdminClient(bootstrap: bootstrap, options: try options())
        } catch {
            FileHandleOutput.standardError("error: \(error)")
            throw ExitCode(2)
        }
        let start = ContinuousClock.now
        do {
            let result = try await KafkaProtocolAdminClient.withDeadline(deadline) { try await body(client) }
            await client.close()
            return result
        } catch let error as KafkaAdminError {
            await client.close()
            var line = "error: \(error)"
            if case .deadlineExceeded = error {
            } else {
                line += " (after \(Self.seconds(start.duration(to: .now))) s)"
            }
            FileHandleOutput.standardError(line)
            throw ExitCode(2)
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let tenths = seconds * 10 + attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// A connection setting that cannot be used as given.
struct KafkaConnectionProblem: Error, CustomStringConvertible {
    let description: String
}
