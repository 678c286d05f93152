import ClusterModel
import JSON
import Kubernetes
import Testing

@testable import Reconciler

/// The broker pod as Koperator renders it: defaults, scheduling, metadata, monitoring.
@Suite struct BrokerPodTests {
    static func pod(_ change: (inout KafkaCluster) -> Void = { _ in }) throws -> Pod {
        var cluster = try ClusterFixtures.withBrokers([0])
        change(&cluster)
        return try #require(ClusterFixtures.render(cluster).broker(0)?.pod)
    }

    static func kafka(_ pod: Pod) throws -> Container { try #require(pod.spec?.containers.first) }

    static func env(_ container: Container, _ name: String) -> String? {
        container.env?.first { $0.name == name }?.value
    }

    @Test func withoutResourcesABrokerGetsKoperatorsDefaultsAndHeap() throws {
        let container = try Self.kafka(
            try Self.pod { $0.spec.brokerConfigGroups?["default"]?.resourceRequirements = nil })
        #expect(container.resources?["requests"]?["cpu"] == .string("1"))
        #expect(container.resources?["requests"]?["memory"] == .string("2Gi"))
        #expect(container.resources?["limits"]?["cpu"] == .string("1500m"))
        #expect(container.resources?["limits"]?["memory"] == .string("3Gi"))
        #expect(Self.env(container, "KAFKA_HEAP_OPTS") == "-Xmx2G -Xms2G")
        let own = try Self.kafka(
            try Self.pod { $0.spec.brokerConfigGroups?["default"]?.kafkaHeapOpts = "-Xmx1G" })
        #expect(Self.env(own, "KAFKA_HEAP_OPTS") == "-Xmx1G")
        #expect(own.resources?["requests"]?["cpu"] == .string("500m"))
    }

    @Test func brokersSpreadOverNodesRequiredOnlyWithOneBrokerPerNode() throws {
        let preferred = try Self.pod { $0.spec.oneBrokerPerNode = false }.spec?.affinity?["podAntiAffinity"]
        let soft = preferred?["preferredDuringSchedulingIgnoredDuringExecution"]
        guard case .array(let softTerms) = soft else {
            Issue.record("no preferred term")
            return
        }
        #expect(softTerms.first?["weight"] == .number("100"))
        #expect(
            softTerms.first?["podAffinityTerm"]?["labelSelector"]?["matchLabels"]
                == .object([("app", .string("kafka")), ("kafka_cr", .string("kafka"))]))
        let required = try Self.pod { $0.spec.oneBrokerPerNode = true }.spec?.affinity?["podAntiAffinity"]
        #expect(required?["requiredDuringSchedulingIgnoredDuringExecution"] != nil)
        #expect(required?["preferredDuringSchedulingIgnoredDuringExecution"] == nil)
        let own: JSONValue = .object([("nodeAffinity", .object([("x", .bool(true))]))])
        let replaced = try Self.pod {
            $0.spec.oneBrokerPerNode = true
            $0.spec.brokerConfigGroups?["default"]?.affinity = own
        }
        #expect(replaced.spec?.affinity == own)
    }

