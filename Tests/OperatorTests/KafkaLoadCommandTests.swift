import Foundation
import TestSupport
import Testing

@testable import kafka_operator

/// `kafka-operator kafka load`: sizes as people write them, and the command against the
/// simulator control endpoint of a running `serve` in local mode.
@Suite struct KafkaLoadCommandTests {
    static let sizes: [(String, Double)] = [
        ("80MB", 80e6), ("80 MB/s", 80e6), ("1.5GiB", 1.5 * 1_073_741_824), ("250kB/s", 250e3),
        ("1000000", 1e6), ("0", 0), ("8e7", 8e7), ("3KiB", 3_072), ("2T", 2e12), ("7B", 7),
    ]

    @Test(arguments: sizes)
    func sizesReadAsBytes(_ text: String, _ bytes: Double) {
        #expect(ByteRate.parse(text) == bytes)
    }

    @Test(arguments: [
        "", "MB", "-5MB", "+5MB", "5 M B", "5mb", "5XB", "1e400", "nan", "inf", ".", "5MB/h", "0x10",
    ])
    func notASizeIsRefused(_ text: String) {
        #expect(ByteRate.parse(text) == nil)
    }

    @Test func ratesReadInSIUnits() {
        #expect(ByteRate.describe(80e6) == "80 MB/s")
        #expect(ByteRate.describe(80e6 / 6) == "13.33 MB/s")
        #expect(ByteRate.describe(999) == "999 B/s")
        #expect(ByteRate.describe(0) == "0 B/s")
    }

    static let addresses: [(String, String, UInt16)] = [
        ("http://127.0.0.1:18099", "127.0.0.1", 18_099), ("127.0.0.1:1/", "127.0.0.1", 1),
        ("http://localhost:80", "localhost", 80),
    ]

    @Test(arguments: addresses)
    func controlAddressesRead(_ url: String, _ host: String, _ port: UInt16) throws {
        let client = try #require(SimulatorControlClient(url: url))
        #expect(client.host == host)
        #expect(client.port == port)
    }

    @Test(arguments: [
        "", "http://", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", ":80", "http://h:1/x:2", "h:p",
    ])
    func badControlAddressesAreRefused(_ url: String) {
        #expect(SimulatorControlClient(url: url) == nil)
    }

