import ClusterModel
import Foundation
import JSON
import KafkaAdmin
import KafkaProtocol
import LocalKafka
import TestSupport
import Testing

@testable import Reconciler

/// Dynamic configuration end to end: the example KafkaCluster in a local cluster, its brokers
/// simulated on loopback (`GracefulHarness`), the reconciler reaching them with the production
/// admin client, and what Kafka then holds read back with that client and with confluent-kafka.
///
/// The example asks for `background.threads=10` and `log.retention.hours=168` cluster-wide and
/// `log.cleaner.threads=2` on broker 2.
@Suite(.serialized)
struct DynamicConfigTests {
    /// The cluster settled, then one pass with dynamic configuration on: the example's keys in
    /// place, the pod names as they were.
    static func applied(_ body: (GracefulHarness, CountingKafkaAdmin, [String]) async throws -> Void)
        async throws
    {
        try await GracefulHarness.run(cruiseControl: false) { harness in
            try await harness.settle()
            let pods = try await harness.api.names(.pods)
            let kafka = CountingKafkaAdmin(harness.kafka)
            try await harness.configuringPasses(kafka)
            try await body(harness, kafka, pods)
        }
    }

    @Test func clusterWideAndPerBrokerKeysAreSetLiveAndNoPodIsReplaced() async throws {
        try await Self.applied { harness, kafka, pods in
            let defaults = try await harness.kafka.describeClusterDefaultConfigs()
            #expect(Self.values(defaults) == ["background.threads": "10", "log.retention.hours": "168"])
            let broker2 = try await harness.kafka.describeConfigs(broker: 2)
            #expect(broker2.first { $0.name == "log.cleaner.threads" }?.source == .dynamicBroker)
            #expect(broker2.first { $0.name == "log.cleaner.threads" }?.value == "2")
            var status = try await harness.api.document().cluster.status
            #expect(status?.clusterWideConfigKeys == ["background.threads", "log.retention.hours"])
            #expect(status?.brokersState?["2"]?.dynamicConfigKeys == ["log.cleaner.threads"])
            #expect(status?.brokersState?["0"]?.dynamicConfigKeys == nil)
            for id in ["0", "1", "2"] {
                #expect(status?.brokersState?[id]?.perBrokerConfigurationState == .inSync, "broker \(id)")
            }
            #expect(status?.dynamicConfigErrors == nil)

            // A changed cluster-wide value and a new per-broker key.
            try await harness.api.modify {
                $0.spec.clusterWideConfig = "background.threads=10\nlog.retention.hours=72\n"
                $0.spec.brokers[0].brokerConfig = BrokerConfig()
                $0.spec.brokers[0].brokerConfig?.config = "log.cleaner.backoff.ms=30000\n"
            }
            try await harness.configuringPasses(kafka)
            try await harness.api.waitUntilSettled()
            #expect(try await harness.api.names(.pods) == pods, "a dynamic change restarts no broker")
            let seen = try await Self.confluentKafka(harness.brokers.bootstrap, brokers: [0, 1])
            #expect(Self.entry(seen, 0, "log.cleaner.backoff.ms") == ["30000", "DYNAMIC_BROKER_CONFIG"])
            #expect(Self.entry(seen, 0, "log.retention.hours") == ["72", "DYNAMIC_DEFAULT_BROKER_CONFIG"])
            #expect(Self.entry(seen, 1, "log.retention.hours") == ["72", "DYNAMIC_DEFAULT_BROKER_CONFIG"])
            #expect(Self.entry(seen, 1, "log.cleaner.backoff.ms") != ["30000", "DYNAMIC_BROKER_CONFIG"])
            let ours = try await harness.kafka.describeConfigs(broker: 0)
            #expect(Self.values(ours)["log.retention.hours"] == "72")
            #expect(Self.values(ours)["log.cleaner.backoff.ms"] == "30000")
            status = try await harness.api.document().cluster.status
            #expect(status?.brokersState?["0"]?.dynamicConfigKeys == ["log.cleaner.backoff.ms"])
            #expect(status?.brokersState?["0"]?.perBrokerConfigurationState == .inSync)

            // In sync: no write anywhere, one Metadata and one DescribeConfigs per resource
            // with keys (the default, brokers 0 and 2).
            kafka.reset()
            let quiet = try await harness.configuringPass(kafka)
            #expect(quiet.writes == 0)
            #expect(quiet.requeueAfter == nil)
            #expect(kafka.counts == ["metadata": 1, "describeClusterDefault": 1, "describeBroker": 2])
        }
    }

