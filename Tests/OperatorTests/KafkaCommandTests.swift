import Foundation
import TestSupport
import Testing

/// `kafka-operator kafka ...` against a real Kafka-protocol broker.
@Suite struct KafkaCommandTests {
    @Test func healthReportsAHealthyBroker() async throws {
        guard TansuBroker.isAvailable else { return }
        let broker = try await TansuBroker()
        defer { broker.stop() }
        let output = try runProcess(
            OperatorProcess.binary, ["kafka", "health", "--bootstrap", broker.bootstrap])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("healthy"))
        #expect(output.stdout.contains("controller: 111"))

        let json = try runProcess(
            OperatorProcess.binary, ["kafka", "health", "--bootstrap", broker.bootstrap, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["isHealthy"] as? Bool == true, "\(json.stdout)")
    }

    @Test func describeConfigsAnswersForTheBroker() async throws {
        guard TansuBroker.isAvailable else { return }
        let broker = try await TansuBroker()
        defer { broker.stop() }
        let output = try runProcess(
            OperatorProcess.binary,
            ["kafka", "describe-configs", "--bootstrap", broker.bootstrap, "--broker", "111"])
        #expect(output.status == 0, "\(output.stderr)")
    }

    @Test func anUnreachableClusterIsAClearFailure() throws {
        let port = freeLoopbackPort()
        let output = try runProcess(
            OperatorProcess.binary,
            ["kafka", "health", "--bootstrap", "127.0.0.1:\(port)", "--timeout", "1"])
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(!output.stderr.isEmpty)
    }

    /// A bootstrap list that does not parse means the cluster could not be asked: 2, never the
    /// 1 that says "unhealthy".
    @Test(arguments: ["a b:1", "broker", "broker:0", "broker:65536", "127.0.0.1:9092,", "[::1]", ":9092"])
    func anInvalidBootstrapExitsTwo(bootstrap: String) throws {
        for command in [["health"], ["describe-configs", "--cluster-default"]] {
            let output = try runProcess(
                OperatorProcess.binary, ["kafka"] + command + ["--bootstrap", bootstrap])
            #expect(output.status == 2, "\(command) \(bootstrap): \(output.stdout)\(output.stderr)")
            #expect(output.stderr.contains("is not a comma-separated list of host:port"), "\(output.stderr)")
            #expect(output.stdout.isEmpty)
        }
    }

    /// `--timeout` bounds the whole command, however many silent addresses and retries there are,
    /// and the error says how long it took.
    @Test func timeoutBoundsTheWholeCommandOverSilentAddresses() throws {
        var silent: [(fd: Int32, port: UInt16)] = []
        defer { for listener in silent { close(listener.fd) } }
        for _ in 0..<3 {
            // Listening but never accepting: connects succeed, requests are never answered.
            silent.append(try #require(boundLoopbackSocket(listeningWith: 8)))
        }
        let bootstrap = silent.map { "127.0.0.1:\($0.port)" }.joined(separator: ",")
        let start = ContinuousClock.now
        let output = try runProcess(
            OperatorProcess.binary, ["kafka", "health", "--bootstrap", bootstrap, "--timeout", "2"])
        let elapsed = start.duration(to: .now)
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(elapsed < .seconds(5), "took \(elapsed)")
        #expect(output.stderr.contains("within the 2.0 s deadline (gave up after 2."), "\(output.stderr)")
    }

    /// tansu describes no entries for a broker: a line says so instead of nothing.
    @Test(.enabled(if: TansuBroker.isAvailable)) func describeConfigsSaysSoWhenThereAreNoEntries()
        async throws
    {
        let broker = try await TansuBroker()
        defer { broker.stop() }
        for (arguments, line) in [
            (["--broker", "111"], "No config entries for broker 111.\n"),
            (["--cluster-default"], "No config entries for the cluster-wide default.\n"),
        ] {
            let output = try runProcess(
                OperatorProcess.binary,
                ["kafka", "describe-configs", "--bootstrap", broker.bootstrap] + arguments)
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout == line)
        }
    }

    /// `--topic` shows what the broker stored at creation, as confluent-kafka's AdminClient sees it.
    @Test(.enabled(if: TansuBroker.isAvailable && Peer.available("python3")))
    func describeConfigsOfATopicMatchesConfluentKafka() async throws {
        let broker = try await TansuBroker()
        defer { broker.stop() }
        let script = """
            import json, sys
            from confluent_kafka.admin import AdminClient, NewTopic, ConfigResource, ResourceType
            admin = AdminClient({'bootstrap.servers': sys.argv[1]})
            topic = NewTopic('ledger', 1, 1, config={'cleanup.policy': 'compact', 'retention.ms': '60000'})
            admin.create_topics([topic])['ledger'].result(timeout=10)
            [(_, future)] = admin.describe_configs([ConfigResource(ResourceType.TOPIC, 'ledger')]).items()
            print(json.dumps({k: v.value for k, v in future.result(timeout=10).items()}))
            """
        let theirs = try runProcess("python3", ["-c", script, broker.bootstrap])
        guard theirs.status == 0 else {
            #expect(!Peer.isCI, "confluent-kafka failed: \(theirs.stderr)")
            return
        }
        let seen = try JSONDecoder().decode([String: String?].self, from: Data(theirs.stdout.utf8))
        #expect(seen["retention.ms"] == "60000")
        let output = try runProcess(
            OperatorProcess.binary,
            ["kafka", "describe-configs", "--bootstrap", broker.bootstrap, "--topic", "ledger"])
        #expect(output.status == 0, "\(output.stderr)")
        var ours: [String: String?] = [:]
        for line in output.stdout.split(separator: "\n") {
            let pair = line.prefix { $0 != " " }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let value = String(pair[pair.index(after: equals)...])
            ours[String(pair[..<equals])] = value == "(null)" ? nil : value
        }
        #expect(ours == seen, "\(output.stdout)")

        // Kafka answers UNKNOWN_TOPIC_OR_PARTITION here (exit 2); tansu 0.6 answers no entries.
        let missing = try runProcess(
            OperatorProcess.binary,
            ["kafka", "describe-configs", "--bootstrap", broker.bootstrap, "--topic", "no-such-topic"])
        #expect(missing.stdout == "No config entries for topic no-such-topic.\n" || missing.status == 2)
    }

    @Test(arguments: [
        ["--broker", "1", "--topic", "t"], ["--cluster-default", "--topic", "t"], [], ["--topic", ""],
    ])
    func describeConfigsWantsExactlyOneSubject(arguments: [String]) throws {
        let output = try runProcess(
            OperatorProcess.binary, ["kafka", "describe-configs", "--bootstrap", "127.0.0.1:9"] + arguments)
        #expect(output.status == 64, "\(output.stdout)\(output.stderr)")
    }
}