    @Test func schedulingAndSecuritySettingsReachThePod() throws {
        let tolerations: JSONValue = .array([
            .object([("key", .string("dedicated")), ("operator", .string("Exists"))])
        ])
        let context: JSONValue = .object([("runAsUser", .number("1000"))])
        let pod = try Self.pod {
            $0.spec.brokerConfigGroups?["default"]?.tolerations = tolerations
            $0.spec.brokerConfigGroups?["default"]?.podSecurityContext = context
            $0.spec.brokerConfigGroups?["default"]?.securityContext = .object([("privileged", .bool(false))])
            $0.spec.brokerConfigGroups?["default"]?.priorityClassName = "kafka-high"
            $0.spec.brokerConfigGroups?["default"]?.serviceAccountName = "kafka"
            $0.spec.brokerConfigGroups?["default"]?.nodeSelector = ["zone": "a"]
            $0.spec.brokers[0].brokerConfig = BrokerConfig()
            $0.spec.brokers[0].brokerConfig?.nodeSelector = ["disk": "ssd"]
            $0.spec.brokers[0].brokerConfig?.terminationGracePeriodSeconds = 300
        }
        let spec = try #require(pod.spec)
        #expect(spec.tolerations == tolerations)
        #expect(spec.securityContext == context)
        #expect(spec.containers[0].securityContext == .object([("privileged", .bool(false))]))
        #expect(spec.priorityClassName == "kafka-high")
        #expect(spec.serviceAccountName == "kafka")
        #expect(spec.nodeSelector == ["zone": "a", "disk": "ssd"])
        #expect(spec.terminationGracePeriodSeconds == 300)
        let defaults = try #require(try Self.pod().spec)
        #expect(defaults.serviceAccountName == "default")
        #expect(defaults.terminationGracePeriodSeconds == 120)
        #expect(defaults.restartPolicy == "Never")
    }

