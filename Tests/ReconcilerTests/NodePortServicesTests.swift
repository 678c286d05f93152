import ClusterModel
import Foundation
import Kubernetes
import TestSupport
import Testing

@testable import Reconciler

/// The NodePort access method: a NodePort Service per broker with Koperator's name, and brokers
/// advertising `hostnameOverride`'s name or their `nodePortExternalIP`.
@Suite struct NodePortServicesTests {
    static func cluster(hostnameOverride: String? = ".kafka.example.com") throws -> KafkaCluster {
        var cluster = try ClusterFixtures.withExternalListener()
        cluster.spec.brokers = [0, 1, 2].map { Broker(id: $0, brokerConfigGroup: "default") }
        var listener = ExternalListener(
            name: "external", type: "plaintext", containerPort: 9094, externalStartingPort: 32000)
        listener.accessMethod = "NodePort"
        listener.hostnameOverride = hostnameOverride
        listener.serviceAnnotations = ["team": "data"]
        cluster.spec.listenersConfig?.externalListeners = [listener]
        return cluster
    }

    static func services(_ desired: DesiredState) -> [Kubernetes.Service] {
        desired.clusterObjects.compactMap { $0.as(Kubernetes.Service.self) }.filter {
            $0.spec?.type == "NodePort"
        }
    }

