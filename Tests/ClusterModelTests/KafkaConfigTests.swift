import Testing

@testable import ClusterModel

@Suite struct KafkaConfigTests {
    static let modes: [(key: String, mode: DynamicConfigMode)] = [
        ("log.retention.hours", .clusterWide),
        ("num.io.threads", .clusterWide),
        ("min.insync.replicas", .clusterWide),
        ("advertised.listeners", .perBroker),
        ("ssl.keystore.location", .perBroker),
        ("listener.name.internal.ssl.keystore.location", .perBroker),
        ("listener.name.external.plain.sasl.jaas.config", .perBroker),
        ("listener.name.internal.num.io.threads", .perBroker),
        ("listener.name..ssl.keystore.location", .readOnly),
        ("listener.name.internal.broker.id", .readOnly),
        ("broker.id", .readOnly),
        ("log.dirs", .readOnly),
        ("zookeeper.connect", .readOnly),
        ("auto.create.topics.enable", .readOnly),
        ("made.up.key", .readOnly),
        ("", .readOnly),
    ]

    @Test(arguments: modes)
    func classifiesKeysByDynamicUpdateMode(_ row: (key: String, mode: DynamicConfigMode)) {
        #expect(KafkaConfigCatalog.mode(of: row.key) == row.mode)
    }

    static let properties: [(text: String, parsed: [String: String])] = [
        ("a=1\nb = 2\nc:3\nd 4", ["a": "1", "b": "2", "c": "3", "d": "4"]),
        ("# comment\n! also\n\n   \nx=1", ["x": "1"]),
        ("a=1\na=2", ["a": "2"]),
        ("long=first\\\n    second", ["long": "firstsecond"]),
        ("path=C:\\\\dir", ["path": "C:\\dir"]),
        ("k\\=ey=v=w", ["k=ey": "v=w"]),
        ("empty=", ["empty": ""]),
        ("crlf=1\r\nnext=2\r\n", ["crlf": "1", "next": "2"]),
        ("trailing=\\", ["trailing": ""]),
        ("=novalue", [:]),
    ]

    @Test(arguments: properties)
    func parsesServerProperties(_ row: (text: String, parsed: [String: String])) {
        #expect(BrokerProperties.parse(row.text) == row.parsed)
    }

    @Test func mergesConfigLevelsBrokerOverGroupOverCluster() {
        var spec = KafkaClusterSpec(brokers: [Broker(id: 0, brokerConfigGroup: "g")])
        spec.readOnlyConfig = "a=cluster\nb=cluster"
        spec.brokers[0].readOnlyConfig = "b=broker"
        var group = BrokerConfig()
        group.config = "x=group\ny=group"
        var own = BrokerConfig()
        own.config = "y=broker"
        spec.brokerConfigGroups = ["g": group]
        spec.brokers[0].brokerConfig = own
        #expect(spec.readOnlyProperties(of: spec.brokers[0]) == ["a": "cluster", "b": "broker"])
        #expect(spec.perBrokerProperties(of: spec.brokers[0]) == ["x": "group", "y": "broker"])
    }
}