    @Test func answersThatAreNotHTTPAreRefused() throws {
        #expect(throws: SimulatorControlClientError.self) {
            try SimulatorControlClient.parse(Array("garbage".utf8))
        }
        #expect(throws: SimulatorControlClientError.self) {
            try SimulatorControlClient.parse(Array("SSH-2.0\r\n\r\n".utf8))
        }
        let answer = try SimulatorControlClient.parse(
            Array("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}extra".utf8))
        #expect(answer.status == 404)
        #expect(answer.body == Array("{}".utf8))
    }

    @Test func withNothingListeningItSaysWhereItLooked() throws {
        let port = freeLoopbackPort()
        let output = try runProcess(
            OperatorProcess.binary, ["kafka", "load", "--control", "http://127.0.0.1:\(port)"])
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(
            output.stderr.contains("cannot reach the simulator control endpoint at http://127.0.0.1:\(port)"))
    }

    @Test(arguments: [
        ["--bytes-in-per-second", "lots"], ["--bytes-out-per-second", "-1MB"],
        ["--bytes-in-per-second", "2TB"],
        ["--topic", "", "--bytes-in-per-second", "1"], ["--control", "nowhere"],
    ])
    func badOptionsAreRefusedBeforeAnythingIsAsked(_ arguments: [String]) throws {
        let output = try runProcess(OperatorProcess.binary, ["kafka", "load"] + arguments)
        #expect(output.status == 64, "\(arguments): \(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains("Error:"), "\(output.stderr)")
    }

    @Test(arguments: [
        ["--local-broker-metrics-base-port", "0"], ["--local-broker-metrics-base-port", "65536"],
        ["--local-broker-base-port", "0"], ["--local-broker-base-port", "65536"],
        ["--local-simulator-control-port", "-1"], ["--local-simulator-control-port", "70000"],
    ])
    func serveRefusesLocalPortsOutOfRange(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try ServeCommand.parse(arguments) }
    }

    @Test(arguments: ["fast", "0", "0.5", "2TB/s", "-1MB"])
    func serveRefusesAReplicationRateThatIsNotOne(_ rate: String) {
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--local-replication-rate", rate]) }
    }

    @Test func theReplicationRateReachesTheSimulator() throws {
        #expect(
            try ServeCommand.parse(["--local-replication-rate", "5MiB/s"]).clusterOptions.localKafka
                .replicationBytesPerSecond == 5 * 1_048_576)
        #expect(
            try ServeCommand.parse([]).clusterOptions.localKafka.replicationBytesPerSecond == 50 * 1_048_576)
    }

    /// Ports that would meet stop the start with a sentence naming both, before anything listens.
    @Test func serveRefusesLocalPortsThatMeet() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let example = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path
        let output = try await runOffPool(
            OperatorProcess.binary,
            [
                "serve", "--listen", "127.0.0.1:0", "--data-dir", directory.file("data").path,
                "--local-cluster",
                "--local-cluster-listen", "127.0.0.1:0", "--local-cruise-control-port", "0",
                "--local-broker-metrics-base-port", "19092", "--cluster", example,
            ])
        #expect(output.status != 0)
        #expect(
            output.stderr.contains(
                "broker 0's Kafka socket and broker 0's metrics would both listen on port 19092"),
            "\(output.stderr)")
    }

    /// `serve` in local mode says where the brokers' metrics and the control endpoint are;
    /// `kafka load` sets a topic's load there and prints it, and the broker that leads the
    /// topic's partitions reports it in its metrics.
    @Test func serveSaysWhereAndKafkaLoadSetsTheLoad() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let example = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path
        let server = try await OperatorProcess(arguments: ["--cluster", example], logDirectory: directory)
        defer { server.process.stop() }
        var line: Substring?
        _ = await waitUntil {
            line = server.process.log.split(separator: "\n").first {
                $0.contains("simulated Kafka and Cruise Control")
            }
            return line != nil
        }
        let announced = try #require(line, "\(server.process.log)")
        #expect(
            announced.contains("broker_metrics=127.0.0.1:29020,127.0.0.1:29021,127.0.0.1:29022"),
            "\(announced)")
        let control = try #require(LocalKafkaWiringTests.value(of: "simulator_control", in: announced))

        let set = try await runOffPool(
            OperatorProcess.binary,
            ["kafka", "load", "--control", control, "--topic", "orders", "--bytes-in-per-second", "80MB"])
        #expect(set.status == 0, "\(set.stdout)\(set.stderr)")
        #expect(
            set.stdout.contains("Set topic orders to bytes in 80 MB/s, spread over 6 partitions."),
            "\(set.stdout)")
        #expect(set.stdout.contains("orders     6           80 MB/s"), "\(set.stdout)")

        let shown = try await runOffPool(
            OperatorProcess.binary, ["kafka", "load", "--control", control, "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(
            shown.stdout.contains(#"{"topic":"orders","partitions":6,"bytesInPerSecond":80000000"#),
            "\(shown.stdout)")

        let unknown = try await runOffPool(
            OperatorProcess.binary,
            ["kafka", "load", "--control", control, "--topic", "nope", "--bytes-in-per-second", "1MB"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("(404): topic nope does not exist"), "\(unknown.stderr)")

        // Once the brokers' pods are Ready, each serves its metrics on 29020 + id.
        var metrics = ""
        let served = await waitUntil(timeout: .seconds(30)) {
            guard let answer = try? await runOffPool("curl", ["-s", "-f", "http://127.0.0.1:29020/metrics"]),
                answer.status == 0
            else { return false }
            metrics = answer.stdout
            return metrics.contains("kafka_server_brokertopicmetrics_bytesin_total{topic=\"orders\"}")
        }
        #expect(served, "\(metrics)\n\(server.process.log)")
    }
}