    @Test func eachBrokerGetsANodePortServiceOnItsPort() throws {
        let cluster = try Self.cluster()
        #expect(RenderRefusals.check(cluster).isEmpty, "\(RenderRefusals.check(cluster))")
        let desired = ClusterFixtures.render(cluster)
        let services = Self.services(desired)
        #expect(services.map(\.name) == ["kafka-0-external", "kafka-1-external", "kafka-2-external"])
        for (id, service) in services.enumerated() {
            #expect(service.spec?.selector == ["app": "kafka", "kafka_cr": "kafka", "brokerId": String(id)])
            #expect(
                service.spec?.ports?.map { [$0.name ?? "", String($0.port), String($0.nodePort ?? 0)] } == [
                    ["broker-\(id)", "9094", String(32000 + id)]
                ])
            #expect(service.metadata.annotations?["team"] == "data")
        }
        #expect(EnvoyComponentTests.envoyObjects(desired).0 == nil, "a NodePort listener has no Envoy")
        for broker in desired.brokers {
            let advertised = broker.serverProperties.properties["advertised.listeners"] ?? ""
            #expect(
                advertised.contains(
                    "EXTERNAL://kafka-\(broker.brokerID)-external.kafka.kafka.example.com:\(32000 + Int(broker.brokerID))"
                ),
                "\(advertised)")
        }
        let statuses = ExternalAccess.listenerStatuses(
            cluster.spec, hosts: [:], cluster: "kafka", namespace: "kafka")
        #expect(
            statuses?["external"]?.map(\.address)
                == (0..<3).map {
                    "kafka-\($0)-external.kafka.kafka.example.com:\(32000 + $0)"
                })
    }

    @Test func aBrokersExternalIPIsAdvertisedOnTheContainerPort() throws {
        var cluster = try Self.cluster(hostnameOverride: nil)
        for index in cluster.spec.brokers.indices {
            var config = cluster.spec.brokers[index].brokerConfig ?? BrokerConfig()
            config.nodePortExternalIP = ["external": "198.51.100.\(index + 10)"]
            cluster.spec.brokers[index].brokerConfig = config
        }
        #expect(RenderRefusals.check(cluster).isEmpty, "\(RenderRefusals.check(cluster))")
        let desired = ClusterFixtures.render(cluster)
        #expect(
            Self.services(desired).map { $0.spec?.externalIPs ?? [] }
                == (0..<3).map { ["198.51.100.\($0 + 10)"] })
        for broker in desired.brokers {
            let advertised = broker.serverProperties.properties["advertised.listeners"] ?? ""
            #expect(
                advertised.contains("EXTERNAL://198.51.100.\(Int(broker.brokerID) + 10):9094"),
                "\(advertised)")
        }
    }

    /// Without `hostnameOverride` or `nodePortExternalIP`, a broker advertises the address of
    /// the node its pod runs on, on the node port Kubernetes chose when `externalStartingPort`
    /// is 0 (Koperator's `getK8sAssignedNodeport` and `getK8sAssignedNodeAddress`); until both
    /// are known it advertises its in-cluster address there and the status says what it waits for.
    @Test func aBrokerAdvertisesItsNodesAddressOnTheNodePortKubernetesChose() throws {
        var cluster = try Self.cluster(hostnameOverride: nil)
        cluster.spec.listenersConfig?.externalListeners?[0].externalStartingPort = 0
        var typed = BrokerConfig()
        typed.nodePortNodeAddressType = "ExternalIP"
        cluster.spec.brokers[2].brokerConfig = typed
        #expect(RenderRefusals.check(cluster).isEmpty, "\(RenderRefusals.check(cluster))")
        let first = ClusterFixtures.render(cluster)
        #expect(Self.services(first).allSatisfy { $0.spec?.ports?.first?.nodePort == nil })
        for broker in first.brokers {
            let advertised = broker.serverProperties.properties["advertised.listeners"] ?? ""
            #expect(
                advertised.contains("EXTERNAL://kafka-\(broker.brokerID).kafka-headless.kafka.svc"),
                "\(advertised)")
        }

        // The API server assigned node ports; pods 0 and 2 run on node-a, pod 1 is not scheduled.
        var actual = ClusterFixtures.live(first)
        actual[Kubernetes.Service.self] = actual[Kubernetes.Service.self].map { service in
            var service = service
            guard service.spec?.type == "NodePort", let id = service.metadata.labels?["brokerId"] else {
                return service
            }
            service.spec?.ports?[0].nodePort = 31000 + Int32(id)!
            return service
        }
        actual[Pod.self] = actual[Pod.self].map { pod in
            var pod = pod
            if pod.metadata.labels?["brokerId"] != "1" { pod.spec?.nodeName = "node-a" }
            return pod
        }
        var assigned = NodePortAssignments(actual, cluster: "kafka", spec: cluster.spec)
        #expect(
            assigned.nodePorts == [
                "kafka-0-external": 31000, "kafka-1-external": 31001, "kafka-2-external": 31002,
            ])
        #expect(assigned.brokerNodes == [0: "node-a", 2: "node-a"])
        #expect(assigned.nodeNames(cluster.spec) == ["node-a"])
        assigned.nodeAddresses["node-a"] = ["InternalIP": "10.0.0.5", "Hostname": "node-a"]
        let desired = DesiredStateRenderer().render(cluster, uid: ClusterFixtures.uid, nodePorts: assigned)
        let advertised = desired.brokers.map { $0.serverProperties.properties["advertised.listeners"] ?? "" }
        #expect(advertised[0].contains("EXTERNAL://10.0.0.5:31000"), "\(advertised[0])")
        #expect(
            advertised[1].contains("EXTERNAL://kafka-1.kafka-headless.kafka.svc"),
            "not scheduled yet: \(advertised[1])")
        #expect(
            advertised[2].contains("EXTERNAL://kafka-2.kafka-headless.kafka.svc"),
            "node-a has no ExternalIP: \(advertised[2])")
        let configMaps = desired.brokers.map {
            $0.configMap.metadata.annotations?[NodePortAssignments.nodeAnnotation]
        }
        #expect(configMaps == ["node-a", nil, nil])
        #expect(
            ExternalAccess.nodePortPending(
                cluster.spec, cluster: "kafka", namespace: "kafka", assigned: assigned) == [
                    "external: broker 1 waits for its pod to be scheduled on a node",
                    "external: broker 2 waits for the ExternalIP address of node node-a",
                ])
        #expect(
            ExternalAccess.listenerStatuses(
                cluster.spec, hosts: [:], cluster: "kafka", namespace: "kafka", assigned: assigned)?[
                    "external"]
                == [ListenerStatus(name: "broker-0", address: "10.0.0.5:31000")])

        // A pod being replaced: the node its ConfigMap names is kept until a new pod is scheduled.
        var between = ClusterFixtures.live(desired)
        between[Pod.self] = []
        #expect(
            NodePortAssignments(between, cluster: "kafka", spec: cluster.spec).brokerNodes == [0: "node-a"])
    }

    @Test func anUnknownNodeAddressTypeIsRefused() throws {
        var cluster = try Self.cluster(hostnameOverride: nil)
        var typed = BrokerConfig()
        typed.nodePortNodeAddressType = "PublicIP"
        cluster.spec.brokers[1].brokerConfig = typed
        #expect(
            RenderRefusals.check(cluster).map(\.path) == [
                "spec.brokers[1].brokerConfig.nodePortNodeAddressType"
            ])
    }

    /// A node port the server assigned (a LoadBalancer Service's, or one left unchosen) is not a
    /// change: the Service is not updated for it, and an update keeps it.
    @Test func aServerAssignedNodePortIsNotDrift() throws {
        let desired = ClusterFixtures.render(try ClusterFixtures.withExternalListener())
        let balancer = try #require(EnvoyComponentTests.envoyObjects(desired).2)
        var live = balancer
        let assigned = (balancer.spec?.ports ?? []).enumerated().map { index, port in
            var port = port
            port.nodePort = Int32(30100 + index)
            return port
        }
        live.spec?.ports = assigned
        #expect(!live.drifted(from: balancer))
        #expect(balancer.keepingServerFields(of: live).spec?.ports == live.spec?.ports)
        var moved = live
        moved.spec?.ports?[0].port = 1
        #expect(moved.drifted(from: balancer))
    }
}