    @Test func aKeyTakenOutOfTheSpecIsDeletedAndOneSetBySomeoneElseStays() async throws {
        try await Self.applied { harness, kafka, pods in
            // Set by others, as Cruise Control sets its throttles and a person runs kafka-configs.
            try await harness.kafka.incrementalAlterConfigs(
                .broker(2), operations: [.set(key: "follower.replication.throttled.rate", value: "1000")])
            try await harness.kafka.incrementalAlterConfigs(
                .clusterDefault, operations: [.set(key: "log.cleaner.backoff.ms", value: "20000")])
            try await harness.api.modify {
                $0.spec.clusterWideConfig = "log.retention.hours=168\n"
                // Empty rather than nil: the document keeps a field its typed value leaves out.
                $0.spec.brokers[2].brokerConfig?.config = ""
            }
            try await harness.configuringPasses(kafka)
            let defaults = Self.values(try await harness.kafka.describeClusterDefaultConfigs())
            #expect(defaults == ["log.cleaner.backoff.ms": "20000", "log.retention.hours": "168"])
            let broker2 = try await harness.kafka.describeConfigs(broker: 2)
            #expect(broker2.first { $0.name == "log.cleaner.threads" }?.source != .dynamicBroker)
            #expect(Self.values(broker2)["follower.replication.throttled.rate"] == "1000")
            let status = try await harness.api.document().cluster.status
            #expect(status?.clusterWideConfigKeys == ["log.retention.hours"])
            #expect(status?.brokersState?["2"]?.dynamicConfigKeys == nil)
            #expect(status?.brokersState?["2"]?.perBrokerConfigurationState == .inSync)
            #expect(try await harness.api.names(.pods) == pods)
        }
    }

