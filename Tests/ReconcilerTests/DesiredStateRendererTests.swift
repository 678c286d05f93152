import ClusterModel
import Foundation
import Kubernetes
import Testing

@testable import Reconciler

@Suite struct DesiredStateRendererTests {
    @Test func namesFollowTheConventions() throws {
        let desired = ClusterFixtures.render(try ClusterFixtures.example())
        #expect(desired.brokers.map(\.brokerID) == [0, 1, 2])
        for broker in desired.brokers {
            let id = broker.brokerID
            #expect(broker.configMap.name == "kafka-config-\(id)")
            #expect(broker.service.name == "kafka-\(id)")
            #expect(broker.pod.name.hasPrefix("kafka-\(id)-"))
            #expect(broker.pod.name.count == "kafka-\(id)-".count + 8)
            for (index, claim) in broker.volumes.enumerated() {
                let mountPath = try #require(claim.metadata.annotations?["mountPath"])
                #expect(claim.name == "kafka-\(id)-storage-\(index)-\(StableHash(mountPath).short)")
            }
        }
        #expect(desired.broker(2)?.volumes.count == 2)
        #expect(desired.clusterServices.map(\.name) == ["kafka-headless"])
    }

    @Test func everyObjectIsLabelledOwnedAndHashed() throws {
        let desired = ClusterFixtures.render(try ClusterFixtures.example())
        for object in desired.objects {
            let meta = object.metadata
            #expect(meta.namespace == "kafka")
            #expect(meta.labels?["app"] == "kafka")
            #expect(meta.labels?["kafka_cr"] == "kafka")
            #expect(object.brokerID == nil || meta.labels?["brokerId"] == object.brokerID.map { String($0) })
            #expect(
                meta.ownerReferences == [
                    OwnerReference(
                        apiVersion: "kafka.banzaicloud.io/v1beta1", kind: "KafkaCluster", name: "kafka",
                        uid: ClusterFixtures.uid, controller: true, blockOwnerDeletion: true)
                ])
            #expect(object.specHash?.count == 16, "\(object.key)")
            #expect(object.isControlled(byUID: ClusterFixtures.uid))
        }
        let pod = try #require(desired.broker(1)?.pod)
        #expect(pod.metadata.labels == ["app": "kafka", "kafka_cr": "kafka", "brokerId": "1"])
    }

    @Test func renderingIsDeterministic() throws {
        let cluster = try ClusterFixtures.example()
        #expect(ClusterFixtures.render(cluster) == ClusterFixtures.render(cluster))
    }

    @Test func serverPropertiesCarryIDsListenersDisksAndZooKeeper() throws {
        let desired = ClusterFixtures.render(try ClusterFixtures.withExternalListener())
        let broker = try #require(desired.broker(2))
        let text = try #require(broker.configMap.data?["broker-config"])
        let parsed = BrokerProperties.parse(text)
        let host = "kafka-2.kafka-headless.kafka.svc.cluster.local"
        #expect(parsed["node.id"] == nil)
        let expected: [(String, String)] = [
            ("broker.id", "2"),
            ("listeners", "INTERNAL://:29092,CONTROLLER://:29093,EXTERNAL://:9094"),
            (
                "advertised.listeners",
                "CONTROLLER://\(host):29093,EXTERNAL://\(host):9094,INTERNAL://\(host):29092"
            ),
            ("listener.security.protocol.map", "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT"),
            ("inter.broker.listener.name", "INTERNAL"),
            ("control.plane.listener.name", "CONTROLLER"),
            ("log.dirs", "/kafka-logs/kafka,/kafka-logs-2/kafka"),
            ("zookeeper.connect", "zookeeper-server-client.zookeeper:2181"),
            ("auto.create.topics.enable", "false"),
            ("num.io.threads", "16"),
            ("log.cleaner.threads", "2"),
        ]
        for (key, value) in expected { #expect(parsed[key] == value, "\(key)") }
        let keys = text.split(separator: "\n").map { String($0.prefix { $0 != "=" }) }
        #expect(keys == keys.sorted())
        #expect(
            BrokerProperties.parse(desired.broker(0)?.serverProperties.text)["log.dirs"]
                == "/kafka-logs/kafka")
    }

    /// One row per level that sets `x`: the highest level present wins, and the operator's
    /// own keys beat every level.
    @Test(
        arguments: [
            (cluster: "x=0", brokerReadOnly: nil, group: nil, broker: nil, expected: "0"),
            (cluster: "x=0", brokerReadOnly: "x=1", group: nil, broker: nil, expected: "1"),
            (cluster: "x=0", brokerReadOnly: "x=1", group: "x=2", broker: nil, expected: "2"),
            (cluster: "x=0", brokerReadOnly: "x=1", group: "x=2", broker: "x=3", expected: "3"),
            (cluster: nil, brokerReadOnly: nil, group: "x=2", broker: nil, expected: "2"),
            (cluster: nil, brokerReadOnly: nil, group: nil, broker: nil, expected: nil),
        ] as [(cluster: String?, brokerReadOnly: String?, group: String?, broker: String?, expected: String?)]
    )
    func configurationMergesClusterThenBrokerThenGroupThenBrokerConfig(
        row: (cluster: String?, brokerReadOnly: String?, group: String?, broker: String?, expected: String?)
    ) throws {
        var cluster = try ClusterFixtures.withBrokers([0])
        cluster.spec.readOnlyConfig = (row.cluster ?? "") + "\nbroker.id=99\nlog.dirs=/elsewhere\n"
        cluster.spec.brokers[0].readOnlyConfig = row.brokerReadOnly
        cluster.spec.brokerConfigGroups?["default"]?.config = row.group
        cluster.spec.brokers[0].brokerConfig = BrokerConfig()
        cluster.spec.brokers[0].brokerConfig?.config = row.broker
        let properties = try #require(ClusterFixtures.render(cluster).broker(0)?.serverProperties)
        #expect(properties.properties["x"] == row.expected)
        #expect(properties.properties["broker.id"] == "0")
        #expect(properties.properties["log.dirs"] == "/kafka-logs/kafka")
    }

    @Test func aSpecWithoutListenersGetsKafkasDefaultListener() throws {
        var cluster = try ClusterFixtures.withBrokers([0])
        cluster.spec.listenersConfig = nil
        cluster.spec.zkAddresses = ["zk-0:2181", "zk-1:2181"]
        cluster.spec.zkPath = "/kafka"
        let broker = try #require(ClusterFixtures.render(cluster).broker(0))
        #expect(broker.serverProperties.properties["listeners"] == "INTERNAL://:9092")
        #expect(broker.serverProperties.properties["control.plane.listener.name"] == nil)
        #expect(broker.serverProperties.properties["zookeeper.connect"] == "zk-0:2181,zk-1:2181/kafka")
        #expect(broker.pod.spec?.containers.first?.readinessProbe?.tcpSocket?.port == .int(9092))
    }

    @Test(arguments: [
        "plain", "with space", " leading", "new\nline", "back\\slash", "tab\there", "#comment", "a=b:c", "",
    ])
    func hostileValuesRoundTripThroughTheFile(value: String) {
        let escapedKey = "odd\\ key\\=x"
        let properties = ServerProperties(properties: ["odd key=x": value, "plain": "1"])
        #expect(BrokerProperties.parse(properties.text) == properties.properties)
        #expect(properties.text.contains(escapedKey))
    }

    @Test func thePodMountsEveryDiskAndTheConfigAndProbesTheInternalListener() throws {
        let desired = ClusterFixtures.render(try ClusterFixtures.withExternalListener())
        let broker = try #require(desired.broker(2))
        let spec = try #require(broker.pod.spec)
        let container = try #require(spec.containers.first)
        #expect(container.image == "ghcr.io/banzaicloud/kafka:2.13-3.4.1")
        #expect(
            container.volumeMounts?.map(\.mountPath) == [
                "/kafka-logs", "/kafka-logs-2", "/config", "/opt/kafka/libs/extensions", "/opt/jmx-exporter",
            ])
        let claims = spec.volumes?.compactMap(\.persistentVolumeClaim?.claimName)
        #expect(claims == broker.volumes.map(\.name))
        #expect(spec.volumes?.compactMap(\.configMap?.name) == ["kafka-config-2"])
        #expect(container.ports?.map(\.containerPort) == [29092, 29093, 9094, 9020])
        #expect(
            container.ports?.map(\.name) == ["tcp-internal", "tcp-controller", "tcp-external", "metrics"])
        #expect(container.readinessProbe?.tcpSocket?.port == .int(29092))
        #expect(spec.hostname == "kafka-2")
        #expect(spec.subdomain == "kafka-headless")
        #expect(spec.nodeSelector == ["node.kubernetes.io/instance-type": "m5.2xlarge"])
        let zero = try #require(desired.broker(0)?.pod.spec?.containers.first)
        #expect(zero.resources?["requests"]?["cpu"] == .string("500m"))
        #expect(broker.service.spec?.selector == ["app": "kafka", "kafka_cr": "kafka", "brokerId": "2"])
        #expect(broker.service.spec?.ports?.map(\.port) == [29092, 29093, 9094, 9020])
    }

    @Test func imageComesFromBrokerThenGroupThenClusterThenDefault() throws {
        var cluster = try ClusterFixtures.withBrokers([0])
        cluster.spec.clusterImage = nil
        func image() -> String? {
            ClusterFixtures.render(cluster).broker(0)?.pod.spec?.containers.first?.image
        }
        #expect(image() == ResourceConventions.defaultImage)
        cluster.spec.clusterImage = "kafka:cluster"
        #expect(image() == "kafka:cluster")
        cluster.spec.brokerConfigGroups?["default"]?.image = "kafka:group"
        #expect(image() == "kafka:group")
        cluster.spec.brokers[0].brokerConfig = BrokerConfig(image: "kafka:broker")
        #expect(image() == "kafka:broker")
    }

    @Test func aChangedImageGivesTheBrokerANewPodNameAndNothingElse() throws {
        var cluster = try ClusterFixtures.example()
        let before = ClusterFixtures.render(cluster)
        cluster.spec.brokers[1].brokerConfig = BrokerConfig(image: "ghcr.io/banzaicloud/kafka:2.13-3.5.0")
        let after = ClusterFixtures.render(cluster)
        #expect(after.broker(1)?.pod.name != before.broker(1)?.pod.name)
        #expect(after.broker(1)?.configMap == before.broker(1)?.configMap)
        #expect(after.broker(0) == before.broker(0))
        #expect(after.broker(2) == before.broker(2))
    }

    @Test func anAddedDiskKeepsTheNamesOfExistingClaims() throws {
        var cluster = try ClusterFixtures.example()
        let before = ClusterFixtures.render(cluster)
        var config = BrokerConfig()
        config.storageConfigs = [
            StorageConfig(
                mountPath: "/kafka-logs-1",
                pvcSpec: PersistentVolumeClaimSpec(accessModes: ["ReadWriteOnce"], storage: "20Gi"))
        ]
        cluster.spec.brokers[0].brokerConfig = config
        let after = ClusterFixtures.render(cluster)
        let old = try #require(before.broker(0)?.volumes)
        let new = try #require(after.broker(0)?.volumes)
        #expect(new.count == old.count + 1)
        #expect(Array(new.prefix(old.count)) == old)
        #expect(new.last?.spec?.resources?.requests?["storage"] == "20Gi")
        #expect(after.broker(0)?.pod.name != before.broker(0)?.pod.name)
        #expect(
            after.broker(0)?.serverProperties.properties["log.dirs"]
                == "/kafka-logs/kafka,/kafka-logs-1/kafka")
    }

    @Test func withoutHeadlessServiceOneServiceFrontsAllBrokers() throws {
        var cluster = try ClusterFixtures.example()
        let headless = try #require(ClusterFixtures.render(cluster).clusterServices.first)
        #expect(headless.spec?.clusterIP == "None")
        #expect(headless.spec?.publishNotReadyAddresses == true)
        cluster.spec.headlessServiceEnabled = false
        let services = ClusterFixtures.render(cluster).clusterServices
        #expect(services.map(\.name) == ["kafka-all-broker"])
        #expect(services.first?.spec?.clusterIP == nil)
        #expect(services.first?.spec?.selector == ["app": "kafka", "kafka_cr": "kafka"])
    }

    @Test func longListenerNamesStillGiveValidDistinctPortNames() {
        let listeners = ["internal-replication-listener", "internal-replication-other", "UPPER_case", "--"]
            .map {
                BrokerListeners.Listener(name: $0, type: "plaintext", port: 1, external: false)
            }
        let names = BrokerListeners.portNames(listeners)
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(name.count <= 15 && !name.hasSuffix("-") && !name.contains("--"), "\(name)")
        }
    }
}

