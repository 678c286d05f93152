import ClusterModel
import KafkaAdmin
import TestSupport
import Testing

@testable import Reconciler

/// The dynamic configuration pass against a real Kafka-protocol broker (tansu, node 111), with
/// the production client. tansu answers IncrementalAlterConfigs on BROKER resources with
/// success and keeps nothing (DescribeConfigs answers with no entries), so the honest outcome
/// is "not in sync, try again": nothing is recorded as kept, nothing as refused.
@Suite(.enabled(if: TansuBroker.isAvailable, "tansu is not installed"))
struct DynamicConfigTansuTests {
    @Test func aChangeTansuDoesNotKeepStaysOutOfSync() async throws {
        let broker = try await TansuBroker()
        defer { broker.stop() }
        let client = try KafkaProtocolAdminClient(bootstrap: broker.bootstrap)
        var config = BrokerConfig()
        config.config = "log.cleaner.threads=2\n"
        var spec = KafkaClusterSpec(brokers: [Broker(id: 111, brokerConfig: config)])
        spec.clusterWideConfig = "log.retention.ms=1234\n"
        let cluster = KafkaCluster(metadata: ObjectMeta(name: "kafka", namespace: "kafka"), spec: spec)
        let desired = DesiredStateRenderer().render(cluster, uid: "uid")
        var status = KafkaClusterStatus()
        var ready = BrokerState()
        ready.readiness = .ready
        ready.configurationState = .inSync
        status.brokersState = ["111": ready]

        let outcome = await DynamicConfigSync(kafka: client).run(spec: spec, desired: desired, status: status)
        #expect(outcome.unreachable == nil)
        #expect(outcome.errors.isEmpty)
        #expect(outcome.clusterWideKeys == [])
        #expect(outcome.brokers[111] == .init(state: .outOfSync, keys: []))
        #expect(outcome.retry)
        // Describe, alter, read back on the default; Metadata; the same on broker 111.
        #expect(outcome.requests == 7)
    }
}