    @Test func aKeyKafkaRefusesIsAWarningAndAStatusErrorAndTheRestIsApplied() async throws {
        try await Self.applied { harness, kafka, pods in
            try await harness.api.modify {
                // A value Kafka does not parse, and a key it reads only at start-up.
                $0.spec.clusterWideConfig =
                    "num.io.threads=many\nlog.retention.hours=24\nauto.create.topics.enable=true\n"
                $0.spec.brokers[0].brokerConfig = BrokerConfig()
                $0.spec.brokers[0].brokerConfig?.config =
                    "log.cleaner.threads=two\nlog.cleaner.backoff.ms=20000\n"
            }
            let result = try await harness.configuringPasses(kafka)
            #expect(result.requeueAfter == nil, "a refusal is not retried on a timer")
            #expect(
                Self.values(try await harness.kafka.describeClusterDefaultConfigs())["log.retention.hours"]
                    == "24")
            let broker0 = Self.values(try await harness.kafka.describeConfigs(broker: 0))
            #expect(broker0["log.cleaner.backoff.ms"] == "20000")
            #expect(broker0["log.cleaner.threads"] != "two")
            let status = try await harness.api.document().cluster.status
            let errors = status?.dynamicConfigErrors ?? []
            #expect(errors.count == 3, "\(errors)")
            #expect(errors.contains { $0.hasPrefix("the cluster-wide default auto.create.topics.enable: ") })
            #expect(
                errors.contains {
                    $0.hasPrefix("the cluster-wide default num.io.threads: INVALID_REQUEST")
                        && $0.contains("Not a number of type INT")
                })
            #expect(errors.contains { $0.hasPrefix("broker 0 log.cleaner.threads: INVALID_REQUEST") })
            #expect(status?.brokersState?["0"]?.perBrokerConfigurationState == .error)
            #expect(status?.brokersState?["0"]?.dynamicConfigKeys == ["log.cleaner.backoff.ms"])
            #expect(status?.brokersState?["1"]?.perBrokerConfigurationState == .inSync)
            let warnings = try await harness.api.events().filter {
                $0["reason"]?.text == "DynamicConfigRefused"
            }
            // The first pass refused the cluster-wide keys while broker 0's ConfigMap changed;
            // the next added broker 0's key: one Warning per list of refusals.
            #expect(warnings.count == 2)
            #expect(warnings.allSatisfy { $0["type"]?.text == "Warning" })
            #expect(
                warnings.contains {
                    let message = $0["message"]?.text ?? ""
                    return message.contains("log.cleaner.threads") && message.contains("num.io.threads")
                        && message.contains("auto.create.topics.enable")
                })
            // The next pass over the same spec says nothing new and writes nothing.
            let again = try await harness.configuringPass(kafka)
            #expect(again.writes == 0)
            #expect(try await harness.api.eventReasons().filter { $0 == "DynamicConfigRefused" }.count == 2)
            try await harness.api.waitUntilSettled()
            #expect(try await harness.api.names(.pods) == pods, "nothing is restarted for a refused key")
        }
    }

    @Test func aReadOnlyChangeReplacesOnlyThatBrokersPod() async throws {
        try await Self.applied { harness, kafka, pods in
            let before = try await Self.podNames(harness)
            try await harness.api.modify {
                $0.spec.brokers[1].readOnlyConfig = "auto.leader.rebalance.enable=false\n"
            }
            try await harness.configuringPass(kafka)
            try await harness.api.waitUntilSettled()
            let after = try await Self.podNames(harness)
            #expect(after["1"] != before["1"], "the pod's hash covers the read-only keys")
            #expect(after["0"] == before["0"])
            #expect(after["2"] == before["2"])
            #expect(pods.count == after.count)
        }
    }

    @Test func kafkaOutOfReachIsRetriedAndTheKubernetesSideStillConverges() async throws {
        try await GracefulHarness.run(cruiseControl: false) { harness in
            try await harness.settle()
            let bootstrap = harness.brokers.bootstrap
            await harness.brokers.stopAll()
            let kafka = CountingKafkaAdmin(
                try KafkaProtocolAdminClient(
                    bootstrap: bootstrap,
                    options: KafkaAdminOptions(callTimeout: .milliseconds(500), attempts: 1)))
            try await harness.api.modify {
                $0.spec.brokers[1].readOnlyConfig = "auto.leader.rebalance.enable=false\n"
            }
            let result = try await harness.configuringPass(kafka)
            #expect(result.created > 0 && result.deleted > 0, "broker 1's pod is replaced regardless")
            #expect(result.requeueAfter != nil)
            let status = try await harness.api.document().cluster.status
            // Nothing known about Kafka this pass: nothing recorded as kept or refused.
            #expect(status?.clusterWideConfigKeys == nil)
            #expect(status?.dynamicConfigErrors == nil)
        }
    }

    /// A cluster none of whose brokers runs yet asks Kafka nothing: no one could answer, and
    /// the pods becoming Ready bring the next pass.
    @Test func noRequestBeforeABrokerIsReady() async throws {
        let cluster = try await ReconcilerCluster.start()
        let document = try await cluster.document().cluster
        await cluster.stop()
        let desired = DesiredStateRenderer().render(document, uid: "uid")
        var status = KafkaClusterStatus()
        status.brokersState = ["0": BrokerState(), "1": BrokerState(), "2": BrokerState()]
        // Port 9 (discard) has no Kafka: a request would fail and say so in `unreachable`.
        let kafka = try KafkaProtocolAdminClient(bootstrap: "127.0.0.1:9")
        let outcome = await DynamicConfigSync(kafka: kafka).run(
            spec: document.spec, desired: desired, status: status)
        #expect(outcome.requests == 0)
        #expect(outcome.unreachable == nil)
        #expect(!outcome.retry)
        #expect(outcome.brokers[2]?.state == .outOfSync, "broker 2 has a key to set")
        #expect(outcome.brokers[0]?.state == .inSync)
        #expect(outcome.clusterWideKeys == nil)
    }

    static func podNames(_ harness: GracefulHarness) async throws -> [String: String] {
        var names: [String: String] = [:]
        for pod in try await harness.api.objects(.pods) {
            guard let id = pod["metadata"]?["labels"]?["brokerId"]?.text,
                pod["metadata"]?["deletionTimestamp"] == nil
            else { continue }
            names[id] = pod["metadata"]?["name"]?.text
        }
        return names
    }

    static func values(_ entries: [ConfigEntry]) -> [String: String] {
        var values: [String: String] = [:]
        for entry in entries { values[entry.name] = entry.value ?? "" }
        return values
    }

    /// `[value, source]` of `key` on `broker` in confluent-kafka's answer.
    static func entry(_ seen: JSONValue, _ broker: Int32, _ key: String) -> [String]? {
        guard case .array(let pair)? = seen[String(broker)]?[key] else { return nil }
        return pair.map { $0.text ?? "null" }
    }

    /// Each broker's configuration as confluent-kafka's AdminClient describes it: key →
    /// [value, source].
    static func confluentKafka(_ bootstrap: String, brokers: [Int32]) async throws -> JSONValue {
        let script = """
            import json, sys
            from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource
            admin = AdminClient({'bootstrap.servers': sys.argv[1]})
            out = {}
            for broker in sys.argv[2:]:
                resource = ConfigResource('broker', broker)
                entries = admin.describe_configs([resource], request_timeout=10)[resource].result(timeout=10)
                out[broker] = {k: [v.value, ConfigSource(v.source).name] for k, v in entries.items()}
            print(json.dumps(out))
            """
        let output = try await runOffPool("python3", ["-c", script, bootstrap] + brokers.map(String.init))
        guard output.status == 0 else {
            Issue.record("confluent-kafka failed: \(output.stderr)")
            return .null
        }
        return try JSONReader.parse(Array(output.stdout.utf8))
    }
}