@Suite struct ExistingClaimTests {
    @Test func aDiskInsertedBeforeOthersKeepsTheirClaims() throws {
        var cluster = try ClusterFixtures.withBrokers([0])
        let before = ClusterFixtures.render(cluster)
        let original = try #require(before.broker(0)?.volumes.first)
        // A disk added to the group ahead of the existing one shifts its index.
        cluster.spec.brokerConfigGroups?["default"]?.storageConfigs?.insert(
            StorageConfig(mountPath: "/kafka-logs-0", pvcSpec: PersistentVolumeClaimSpec(storage: "1Gi")),
            at: 0)
        let shifted = ClusterFixtures.render(cluster).broker(0)?.volumes.map(\.name) ?? []
        #expect(!shifted.contains(original.name))
        let kept = DesiredStateRenderer().render(
            cluster, uid: ClusterFixtures.uid, existingClaims: [0: ["/kafka-logs": original.name]])
        let claims = try #require(kept.broker(0)?.volumes)
        #expect(claims.map(\.name).contains(original.name))
        #expect(claims.count == 2)
        let mounted = kept.broker(0)?.pod.spec?.volumes?.compactMap(\.persistentVolumeClaim?.claimName)
        #expect(mounted == claims.map(\.name))
        // Through the planner: one new claim, the old one untouched.
        let steps = ReconcilePlan.make(desired: kept, actual: ClusterFixtures.live(before), brokerStates: [:])
        let claimSteps = steps.filter {
            if case .create(let object) = $0 { return object.resourceType == .persistentVolumeClaims }
            if case .update(let object) = $0 { return object.resourceType == .persistentVolumeClaims }
            if case .delete(let target) = $0 { return target.type == .persistentVolumeClaims }
            return false
        }
        #expect(claimSteps.count == 1)
        #expect(
            claimSteps.first?.description.hasPrefix("create PersistentVolumeClaim kafka-0-storage-0-") == true
        )
    }
}
