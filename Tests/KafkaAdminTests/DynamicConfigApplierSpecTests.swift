import ClusterModel
import Testing

@testable import KafkaAdmin

/// The applier driven by two KafkaCluster specs and ClusterModel's key classification.
@Suite struct DynamicConfigApplierSpecTests {
    static func spec(clusterWide: String? = nil, brokerConfig: String? = nil, readOnly: String? = nil)
        -> KafkaClusterSpec
    {
        var brokers = [
            Broker(id: 1, brokerConfigGroup: "default"), Broker(id: 2, brokerConfigGroup: "default"),
        ]
        var own = BrokerConfig()
        own.config = brokerConfig
        brokers[1].brokerConfig = own
        brokers[1].readOnlyConfig = readOnly
        var spec = KafkaClusterSpec(brokers: brokers)
        spec.brokerConfigGroups = ["default": BrokerConfig()]
        spec.clusterWideConfig = clusterWide
        return spec
    }

    @Test func appliesClusterWideAndPerBrokerKeysAndFindsRestarts() async throws {
        let kafka = InMemoryKafkaAdmin(brokers: [1, 2])
        let applier = DynamicConfigApplier(client: kafka, verifyAttempts: 1)
        let before = Self.spec()
        let after = Self.spec(
            clusterWide: "log.retention.hours=48\n",
            brokerConfig: "ssl.cipher.suites=TLS_AES_128_GCM_SHA256\nlog.dirs=/x",
            readOnly: "num.partitions=3")
        let outcome = try await applier.apply(previous: before, desired: after)
        #expect(await kafka.clusterDefaults == ["log.retention.hours": "48"])
        #expect(await kafka.perBroker[2] == ["ssl.cipher.suites": "TLS_AES_128_GCM_SHA256"])
        // log.dirs in the dynamic section is read-only, and broker 2's readOnlyConfig changed.
        #expect(outcome.brokersNeedingRestart == [2])
    }

    @Test func aPerBrokerOnlyKeyCannotBeClusterWide() async throws {
        let kafka = InMemoryKafkaAdmin(brokers: [1, 2])
        let applier = DynamicConfigApplier(client: kafka, verifyAttempts: 1)
        await #expect(throws: KafkaAdminError.self) {
            try await applier.apply(
                previous: Self.spec(), desired: Self.spec(clusterWide: "listeners=PLAINTEXT://:9092"))
        }
        #expect(await kafka.clusterDefaults == [:])
    }
}
