import Foundation
import TestSupport
import Testing

/// The whole loop with real peers: real Prometheus scrapes local mode's simulated brokers, the
/// shipped `KafkaBrokerBytesInHigh` rule fires on synthetic load, real Alertmanager posts it to
/// the operator, which adds broker 3 and runs `add_broker` through the simulated Cruise Control;
/// the moved leaders take their traffic with them, every broker's load falls below the
/// threshold, and the alert resolves. Each stage is read from the peer that owns it.
@Suite struct WholeLoopTests {
    static let alert = "KafkaBrokerBytesInHigh"
    /// The shipped rule's threshold, bytes in per second per broker.
    static let threshold = 50e6
    /// Spread evenly over every partition (the example's and Cruise Control's metrics topic's),
    /// so with leaders spread evenly three brokers take about 60 MB/s each, and four 45.
    static let load = 180e6

    @Test(.enabled(if: AlertingStack.isAvailable && Peer.available("python3")))
    func aLoadAlertAddsABrokerWhoseShareBringsEveryBrokerBelowTheThreshold() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let brokerBase = freeLoopbackPortBlock(count: 4)
        var metricsBase = freeLoopbackPortBlock(count: 4)
        while abs(Int(metricsBase) - Int(brokerBase)) < 4 { metricsBase = freeLoopbackPortBlock(count: 4) }
        let manifest = repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml").path
        let server = try await OperatorProcess(
            arguments: [
                "--alerts-token", "am-token", "--cluster", manifest,
                "--local-broker-base-port", "\(brokerBase)", "--local-broker-metrics-base-port",
                "\(metricsBase)",
            ],
            logDirectory: directory)
        defer { server.process.stop() }
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        let control = try #require(
            Self.logged("simulator_control", in: server.process.log), "\(server.process.log)")

        // Broker 3's metrics port is listed before it exists, as service discovery would find it.
        let stack = try await AlertingStack(
            rules: try Self.shippedRuleWithShortWindows(), webhookURL: server.baseURL + "/alerts",
            bearerToken: "am-token", repeatInterval: "2s",
            scrapeTargets: (0..<4).map { "127.0.0.1:\(Int(metricsBase) + $0)" },
            labels: ["kafka_cr": "kafka", "namespace": "kafka"])
        defer { stack.stop() }
        let log = { "\(server.process.log)\n\(stack.logs)" }

        // Below the threshold nothing fires.
        let quiet = await waitUntil(timeout: .seconds(30)) {
            await Self.brokerRates(stack).count == 3
        }
        #expect(quiet, "Prometheus never had three brokers' rates.\n\(log())")
        #expect(await Self.activeAlerts(stack) == [])

        try Self.setLoad(control: control, bytesInPerSecond: Self.load)

        // 1. Prometheus fires the rule and Alertmanager holds it.
        let firing = await waitUntil(timeout: .seconds(60), every: .milliseconds(200)) {
            await Self.activeAlerts(stack).contains("firing")
        }
        try #require(firing, "the rule did not fire.\n\(log())")
        let held = await waitUntil(timeout: .seconds(20), every: .milliseconds(200)) {
            await Self.alertmanagerAlerts(stack).contains(Self.alert)
        }
        #expect(held, "Alertmanager does not hold the alert.\n\(log())")

        // 2. The operator added broker 3, once: Alertmanager re-sends the same firing.
        let added = try await waitUntil(timeout: .seconds(60)) { try server.brokerIDs() == [0, 1, 2, 3] }
        try #require(added, "no broker was added.\n\(log())")

        // 3. add_broker ran to completion and the broker's graceful state says so.
        let completed = try await waitUntil(timeout: .seconds(90), every: .milliseconds(200)) {
            try Self.addBrokerStates(server) == ["Completed"]
                && Self.upscaleState(server, broker: 3) == "GracefulUpscaleSucceeded"
        }
        let states = try Self.addBrokerStates(server)
        let upscale = try Self.upscaleState(server, broker: 3)
        try #require(completed, "add_broker did not complete: \(states), \(upscale ?? "none").\n\(log())")

        // 4. Kafka's Metadata, through confluent-kafka, shows broker 3 holding and leading replicas.
        let metadata = try await Self.metadata(bootstrap: "127.0.0.1:\(brokerBase)")
        #expect(metadata.replicasOn(3) > 0, "\(metadata)")
        #expect(metadata.leadersOn(3) > 0, "\(metadata)")
        #expect(metadata.offline == 0, "\(metadata)")

        // 5. Prometheus sees broker 3 take traffic and every broker fall below the threshold.
        var rates: [String: Double] = [:]
        let spread = await waitUntil(timeout: .seconds(60), every: .milliseconds(500)) {
            rates = await Self.brokerRates(stack)
            return rates.count == 4 && rates.values.allSatisfy { $0 < Self.threshold }
                && (rates["127.0.0.1:\(Int(metricsBase) + 3)"] ?? 0) > 0
        }
        #expect(spread, "per-broker bytes in: \(rates).\n\(log())")

        // 6. The alert resolves in Prometheus and leaves Alertmanager.
        let resolved = await waitUntil(timeout: .seconds(60), every: .milliseconds(500)) {
            let held = await Self.alertmanagerAlerts(stack)
            return await Self.activeAlerts(stack) == [] && !held.contains(Self.alert)
        }
        #expect(resolved, "the alert did not resolve.\n\(log())")

        // One upscale for the whole firing.
        #expect(try server.brokerIDs() == [0, 1, 2, 3])
        #expect(try Self.addBrokerStates(server) == ["Completed"])
    }

    // MARK: - The rule

    /// `KafkaBrokerBytesInHigh` exactly as alerts/ ships it (expression, threshold, labels,
    /// annotations), with its rate window and `for:` shortened so a test sees it fire and resolve.
    static func shippedRuleWithShortWindows() throws -> String {
        let shipped = try String(
            contentsOf: repositoryRoot.appendingPathComponent("alerts/kafka-scaling.rules.yml"),
            encoding: .utf8)
        let lines = shipped.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasSuffix("- alert: \(alert)") }) else {
            throw WholeLoopError.ruleMissing
        }
        let end = lines[(start + 1)...].firstIndex { $0.contains("- alert:") || $0.contains("- name:") }
        let rule = lines[start..<(end ?? lines.endIndex)].joined(separator: "\n")
        let short =
            rule
            .replacingOccurrences(of: "[5m]", with: "[5s]")
            .replacingOccurrences(of: "for: 10m", with: "for: 2s")
        guard short != rule, short.contains("[5s]"), short.contains("for: 2s") else {
            throw WholeLoopError.ruleChanged(rule)
        }
        return "groups:\n  - name: whole-loop\n    rules:\n\(short)\n"
    }

    // MARK: - Reading the peers

    /// The states of the rule's alerts in Prometheus (`pending`, `firing`).
    static func activeAlerts(_ stack: AlertingStack) async -> [String] {
        guard let json = await getJSON(stack.prometheusURL + "/api/v1/alerts"),
            let alerts = (json["data"] as? [String: Any])?["alerts"] as? [[String: Any]]
        else { return ["unreadable"] }
        return alerts.filter { ($0["labels"] as? [String: Any])?["alertname"] as? String == alert }
            .compactMap { $0["state"] as? String }
    }

    /// The names of the alerts Alertmanager holds (resolved ones leave its API).
    static func alertmanagerAlerts(_ stack: AlertingStack) async -> [String] {
        guard
            let output = try? await runOffPool(
                "curl", ["-fsS", "--max-time", "5", stack.alertmanagerURL + "/api/v2/alerts"]),
            let alerts = try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]]
        else { return [] }
        return alerts.compactMap { ($0["labels"] as? [String: Any])?["alertname"] as? String }
    }

    /// Each broker's bytes in per second as the rule computes it, by scrape target.
    static func brokerRates(_ stack: AlertingStack) async -> [String: Double] {
        let query = #"rate(kafka_server_brokertopicmetrics_bytesin_total{topic=""}[5s])"#
        guard
            let output = try? await runOffPool(
                "curl",
                [
                    "-fsS", "--max-time", "5", "-G", stack.prometheusURL + "/api/v1/query",
                    "--data-urlencode", "query=\(query)",
                ]),
            let json = try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any],
            let results = (json["data"] as? [String: Any])?["result"] as? [[String: Any]]
        else { return [:] }
        var rates: [String: Double] = [:]
        for result in results {
            guard let instance = (result["metric"] as? [String: Any])?["instance"] as? String,
                let value = (result["value"] as? [Any])?.last as? String, let rate = Double(value)
            else { continue }
            rates[instance] = rate
        }
        return rates
    }

    static func getJSON(_ url: String) async -> [String: Any]? {
        guard let output = try? await runOffPool("curl", ["-fsS", "--max-time", "5", url]), output.status == 0
        else {
            return nil
        }
        return try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
    }

    /// The Cruise Control task states of the cluster's `add_broker` operations.
    static func addBrokerStates(_ server: OperatorProcess) throws -> [String] {
        try server.items("/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/cruisecontroloperations")
            .compactMap { $0["status"] as? [String: Any] }
            .compactMap { $0["currentTask"] as? [String: Any] }
            .filter { $0["operation"] as? String == "add_broker" }
            .map { $0["state"] as? String ?? "" }
    }

    /// A broker's `gracefulActionState.cruiseControlState` in the cluster's status.
    static func upscaleState(_ server: OperatorProcess, broker: Int) throws -> String? {
        let status = try server.kafkaCluster()["status"] as? [String: Any]
        let brokers = status?["brokersState"] as? [String: [String: Any]]
        let graceful = brokers?["\(broker)"]?["gracefulActionState"] as? [String: Any]
        return graceful?["cruiseControlState"] as? String
    }

    /// `key=value` from the operator's logfmt lines.
    static func logged(_ key: String, in log: String) -> String? {
        for line in log.split(separator: "\n") {
            guard let range = line.range(of: " \(key)=") else { continue }
            return String(line[range.upperBound...].prefix { $0 != " " })
        }
        return nil
    }

    /// Sets the cluster-wide synthetic bytes in through the simulator's control endpoint.
    static func setLoad(control: String, bytesInPerSecond: Double) throws {
        let output = try runProcess(
            "curl",
            [
                "-fsS", "--max-time", "10", "-X", "PUT", "-H", "Content-Type: application/json", "--data",
                #"{"bytesInPerSecond":\#(Int(bytesInPerSecond))}"#, control + "/simulator/load",
            ])
        guard output.status == 0 else { throw WholeLoopError.loadRefused(output.stderr) }
    }

    /// Partitions as Kafka's Metadata says, read with confluent-kafka.
    struct Metadata: CustomStringConvertible {
        /// Per partition: leader (-1 when offline) and replicas.
        var partitions: [(leader: Int, replicas: [Int])]
        func replicasOn(_ broker: Int) -> Int { partitions.filter { $0.replicas.contains(broker) }.count }
        func leadersOn(_ broker: Int) -> Int { partitions.filter { $0.leader == broker }.count }
        var offline: Int { partitions.filter { $0.leader < 0 }.count }
        var description: String { partitions.map { "\($0.leader):\($0.replicas)" }.joined(separator: " ") }
    }

    static func metadata(bootstrap: String) async throws -> Metadata {
        let script = """
            import json, sys
            from confluent_kafka.admin import AdminClient
            md = AdminClient({'bootstrap.servers': sys.argv[1]}).list_topics(timeout=10)
            print(json.dumps([[p.leader, list(p.replicas)] for t in md.topics.values() for p in t.partitions.values()]))
            """
        let output = try await runOffPool("python3", ["-c", script, bootstrap])
        guard output.status == 0,
            let rows = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[Any]]
        else { throw WholeLoopError.metadata(output.stderr) }
        return Metadata(
            partitions: rows.map { row in
                (row.first as? Int ?? -1, (row.last as? [Any])?.compactMap { $0 as? Int } ?? [])
            })
    }
}

enum WholeLoopError: Error, CustomStringConvertible {
    case ruleMissing
    case ruleChanged(String)
    case loadRefused(String)
    case metadata(String)

    var description: String {
        switch self {
        case .ruleMissing: "alerts/kafka-scaling.rules.yml has no \(WholeLoopTests.alert) rule"
        case .ruleChanged(let rule): "the shipped rule no longer has a 5m window and 10m for:\n\(rule)"
        case .loadRefused(let reason): "the simulator refused the load: \(reason)"
        case .metadata(let reason): "confluent-kafka could not read Metadata: \(reason)"
        }
    }
}