    @Test func brokerAnnotationsAndLabelsNeverReplaceTheOperatorsOwn() throws {
        let pod = try Self.pod {
            $0.spec.brokerConfigGroups?["default"]?.brokerAnnotations = [
                "team": "data", "prometheus.io/port": "9999",
            ]
            $0.spec.brokerConfigGroups?["default"]?.brokerLabels = ["team": "data", "app": "other"]
        }
        #expect(pod.metadata.annotations?["team"] == "data")
        #expect(pod.metadata.annotations?["prometheus.io/port"] == "9999")
        #expect(pod.metadata.annotations?["prometheus.io/scrape"] == "true")
        #expect(pod.metadata.annotations?[ResourceConventions.configHashAnnotation] != nil)
        #expect(
            pod.metadata.labels == ["app": "kafka", "kafka_cr": "kafka", "brokerId": "0", "team": "data"])
    }

    @Test func theHeadlessSubdomainOnlyWithAHeadlessService() throws {
        let headless = try #require(try Self.pod { $0.spec.headlessServiceEnabled = true }.spec)
        #expect(headless.subdomain == "kafka-headless")
        #expect(headless.hostname == "kafka-0")
        let allBroker = try #require(try Self.pod { $0.spec.headlessServiceEnabled = false }.spec)
        #expect(allBroker.subdomain == nil)
        #expect(allBroker.hostname == nil)
    }

    @Test func envsPrependAppendAndReplaceInOrder() throws {
        let container = try Self.kafka(
            try Self.pod {
                $0.spec.envs = [EnvironmentVariable(name: "EXTRA", value: "b")]
                $0.spec.brokerConfigGroups?["default"]?.envs = [
                    EnvironmentVariable(name: "+EXTRA", value: "a"),
                    EnvironmentVariable(name: "KAFKA_OPTS+", value: " -Dx=1"),
                ]
                $0.spec.brokers[0].brokerConfig = BrokerConfig()
                $0.spec.brokers[0].brokerConfig?.envs = [EnvironmentVariable(name: "EXTRA+", value: "c")]
            })
        #expect(Self.env(container, "EXTRA") == "abc")
        #expect(Self.env(container, "KAFKA_OPTS")?.hasSuffix(" -Dx=1") == true)
        let names = container.env?.map(\.name) ?? []
        #expect(names == names.sorted())
    }

    @Test func everyBrokerRunsTheJMXExporterAndTheCruiseControlReporter() throws {
        var cluster = try ClusterFixtures.withBrokers([0])
        cluster.spec.monitoringConfig = MonitoringConfig(jmxImage: "jmx:1", pathToJar: "/agent.jar")
        let broker = try #require(ClusterFixtures.render(cluster).broker(0))
        let spec = try #require(broker.pod.spec)
        let container = try Self.kafka(broker.pod)
        #expect(
            Self.env(container, "KAFKA_OPTS")
                == "-javaagent:/opt/jmx-exporter/jmx_prometheus.jar=9020:/config/jmx-exporter.yaml")
        #expect(Self.env(container, "CLASSPATH") == "/opt/kafka/libs/extensions/*")
        #expect(container.ports?.contains { $0.containerPort == 9020 && $0.name == "metrics" } == true)
        #expect(broker.pod.metadata.annotations?["prometheus.io/port"] == "9020")
        #expect(spec.initContainers?.map(\.name) == ["cruise-control-reporter", "jmx-exporter"])
        let exporter = try #require(spec.initContainers?.last)
        #expect(exporter.image == "jmx:1")
        #expect(exporter.command == ["cp", "/agent.jar", "/opt/jmx-exporter/jmx_prometheus.jar"])
        #expect(spec.initContainers?.first?.image == cluster.spec.clusterImage)
        #expect(broker.configMap.data?["jmx-exporter.yaml"]?.contains("lowercaseOutputName: true") == true)
        let properties = broker.serverProperties.properties
        #expect(properties["metric.reporters"] == ServerProperties.cruiseControlReporter)
        #expect(
            properties["cruise.control.metrics.reporter.bootstrap.servers"]
                == "kafka-headless.kafka.svc.cluster.local:29092")
        cluster.spec.monitoringConfig?.kafkaJMXExporterConfig = "rules: []\n"
        #expect(
            ClusterFixtures.render(cluster).broker(0)?.configMap.data?["jmx-exporter.yaml"] == "rules: []\n")
    }

    @Test func aUsersMetricReporterIsKeptBesideCruiseControls() throws {
        var cluster = try ClusterFixtures.withBrokers([0])
        cluster.spec.readOnlyConfig = "metric.reporters=com.example.Reporter\n"
        let properties = try #require(ClusterFixtures.render(cluster).broker(0)?.serverProperties.properties)
        #expect(
            properties["metric.reporters"] == "com.example.Reporter,\(ServerProperties.cruiseControlReporter)"
        )
    }

    @Test func initContainersVolumesAndLog4jTheSpecAsksFor() throws {
        var cluster = try ClusterFixtures.withBrokers([0])
        cluster.spec.brokerConfigGroups?["default"]?.initContainers = .array([
            .object([
                ("name", .string("a-wait")), ("image", .string("busybox")),
                ("command", .array([.string("true")])),
            ])
        ])
        cluster.spec.brokerConfigGroups?["default"]?.log4jConfig = "log4j.rootLogger=INFO\n"
        let broker = try #require(ClusterFixtures.render(cluster).broker(0))
        #expect(
            broker.pod.spec?.initContainers?.map(\.name) == [
                "a-wait", "cruise-control-reporter", "jmx-exporter",
            ])
        #expect(broker.configMap.data?["log4j.properties"] == "log4j.rootLogger=INFO\n")
        #expect(
            Self.env(try Self.kafka(broker.pod), "KAFKA_LOG4J_OPTS")
                == "-Dlog4j.configuration=file:/config/log4j.properties")
    }

    @Test func addressesFollowTheServiceKindAndTheClusterDomain() throws {
        var cluster = try ClusterFixtures.withBrokers([0])
        cluster.spec.kubernetesClusterDomain = "example.org"
        cluster.spec.zkPath = "kafka"
        func properties() -> [String: String] {
            ClusterFixtures.render(cluster).broker(0)?.serverProperties.properties ?? [:]
        }
        #expect(
            properties()["advertised.listeners"]?.contains(
                "INTERNAL://kafka-0.kafka-headless.kafka.svc.example.org:29092") == true)
        #expect(properties()["zookeeper.connect"] == "zookeeper-server-client.zookeeper:2181/kafka")
        cluster.spec.headlessServiceEnabled = false
        #expect(
            properties()["advertised.listeners"]?.contains("INTERNAL://kafka-0.kafka.svc.example.org:29092")
                == true)
        #expect(
            properties()["cruise.control.metrics.reporter.bootstrap.servers"]
                == "kafka-all-broker.kafka.svc.example.org:29092")
        #expect(ClusterServiceKind(cluster.spec) == .allBroker)
        cluster.spec.headlessServiceEnabled = true
        #expect(ClusterServiceKind(cluster.spec).serviceName(cluster: "kafka") == "kafka-headless")
    }
}