extension GracefulHarness {
    /// Passes until one asks for no requeue (the broker objects a spec change touched are
    /// converged before their dynamic keys are set), at most six.
    @discardableResult
    func configuringPasses(_ kafka: any KafkaAdminClient) async throws -> ReconcileResult {
        var result = try await configuringPass(kafka)
        for _ in 0..<5 where result.requeueAfter != nil {
            try await api.waitUntilSettled()
            result = try await configuringPass(kafka)
        }
        return result
    }

    /// One pass with dynamic configuration reaching Kafka through `kafka`, repeated at once
    /// while it asks for a prompt requeue (a conflict), as the reconcile loop does.
    @discardableResult
    func configuringPass(_ kafka: any KafkaAdminClient) async throws -> ReconcileResult {
        let reconciler = api.reconciler(
            .init(replicaCounts: replicaCounter(kafka: kafka), dynamicConfig: { _ in kafka }))
        var result = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
        for _ in 0..<5 where result.requeueAfter == .zero {
            result = try await reconciler.reconcile(namespace: api.namespace, name: api.name)
        }
        return result
    }
}

/// The production admin client, counting the calls made through it (each one request to
/// Kafka once connected).
final class CountingKafkaAdmin: KafkaAdminClient, @unchecked Sendable {
    private let client: any KafkaAdminClient
    private let lock = NSLock()
    private var tally: [String: Int] = [:]

    init(_ client: any KafkaAdminClient) { self.client = client }

    var counts: [String: Int] { lock.withLock { tally } }
    func reset() { lock.withLock { tally = [:] } }
    private func count(_ name: String) { lock.withLock { tally[name, default: 0] += 1 } }

    func metadata(topics: [String]?) async throws -> MetadataResponse {
        count("metadata")
        return try await client.metadata(topics: topics)
    }

    func describeCluster() async throws -> DescribeClusterResponse {
        count("describeCluster")
        return try await client.describeCluster()
    }

    func describeConfigs(broker: Int32) async throws -> [ConfigEntry] {
        count("describeBroker")
        return try await client.describeConfigs(broker: broker)
    }

    func describeClusterDefaultConfigs() async throws -> [ConfigEntry] {
        count("describeClusterDefault")
        return try await client.describeClusterDefaultConfigs()
    }

    func incrementalAlterConfigs(_ target: ConfigTarget, operations: [ConfigOperation]) async throws {
        count("incrementalAlterConfigs")
        try await client.incrementalAlterConfigs(target, operations: operations)
    }

    func createTopic(_ topic: CreateTopicsRequest.Topic) async throws -> CreateTopicOutcome {
        count("createTopic")
        return try await client.createTopic(topic)
    }

    func healthReport(expectedBrokers: [Int32]) async throws -> ClusterHealthReport {
        count("healthReport")
        return try await client.healthReport(expectedBrokers: expectedBrokers)
    }

    func logDirReplicaCounts(broker: Int32) async throws -> [String: Int] {
        count("logDirReplicaCounts")
        return try await client.logDirReplicaCounts(broker: broker)
    }

    func createAcls(_ bindings: [AclBinding]) async throws {
        count("createAcls")
        try await client.createAcls(bindings)
    }

    func describeAcls(_ filter: AclBindingFilter) async throws -> [AclBinding] {
        count("describeAcls")
        return try await client.describeAcls(filter)
    }

    func deleteAcls(_ filters: [AclBindingFilter]) async throws -> [AclBinding] {
        count("deleteAcls")
        return try await client.deleteAcls(filters)
    }
}
