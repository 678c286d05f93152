import ResourceQuantity
import Testing

@testable import ClusterModel

@Suite struct BrokerClaimNameTests {
    /// Names read from the right: a cluster name with dashes and digits of its own stays whole.
    static let parsed: [(name: String, cluster: String, broker: Int32, index: Int, suffix: String)] = [
        ("kafka-2-storage-0-1a2b3c4d", "kafka", 2, 0, "1a2b3c4d"),
        ("kafka-2-storage-0-x7k2p", "kafka", 2, 0, "x7k2p"),
        ("kafka-1-3-storage-12-ab", "kafka-1", 3, 12, "ab"),
        ("a-storage-0-storage-1-storage-2-ff", "a-storage-0-storage", 1, 2, "ff"),
        ("k-0-storage-0-a-b", "k", 0, 0, "a-b"),
    ]

    @Test(arguments: parsed)
    func readsTheOwnerAndTheDisk(
        _ row: (name: String, cluster: String, broker: Int32, index: Int, suffix: String)
    ) {
        let claim = BrokerClaimName(parsing: row.name)
        #expect(claim?.cluster == row.cluster && claim?.broker == row.broker, "\(row.name)")
        #expect(claim?.index == row.index && claim?.suffix == row.suffix, "\(row.name)")
        #expect(claim?.description == row.name)
    }

    @Test(arguments: [
        "", "postgres-data", "kafka-storage-0-ab", "-0-storage-0-ab", "kafka-x-storage-0-ab",
        "kafka-01-storage-0-ab",
        "kafka-+1-storage-0-ab", "kafka-1-storage-0-", "kafka-1-storage--ab", "kafka-1-storage-00-ab",
        "kafka-2147483648-storage-0-ab", "kafka-1-storage-99999999999999999999-ab", "kafka-１-storage-0-ab",
        "kafka-1-storage-0-" + String(repeating: "a", count: 240),
    ])
    func refusesOtherNames(_ name: String) {
        #expect(BrokerClaimName(parsing: name) == nil, "\(name)")
    }

    @Test func theOperatorsNameSaysWhichDisk() throws {
        let name = BrokerClaimName(cluster: "kafka", broker: 1, index: 0, mountPath: "/kafka-logs")
            .description
        #expect(name == "kafka-1-storage-0-\(StableHash("/kafka-logs").short)")
        let claim = try #require(BrokerClaimName(parsing: name))
        #expect(claim.names(mountPath: "/kafka-logs"))
        #expect(!claim.names(mountPath: "/kafka-logs-1"))
    }

    @Test(arguments: [
        (Int64(0), "0"), (1, "1"), (1023, "1023"), (1024, "1Ki"), (1536 << 20, "1536Mi"), (16 << 40, "16Ti"),
        (1 << 50, "1Pi"), (20_737_418_240, "20251385Ki"), (21_974_836_480, "21974836480"),
    ])
    func quantitiesOfWholeUnitsAreWrittenWithTheLargestExactSuffix(_ units: Int64, _ text: String) throws {
        #expect(Quantity.text(units: units) == text)
        #expect(try Quantity(parsing: text).value == units)
    }

    @Test(arguments: [
        "a", "prometheus.io/scrape", "kafka_broker_group", "A.b-c_d", "example.com/Name",
        "x/" + String(repeating: "n", count: 63),
    ])
    func acceptsAnnotationKeys(_ key: String) {
        #expect(PodAnnotations.isQualifiedName(key), "\(key)")
    }

    @Test func aBrokersOwnDiskAtAGroupDisksPathReplacesItInPlace() {
        var spec = KafkaClusterSpec(brokers: [
            Broker(
                id: 0, brokerConfigGroup: "default",
                brokerConfig: BrokerConfig(storageConfigs: [
                    StorageConfig(mountPath: "/extra"),
                    StorageConfig(
                        mountPath: "/kafka-logs", pvcSpec: PersistentVolumeClaimSpec(storage: "20Gi")),
                ]))
        ])
        spec.brokerConfigGroups = [
            "default": BrokerConfig(storageConfigs: [
                StorageConfig(mountPath: "/kafka-logs", pvcSpec: PersistentVolumeClaimSpec(storage: "10Gi")),
                StorageConfig(mountPath: "/more"),
            ])
        ]
        let disks = spec.effectiveStorage(of: spec.brokers[0])
        #expect(disks.map(\.mountPath) == ["/kafka-logs", "/more", "/extra"])
        #expect(disks.first?.pvcSpec?.storage == "20Gi")
        let cluster = KafkaCluster(metadata: ObjectMeta(name: "kafka"), spec: spec)
        #expect(ClusterValidator.problems(in: cluster).isEmpty)
    }
}
