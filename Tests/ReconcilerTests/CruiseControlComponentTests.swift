import ClusterModel
import Foundation
import JSON
import Kubernetes
import TestSupport
import Testing

@testable import Reconciler

/// Cruise Control as the example cluster renders it: names, files, merged properties, the
/// capacity of a JBOD broker, the config hash that rolls the pod, and what the plan does when
/// the configuration changes or goes.
@Suite struct CruiseControlComponentTests {
    static func cluster() throws -> KafkaCluster { try ClusterFixtures.example(cruiseControl: true) }

    struct Rendered {
        let configMap: ConfigMap
        let jmxConfigMap: ConfigMap
        let service: Service
        let deployment: Deployment

        var files: [String: String] { configMap.data ?? [:] }
        var properties: [String: String] { BrokerProperties.parse(files["cruisecontrol.properties"]) }
        var podSpec: PodSpec? { deployment.spec?.template.spec }
        var container: Container? { podSpec?.containers.first }
        var configHash: String? {
            deployment.spec?.template.metadata?.annotations?[ResourceConventions.configHashAnnotation]
        }
        /// `capacity.json`'s entries by broker id.
        func capacity() throws -> [String: JSONValue] {
            let document = try JSONReader.parse(Array((files["capacity.json"] ?? "").utf8))
            guard case .array(let entries)? = document["brokerCapacities"] else { return [:] }
            return Dictionary(
                entries.map { ($0["brokerId"].flatMap(\.text) ?? "", $0["capacity"] ?? .null) },
                uniquingKeysWith: { first, _ in first })
        }
    }

    static func rendered(_ cluster: KafkaCluster) throws -> Rendered {
        let objects = ClusterFixtures.render(cluster).clusterObjects
        func object<T: ManagedObject>(_ type: T.Type, _ name: String) throws -> T {
            try #require(objects.compactMap { $0.as(T.self) }.first { $0.name == name })
        }
        return Rendered(
            configMap: try object(ConfigMap.self, "kafka-cruisecontrol-config"),
            jmxConfigMap: try object(ConfigMap.self, "kafka-cc-jmx-exporter"),
            service: try object(Service.self, "kafka-cruisecontrol-svc"),
            deployment: try object(Deployment.self, "kafka-cruisecontrol"))
    }

    static func cruiseControlObjects(_ desired: DesiredState) -> [String] {
        desired.clusterObjects.filter {
            $0.metadata.labels?["app"]?.hasPrefix("cruisecontrol") == true
        }.map { "\($0.resourceType.kind) \($0.name)" }
    }