@Suite struct KRaftRenderingTests {
    static func sample() throws -> DesiredState {
        ClusterFixtures.render(try KoperatorSamples.cluster("kraft-simplekafkacluster_kraft.yaml"))
    }

    @Test func nodesGetTheirRolesListenersAndTheQuorum() throws {
        let desired = try Self.sample()
        let voters = [3, 4, 5].map { "\($0)@kafka-\($0).kafka-headless.kafka.svc.cluster.local:29093" }
            .joined(separator: ",")
        for broker in desired.brokers {
            let properties = broker.serverProperties.properties
            #expect(properties["node.id"] == String(broker.brokerID))
            #expect(properties["broker.id"] == nil)
            #expect(properties["controller.quorum.voters"] == voters)
            #expect(properties["controller.listener.names"] == "CONTROLLER")
            #expect(properties["control.plane.listener.name"] == nil)
        }
        let broker = try #require(desired.broker(0)?.serverProperties.properties)
        #expect(broker["listeners"] == "INTERNAL://:29092")
        #expect(
            broker["advertised.listeners"]
                == "INTERNAL://kafka-0.kafka-headless.kafka.svc.cluster.local:29092")
        let combined = try #require(desired.broker(3)?.serverProperties.properties)
        #expect(combined["listeners"] == "INTERNAL://:29092,CONTROLLER://:29093")
        #expect(
            combined["advertised.listeners"]
                == "INTERNAL://kafka-3.kafka-headless.kafka.svc.cluster.local:29092")
        let controller = try #require(desired.broker(4)?.serverProperties.properties)
        #expect(controller["listeners"] == "CONTROLLER://:29093")
        #expect(controller["advertised.listeners"] == nil)
        // A controller-only node is probed on the listener it opens.
        #expect(desired.broker(4)?.pod.spec?.containers.first?.readinessProbe?.tcpSocket?.port == .int(29093))
    }

    @Test func everyNodeFormatsItsStorageWithOneStableClusterID() throws {
        let desired = try Self.sample()
        let ids = Set(
            desired.brokers.compactMap { broker in
                broker.pod.spec?.containers.first?.env?.first { $0.name == "CLUSTER_ID" }?.value
            })
        #expect(ids == [KRaftClusterID(uid: ClusterFixtures.uid).description])
        #expect(KRaftClusterID(uid: ClusterFixtures.uid).description == "bB8uGgAAQACAAAAAAAAAAQ")
        #expect(KRaftClusterID(uid: "not-a-uuid").description.count == 22)
        #expect(KRaftClusterID(uid: "a") != KRaftClusterID(uid: "b"))
        let command = try #require(desired.broker(0)?.pod.spec?.containers.first?.command)
        #expect(command.first == "bash")
        #expect(
            command.last?.contains("kafka-storage.sh format --ignore-formatted --cluster-id \"$CLUSTER_ID\"")
                == true)
        #expect(try Self.sample() == desired)
    }

    @Test func zooKeeperSettingsAreIgnoredInKRaftMode() throws {
        var cluster = try KoperatorSamples.cluster("kraft-simplekafkacluster_kraft.yaml")
        cluster.spec.zkAddresses = ["zk:2181"]
        cluster.spec.readOnlyConfig = (cluster.spec.readOnlyConfig ?? "") + "zookeeper.connect=zk:2181\n"
        for broker in ClusterFixtures.render(cluster).brokers {
            #expect(broker.serverProperties.properties["zookeeper.connect"] == nil)
        }
    }
}
