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

    @Test func withoutAnAddressOrANodePortTheListenerIsRefused() throws {
        let unaddressed = try Self.cluster(hostnameOverride: nil)
        #expect(
            RenderRefusals.check(unaddressed).map(\.path) == [
                "spec.listenersConfig.externalListeners[0].hostnameOverride"
            ])
        var chosenByKubernetes = try Self.cluster()
        chosenByKubernetes.spec.listenersConfig?.externalListeners?[0].externalStartingPort = 0
        #expect(
            RenderRefusals.check(chosenByKubernetes).map(\.path) == [
                "spec.listenersConfig.externalListeners[0].externalStartingPort"
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
