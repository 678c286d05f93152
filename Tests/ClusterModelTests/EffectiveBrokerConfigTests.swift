import ClusterModel
import JSON
import TestSupport
import Testing

@Suite struct EffectiveBrokerConfigTests {
    static func spec(group: BrokerConfig, own: BrokerConfig?) -> (KafkaClusterSpec, Broker) {
        var spec = KafkaClusterSpec(brokers: [Broker(id: 0, brokerConfigGroup: "g", brokerConfig: own)])
        spec.brokerConfigGroups = ["g": group]
        return (spec, spec.brokers[0])
    }

    @Test func theBrokerWinsTheGroupFillsIn() {
        var group = BrokerConfig(image: "group")
        group.kafkaHeapOpts = "-Xmx1G"
        group.processRoles = ["broker"]
        group.nodeSelector = ["zone": "a", "disk": "hdd"]
        group.brokerAnnotations = ["team": "data"]
        var own = BrokerConfig(image: "own")
        own.nodeSelector = ["disk": "ssd"]
        own.processRoles = ["controller"]
        let (spec, broker) = Self.spec(group: group, own: own)
        let config = spec.effectiveConfig(of: broker)
        #expect(config.image == "own")
        #expect(config.kafkaHeapOpts == "-Xmx1G")
        #expect(config.processRoles == ["controller"])
        #expect(config.nodeSelector == ["zone": "a", "disk": "ssd"])
        #expect(config.brokerAnnotations == ["team": "data"])
        #expect(spec.processRoles(of: broker) == ["controller"])
    }

    @Test func listsAppendAndAffinityMergesPerKind() {
        var group = BrokerConfig()
        group.tolerations = .array([.string("group")])
        group.affinity = .object([("nodeAffinity", .string("group")), ("podAntiAffinity", .string("group"))])
        var own = BrokerConfig()
        own.tolerations = .array([.string("own")])
        own.affinity = .object([("podAntiAffinity", .string("own"))])
        var (spec, broker) = Self.spec(group: group, own: own)
        spec.envs = [EnvironmentVariable(name: "A", value: "cluster")]
        let config = spec.effectiveConfig(of: broker)
        #expect(config.tolerations == .array([.string("own"), .string("group")]))
        #expect(config.affinity?["nodeAffinity"] == .string("group"))
        #expect(config.affinity?["podAntiAffinity"] == .string("own"))
        #expect(config.envs?.map(\.value) == ["cluster"])
    }

    @Test func theKRaftSampleReadsWithItsRolesAndMonitoring() throws {
        let text = String(
            decoding: try Fixtures.bytes("koperator-samples/kraft-simplekafkacluster_kraft.yaml"),
            as: UTF8.self)
        let document = try ClusterDocument(yaml: text)
        let spec = document.cluster.spec
        #expect(spec.usesKRaft)
        #expect(spec.monitoringConfig?.jmxImage == "ghcr.io/banzaicloud/jmx-javaagent:0.16.1")
        #expect(
            spec.brokers.map { spec.processRoles(of: $0) } == [
                ["broker"], ["broker"], ["broker"], ["controller", "broker"], ["controller"], ["controller"],
            ])
        #expect(spec.effectiveConfig(of: spec.brokers[0]).brokerAnnotations?["prometheus.io/port"] == "9020")
        // Written back, the document is unchanged.
        #expect(try ClusterDocument(value: document.value).value == document.value)
        #expect(document.value == document.original)
    }
}