    @Test func namesLabelsAndOwnershipAreKoperators() throws {
        let desired = ClusterFixtures.render(try Self.cluster())
        #expect(
            Self.cruiseControlObjects(desired) == [
                "ConfigMap kafka-cruisecontrol-config", "ConfigMap kafka-cc-jmx-exporter",
                "Service kafka-cruisecontrol-svc", "Deployment kafka-cruisecontrol",
            ])
        let rendered = try Self.rendered(try Self.cluster())
        let labels = ["app": "cruisecontrol", "kafka_cr": "kafka"]
        for meta in [rendered.configMap.metadata, rendered.service.metadata, rendered.deployment.metadata] {
            #expect(meta.labels == labels)
            #expect(meta.ownerReferences?.first?.uid == ClusterFixtures.uid)
            #expect(meta.annotations?[ResourceConventions.specHashAnnotation] != nil)
            #expect(meta.namespace == "kafka")
        }
        #expect(rendered.jmxConfigMap.metadata.labels == ["app": "cruisecontrol-jmx", "kafka_cr": "kafka"])
        #expect(rendered.jmxConfigMap.data == ["config.yaml": "lowercaseOutputName: true\n"])
        // No broker Service selects Cruise Control's pod, and Cruise Control's selects only it.
        #expect(rendered.service.spec?.selector == labels)
        #expect(desired.clusterServices.first?.spec?.selector?["app"] == "kafka")
        #expect(
            rendered.service.spec?.ports?.map { "\($0.name ?? ""):\($0.port)" } == [
                "cc:8090", "metrics:9020",
            ])
        #expect(ResourceConventions.cruiseControlServiceName(cluster: "kafka") == rendered.service.name)
    }

    @Test func theDeploymentIsKoperatorsWithTheConfigurationMounted() throws {
        let rendered = try Self.rendered(try Self.cluster())
        let spec = try #require(rendered.deployment.spec)
        #expect(spec.replicas == 1)
        #expect(spec.selector.matchLabels == ["app": "cruisecontrol", "kafka_cr": "kafka"])
        #expect(spec.template.metadata?.labels == spec.selector.matchLabels)
        #expect(spec.strategy?["type"] == .string("Recreate"))
        let container = try #require(rendered.container)
        #expect(container.image == "ghcr.io/banzaicloud/cruise-control:2.5.123")
        #expect(container.ports?.map(\.containerPort) == [8090, 9020])
        #expect(
            container.resources
                == .object([
                    ("requests", .object([("cpu", .string("200m")), ("memory", .string("768Mi"))])),
                    ("limits", .object([("cpu", .string("200m")), ("memory", .string("768Mi"))])),
                ]))
        let probe = try #require(container.readinessProbe)
        #expect(probe.tcpSocket?.port == .int(8090))
        #expect(
            [probe.initialDelaySeconds, probe.periodSeconds, probe.timeoutSeconds, probe.failureThreshold]
                == [5, 10, 1, 3])
        #expect(
            container.env?.first { $0.name == "KAFKA_OPTS" }?.value
                == "-javaagent:/opt/jmx-exporter/jmx_prometheus.jar=9020:/etc/jmx-exporter/config.yaml")
        let mounts = Dictionary(
            (container.volumeMounts ?? []).map { ($0.mountPath, $0.name) },
            uniquingKeysWith: { first, _ in first })
        let volumes = try #require(rendered.podSpec?.volumes)
        let configVolume = try #require(volumes.first { $0.name == mounts["/opt/cruise-control/config"] })
        #expect(configVolume.configMap?.name == "kafka-cruisecontrol-config")
        #expect(
            volumes.first { $0.name == mounts["/etc/jmx-exporter"] }?.configMap?.name
                == "kafka-cc-jmx-exporter")
        #expect(rendered.podSpec?.initContainers?.map(\.name) == ["jmx-exporter"])
        #expect(rendered.podSpec?.serviceAccountName == "default")
        #expect(rendered.podSpec?.terminationGracePeriodSeconds == 30)
    }

    @Test func theSpecsPodSettingsReachThePod() throws {
        var cluster = try Self.cluster()
        cluster.spec.cruiseControlConfig?.image = "cc:2"
        cluster.spec.cruiseControlConfig?.serviceAccountName = "cruise"
        cluster.spec.cruiseControlConfig?.nodeSelector = ["disk": "ssd"]
        cluster.spec.cruiseControlConfig?.tolerations = .array([
            .object([("key", .string("dedicated")), ("operator", .string("Exists"))])
        ])
        cluster.spec.cruiseControlConfig?.cruiseControlAnnotations = ["team": "data"]
        cluster.spec.cruiseControlConfig?.priorityClassName = "low"
        cluster.spec.cruiseControlConfig?.initContainers = .array([
            .object([("name", .string("wait")), ("image", .string("busybox"))])
        ])
        cluster.spec.cruiseControlConfig?.volumes = .array([
            .object([("name", .string("extra")), ("emptyDir", .object([]))])
        ])
        cluster.spec.cruiseControlConfig?.volumeMounts = .array([
            .object([("name", .string("extra")), ("mountPath", .string("/extra"))])
        ])
        let rendered = try Self.rendered(cluster)
        #expect(rendered.container?.image == "cc:2")
        #expect(rendered.podSpec?.serviceAccountName == "cruise")
        #expect(rendered.podSpec?.nodeSelector == ["disk": "ssd"])
        #expect(rendered.podSpec?.tolerations == cluster.spec.cruiseControlConfig?.tolerations)
        #expect(rendered.podSpec?.priorityClassName == "low")
        #expect(rendered.deployment.spec?.template.metadata?.annotations?["team"] == "data")
        #expect(rendered.podSpec?.initContainers?.map(\.name) == ["wait", "jmx-exporter"])
        #expect(rendered.podSpec?.volumes?.first?.name == "extra")
        #expect(rendered.container?.volumeMounts?.first?.mountPath == "/extra")
        #expect(RenderRefusals.check(cluster).isEmpty)
        cluster.spec.cruiseControlConfig?.volumes = .array([
            .object([("name", .string("nfs")), ("nfs", .object([("server", .string("x"))]))])
        ])
        #expect(
            RenderRefusals.check(cluster).map(\.path) == ["spec.cruiseControlConfig.volumes[0].nfs"],
            "a volume kind the pod types cannot carry is refused, not dropped")
    }

    /// The spec's properties over the defaults; the operator's keys over both.
    @Test func propertiesAreTheSpecsOverDefaultsWithTheOperatorsKeys() throws {
        var cluster = try Self.cluster()
        cluster.spec.cruiseControlConfig?.config = """
            num.metric.fetchers=4
            sample.store.topic.replication.factor=1
            bootstrap.servers=elsewhere:9092
            webserver.http.port=9999
            capacity.config.file=/tmp/mine.json
            anomaly.detection.interval.ms=60000
            """
        let properties = try Self.rendered(cluster).properties
        #expect(properties["num.metric.fetchers"] == "4")
        #expect(properties["sample.store.topic.replication.factor"] == "1")
        #expect(properties["anomaly.detection.interval.ms"] == "60000")
        #expect(properties["bootstrap.servers"] == "kafka-headless.kafka.svc.cluster.local:29092")
        #expect(properties["zookeeper.connect"] == "zookeeper-server-client.zookeeper:2181")
        #expect(properties["webserver.http.port"] == "8090")
        #expect(properties["capacity.config.file"] == "/opt/cruise-control/config/capacity.json")
        #expect(properties["cluster.configs.file"] == "/opt/cruise-control/config/clusterConfigs.json")
        #expect(properties["metric.reporter.topic"] == "__CruiseControlMetrics")
        #expect(
            properties["metric.sampler.class"]
                == "com.linkedin.kafka.cruisecontrol.monitor.sampling.CruiseControlMetricsReporterSampler")
        #expect(
            properties["sample.store.class"]
                == "com.linkedin.kafka.cruisecontrol.monitor.sampling.KafkaSampleStore")

        let defaults = try Self.rendered(try Self.cluster()).properties
        #expect(
            defaults["sample.store.topic.replication.factor"] == "3",
            "the metrics topic's, with three brokers")
        #expect(defaults["kafka.broker.failure.detection.enable"] == nil)
        let files = try Self.rendered(try Self.cluster()).files
        #expect(
            files.keys.sorted() == [
                "capacity.json", "clusterConfigs.json", "cruisecontrol.properties", "log4j.properties",
            ])
        #expect(files["clusterConfigs.json"] == "{}")
        #expect(files["log4j.properties"]?.contains("appender.stdout.type=Console") == true)
    }

    @Test func kraftAndAllBrokerClustersAreReachedTheirWay() throws {
        var cluster = try Self.cluster()
        cluster.spec.headlessServiceEnabled = false
        cluster.spec.kRaft = true
        for index in cluster.spec.brokers.indices {
            cluster.spec.brokers[index].brokerConfig = BrokerConfig()
            cluster.spec.brokers[index].brokerConfig?.processRoles = ["broker", "controller"]
        }
        let properties = try Self.rendered(cluster).properties
        #expect(properties["bootstrap.servers"] == "kafka-all-broker.kafka.svc.cluster.local:29092")
        #expect(properties["zookeeper.connect"] == nil)
        #expect(properties["kafka.broker.failure.detection.enable"] == "true")
        #expect(
            properties["topic.config.provider.class"]
                == "com.linkedin.kafka.cruisecontrol.config.KafkaAdminTopicConfigProvider")
    }

    /// Broker 2 of the example has two 100Gi disks and no resources of its own; brokers 0 and 1
    /// one 10Gi disk and a CPU request but no CPU limit.
    @Test func capacityIsGeneratedPerLogDirFromTheDisksCPUAndNetwork() throws {
        var cluster = try Self.cluster()
        cluster.spec.brokers[1].brokerConfig = BrokerConfig()
        cluster.spec.brokers[1].brokerConfig?.networkConfig = .object([
            ("incomingNetworkThroughPut", .string("250000")),
            ("outgoingNetworkThroughPut", .string("500000")),
        ])
        cluster.spec.brokers[1].brokerConfig?.resourceRequirements = .object([
            ("limits", .object([("cpu", .string("2250m"))]))
        ])
        let capacity = try Self.rendered(cluster).capacity()
        #expect(capacity.keys.sorted() == ["0", "1", "2"])
        #expect(
            capacity["2"]
                == .object([
                    (
                        "DISK",
                        .object([
                            ("/kafka-logs/kafka", .string("107374")),
                            ("/kafka-logs-2/kafka", .string("107374")),
                        ])
                    ),
                    ("CPU", .string("150")), ("NW_IN", .string("125000")), ("NW_OUT", .string("125000")),
                ]))
        #expect(capacity["0"]?["DISK"] == .object([("/kafka-logs/kafka", .string("10737"))]))
        #expect(capacity["0"]?["CPU"] == .string("50"), "the request when there is no limit")
        #expect(capacity["1"]?["CPU"] == .string("225"))
        #expect(capacity["1"]?["NW_IN"] == .string("250000"))
        #expect(capacity["1"]?["NW_OUT"] == .string("500000"))
    }

    /// A broker leaving through Cruise Control is still in the status: it keeps an entry (with
    /// Koperator's default capacity) until it is gone.
    @Test func aLeavingBrokerKeepsADefaultEntry() throws {
        var cluster = try Self.cluster()
        cluster.removeBrokerGracefully(1)
        let capacity = try Self.rendered(cluster).capacity()
        #expect(capacity.keys.sorted() == ["0", "1", "2"])
        #expect(capacity["1"]?["DISK"] == .object([("/kafka-logs/kafka", .string("10737"))]))
        #expect(capacity["1"]?["CPU"] == .string("100"))
    }

    @Test func aWrittenCapacityIsUsedAndCompletedForBrokersItDoesNotName() throws {
        var cluster = try Self.cluster()
        let universal = #"{"brokerCapacities":[{"brokerId":"-1","capacity":{"DISK":"50000","CPU":"100"}}]}"#
        cluster.spec.cruiseControlConfig?.capacityConfig = universal
        #expect(try Self.rendered(cluster).files["capacity.json"] == universal)

        cluster.spec.cruiseControlConfig?.capacityConfig =
            #"{"brokerCapacities":[{"brokerId":"2","capacity":{"DISK":{"/d":"1"},"CPU":"800","NW_IN":"1","NW_OUT":"1"}}]}"#
        let capacity = try Self.rendered(cluster).capacity()
        #expect(capacity.keys.sorted() == ["0", "1", "2"])
        #expect(capacity["2"]?["CPU"] == .string("800"), "the written entry, as written")
        #expect(capacity["0"]?["DISK"] == .object([("/kafka-logs/kafka", .string("10737"))]))
    }

    /// The pod's config hash follows the files Cruise Control reads at start, and nothing else.
    @Test func theConfigHashChangesOnlyWithTheConfiguration() throws {
        let base = try Self.cluster()
        let hash = try Self.rendered(base).configHash
        #expect(hash != nil)

        var unrelated = base
        unrelated.spec.clusterWideConfig = "background.threads=20\n"
        unrelated.spec.disruptionBudget?.budget = "2"
        #expect(try Self.rendered(unrelated).configHash == hash)
        #expect(try Self.rendered(unrelated).deployment == Self.rendered(base).deployment)

        for edit: (inout KafkaCluster) -> Void in [
            { $0.spec.cruiseControlConfig?.config = "num.metric.fetchers=2\n" },
            { $0.spec.cruiseControlConfig?.clusterConfig = #"{"min.insync.replicas": 2}"# },
            { $0.spec.cruiseControlConfig?.log4jConfig = "rootLogger.level=DEBUG\n" },
            {
                $0.spec.monitoringConfig = MonitoringConfig()
                $0.spec.monitoringConfig?.cCJMXExporterConfig = "rules: []\n"
            },
            { $0.spec.brokers.append(Broker(id: 3, brokerConfigGroup: "default")) },
        ] {
            var changed = base
            edit(&changed)
            #expect(try Self.rendered(changed).configHash != hash)
        }

        // Koperator's switch for a Cruise Control that reloads its capacity: a new broker then
        // changes capacity.json but not the pod.
        var dynamic = base
        dynamic.spec.cruiseControlConfig?.cruiseControlAnnotations = [
            "cruise-control.banzaicloud.com/broker-capacity-config": "dynamic"
        ]
        var grown = dynamic
        grown.spec.brokers.append(Broker(id: 3, brokerConfigGroup: "default"))
        #expect(
            try Self.rendered(grown).files["capacity.json"] != Self.rendered(dynamic).files["capacity.json"])
        #expect(try Self.rendered(grown).configHash == Self.rendered(dynamic).configHash)
    }

    @Test func nothingIsRenderedWithoutACruiseControlConfigOrWithAnEndpoint() throws {
        #expect(Self.cruiseControlObjects(ClusterFixtures.render(try ClusterFixtures.example())).isEmpty)
        var elsewhere = try Self.cluster()
        elsewhere.spec.cruiseControlConfig?.cruiseControlEndpoint = "cruise-control.tools:8090"
        #expect(Self.cruiseControlObjects(ClusterFixtures.render(elsewhere)).isEmpty)
        let address = ResourceConventions.cruiseControlAddress(
            cluster: "kafka", namespace: "kafka", spec: elsewhere.spec)
        #expect(address.host == "cruise-control.tools" && address.port == 8090)
        let own = ResourceConventions.cruiseControlAddress(
            cluster: "kafka", namespace: "kafka", spec: try Self.cluster().spec)
        #expect(own.host == "kafka-cruisecontrol-svc.kafka.svc.cluster.local" && own.port == 8090)
    }

    /// The brokers' reporter writes to the topic Cruise Control reads, at the cluster's bootstrap,
    /// shaped as the operator creates it; a reporter asked to create it keeps the user's shape.
    @Test func theBrokersReporterPointsAtTheMetricsTopic() throws {
        let cluster = try Self.cluster()
        let properties = try #require(ClusterFixtures.render(cluster).broker(0)?.serverProperties.properties)
        #expect(
            properties["cruise.control.metrics.reporter.bootstrap.servers"]
                == "kafka-headless.kafka.svc.cluster.local:29092")
        #expect(properties["cruise.control.metrics.topic"] == "__CruiseControlMetrics")
        #expect(properties["cruise.control.metrics.topic.num.partitions"] == "12")
        #expect(properties["cruise.control.metrics.topic.replication.factor"] == "3")

        var reporterCreates = cluster
        reporterCreates.spec.readOnlyConfig =
            (cluster.spec.readOnlyConfig ?? "")
            + "cruise.control.metrics.topic.auto.create=true\ncruise.control.metrics.topic.num.partitions=1\n"
        let own = try #require(ClusterFixtures.render(reporterCreates).broker(0)?.serverProperties.properties)
        #expect(own["cruise.control.metrics.topic.num.partitions"] == "1")
        #expect(own["cruise.control.metrics.topic.replication.factor"] == nil)
        #expect(
            CruiseControlMetricsTopic.decide(
                spec: reporterCreates.spec, recorded: nil, canCreate: true, brokersReady: true)
                == .keep(.ready))

        let without = try #require(
            ClusterFixtures.render(try ClusterFixtures.example()).broker(0)?.serverProperties.properties)
        #expect(without["cruise.control.metrics.topic"] == nil, "no Cruise Control, no topic settings")
    }

    /// (recorded status, Kafka client, brokers ready) → what the pass does about the topic.
    @Test func theTopicIsCreatedOnlyWhenItCanBe() throws {
        let spec = try Self.cluster().spec
        let topic = try #require(CruiseControlMetricsTopic.topic(for: spec))
        #expect(
            topic.name == "__CruiseControlMetrics" && topic.partitions == 12 && topic.replicationFactor == 3)
        let rows: [(CruiseControlTopicStatus?, Bool, Bool, CruiseControlMetricsTopic.Decision)] = [
            (nil, true, true, .create(topic)),
            (.notReady, true, true, .create(topic)),
            (.ready, true, true, .keep(.ready)),
            (nil, true, false, .keep(.notReady)),
            (nil, false, true, .keep(nil)),
            (.notReady, false, true, .keep(.notReady)),
        ]
        for (recorded, canCreate, ready, expected) in rows {
            #expect(
                CruiseControlMetricsTopic.decide(
                    spec: spec, recorded: recorded, canCreate: canCreate, brokersReady: ready) == expected)
        }
        #expect(
            CruiseControlMetricsTopic.decide(
                spec: try ClusterFixtures.example().spec, recorded: .ready, canCreate: true,
                brokersReady: true)
                == .none)
    }

    // MARK: - The plan

    @Test func aNewConfigurationUpdatesTheConfigMapAndRollsTheDeployment() throws {
        let before = try Self.cluster()
        let live = ClusterFixtures.live(ClusterFixtures.render(before))
        #expect(
            ReconcilePlan.make(desired: ClusterFixtures.render(before), actual: live, brokerStates: [:])
                .isEmpty)
        var after = before
        after.spec.cruiseControlConfig?.config = "num.metric.fetchers=2\n"
        let steps = ReconcilePlan.make(
            desired: ClusterFixtures.render(after), actual: live, brokerStates: [:])
        #expect(
            steps.map(\.description) == [
                "update ConfigMap kafka-cruisecontrol-config", "update Deployment kafka-cruisecontrol",
            ])
    }

    @Test func droppingTheConfigurationDeletesCruiseControl() throws {
        let before = try Self.cluster()
        let live = ClusterFixtures.live(ClusterFixtures.render(before))
        var after = before
        after.spec.cruiseControlConfig = nil
        let deleted = ReconcilePlan.make(
            desired: ClusterFixtures.render(after), actual: live, brokerStates: [:]
        )
        .compactMap { step -> String? in
            if case .delete(let target) = step, target.brokerID == nil { return target.description }
            return nil
        }
        #expect(
            deleted.sorted() == [
                "ConfigMap kafka-cc-jmx-exporter", "ConfigMap kafka-cruisecontrol-config",
                "Deployment kafka-cruisecontrol", "Service kafka-cruisecontrol-svc",
            ])
    }

    /// What the API server fills into a pod template is not drift; what the operator decides is.
    @Test func aHandEditedDeploymentIsPutBackButServerDefaultsAreNotDrift() throws {
        let desired = ClusterFixtures.render(try Self.cluster())
        var actual = ClusterFixtures.live(desired)
        var deployments = actual[Deployment.self]
        deployments[0].spec?.template.spec?.containers[0].imagePullPolicy = "IfNotPresent"
        deployments[0].spec?.template.spec?.restartPolicy = "Always"
        deployments[0].spec?.template.metadata?.annotations?["kubectl.kubernetes.io/restartedAt"] = "now"
        deployments[0].status = Deployment.Status()
        actual[Deployment.self] = deployments
        #expect(ReconcilePlan.make(desired: desired, actual: actual, brokerStates: [:]).isEmpty)

        for edit: (inout Deployment) -> Void in [
            { $0.spec?.replicas = 0 },
            { $0.spec?.template.spec?.containers[0].image = "cc:other" },
            { $0.spec?.template.metadata?.annotations?[ResourceConventions.configHashAnnotation] = "0" },
        ] {
            var edited = deployments
            edit(&edited[0])
            actual[Deployment.self] = edited
            let steps = ReconcilePlan.make(desired: desired, actual: actual, brokerStates: [:])
            #expect(steps.map(\.description) == ["update Deployment kafka-cruisecontrol"])
            if case .update(let object)? = steps.first {
                #expect(
                    object.as(Deployment.self)?.status == Deployment.Status(), "the status stays the server's"
                )
            }
        }
    }
}