/// Against the local cluster: node ports the API server picks and the address of the node the
/// simulated kubelet runs the pods on (`local-node`, InternalIP 127.0.0.1) end up advertised,
/// once per broker, after which passes write nothing.
@Suite struct NodePortAddressTests {
    @Test func brokersAdvertiseTheirNodeAndTheNodePortsKubernetesChose() async throws {
        let api = try await ReconcilerCluster.start(brokers: [0, 1])
        do {
            try await Self.check(api)
        } catch {
            await api.stop()
            throw error
        }
        await api.stop()
    }

    static func check(_ api: ReconcilerCluster) async throws {
        try await api.modify {
            var listener = ExternalListener(
                name: "external", type: "plaintext", containerPort: 9094, externalStartingPort: 0)
            listener.accessMethod = "NodePort"
            $0.spec.listenersConfig?.externalListeners = [listener]
        }
        _ = try await api.reconcile()
        #expect(try await api.objects(.pods).count == 2, "brokers do not wait for their node")
        try await api.waitUntilSettled()
        for _ in 0..<6 {
            _ = try await api.reconcile()
            try await api.waitUntilSettled()
        }
        let services = try await api.objects(.services).filter { $0["spec"]?["type"]?.text == "NodePort" }
        var nodePorts: [String: Int] = [:]
        for service in services {
            guard let id = service["metadata"]?["labels"]?["brokerId"]?.text,
                case .array(let ports)? = service["spec"]?["ports"],
                case .number(let port)? = ports.first?["nodePort"]
            else { continue }
            nodePorts[id] = Int(port)
        }
        #expect(
            nodePorts.count == 2 && nodePorts.values.allSatisfy { (30000...32767).contains($0) },
            "\(nodePorts)")
        let status = try #require(try await api.document().cluster.status)
        #expect(status.pendingExternalAddresses == nil, "\(status.pendingExternalAddresses ?? [])")
        #expect(
            status.listenerStatuses?.externalListeners?["external"]
                == ["0", "1"].map {
                    ListenerStatus(name: "broker-\($0)", address: "127.0.0.1:\(nodePorts[$0] ?? 0)")
                })
        for configMap in try await api.objects(.configMaps) {
            guard let id = configMap["metadata"]?["labels"]?["brokerId"]?.text,
                let text = configMap["data"]?[ResourceConventions.brokerConfigKey]?.text
            else { continue }
            let advertised = BrokerProperties.parse(text)["advertised.listeners"] ?? ""
            #expect(advertised.contains("EXTERNAL://127.0.0.1:\(nodePorts[id] ?? 0)"), "\(advertised)")
            #expect(
                configMap["metadata"]?["annotations"]?[NodePortAssignments.nodeAnnotation]?.text
                    == "local-node")
        }
        let pods = try await api.objects(.pods)
        #expect(pods.count == 2)
        #expect(
            pods.allSatisfy {
                $0["metadata"]?["annotations"]?[ResourceConventions.configHashAnnotation] != nil
            })
        let again = try await api.reconcile()
        #expect(again.created + again.updated + again.deleted == 0, "\(again.steps)")
    }
}
