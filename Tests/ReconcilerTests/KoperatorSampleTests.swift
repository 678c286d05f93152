import ClusterModel
import Foundation
import Kubernetes
import TestSupport
import Testing

@testable import Reconciler

/// Every Koperator sample either renders brokers a real Kafka of its version would start with,
/// or is refused with the feature named: never rendered broken.
@Suite struct KoperatorSampleTests {
    /// The refusal paths each sample must get; a sample not listed must render cleanly.
    static let expectedRefusals: [String: [String]] = [
        "banzaicloud_v1beta1_kafkacluster.yaml": [
            "spec.listenersConfig.externalListeners[0].config", "spec.rackAwareness",
        ],
        "kafkacluster-with-istio.yaml": ["spec.listenersConfig.externalListeners[0]"],
        "kafkacluster_with_ssl_groups.yaml": ["spec.rackAwareness"],
        "kafkacluster_with_ssl_groups_customcert.yaml": ["spec.rackAwareness"],
        "kafkacluster_with_ssl_hybrid_customcert.yaml": ["spec.rackAwareness"],
        "simplekafkacluster-with-brokerbindings.yaml": ["spec.listenersConfig.externalListeners[0].config"],
        // Its nodePortExternalIP values are placeholders ("<public ip>").
        "simplekafkacluster-with-nodeport-external.yaml": [
            "spec.brokers[0].brokerConfig.nodePortExternalIP.external",
            "spec.brokers[1].brokerConfig.nodePortExternalIP.external",
            "spec.brokers[2].brokerConfig.nodePortExternalIP.external",
        ],
        "simplekafkacluster_ebs_csi.yaml": ["spec.rackAwareness"],
    ]

    @Test func theSamplesAreAllThere() {
        #expect(KoperatorSamples.names.count == 18)
        #expect(KoperatorSamples.names.contains("kraft-simplekafkacluster_kraft.yaml"))
        // The render check below must have samples to check, ZooKeeper and KRaft ones.
        let rendered = KoperatorSamples.names.filter { Self.expectedRefusals[$0] == nil }
        #expect(
            rendered == [
                "kafkacluster_with_external_ssl.yaml", "kafkacluster_with_external_ssl_customcert.yaml",
                "kafkacluster_without_ssl.yaml",
                "kafkacluster_without_ssl_groups.yaml", "kraft-simplekafkacluster_kraft.yaml",
                "simplekafkacluster.yaml", "simplekafkacluster_affinity.yaml", "simplekafkacluster_ssl.yaml",
                "simplekafkacluster_with_k8s_provided_nodeport.yaml", "simplekafkacluster_with_sasl.yaml",
            ])
    }

    @Test(arguments: KoperatorSamples.names)
    func eachSampleStartsOrIsRefusedByName(sample: String) throws {
        let cluster = try KoperatorSamples.cluster(sample)
        #expect(ClusterValidator.problems(in: cluster).isEmpty)
        let refusals = RenderRefusals.check(cluster)
        let expected = Self.expectedRefusals[sample] ?? []
        #expect(Set(refusals.map(\.path)) == Set(expected), "\(refusals)")
        // A sample refused for what is not about its listeners (rack awareness) still has its
        // listeners, SSL ones included, checked as they would render.
        guard
            !refusals.contains(where: { $0.path.contains("listenersConfig") || $0.path.contains("SSLCert") })
        else { return }

        let desired = ClusterFixtures.render(cluster)
        #expect(desired.brokers.count == cluster.spec.brokers.count)
        for broker in desired.brokers {
            let container = try #require(broker.pod.spec?.containers.first)
            let text = try #require(broker.configMap.data?[ResourceConventions.brokerConfigKey])
            let problems = ServerPropertiesCheck.problems(
                BrokerProperties.parse(text),
                disks: broker.volumes.compactMap {
                    $0.metadata.annotations?[ResourceConventions.mountPathAnnotation]
                },
                containerPorts: container.ports?.map(\.containerPort) ?? [],
                secretMounts: Self.secretMounts(broker.pod, container))
            #expect(problems.isEmpty, "broker \(broker.brokerID): \(problems)")
            // Every volume the kafka container mounts exists in the pod.
            let volumes = Set(broker.pod.spec?.volumes?.map(\.name) ?? [])
            for mount in container.volumeMounts ?? [] {
                #expect(volumes.contains(mount.name), "\(mount.name)")
            }
        }
    }

    /// Where `container` mounts the pod's Secret volumes.
    static func secretMounts(_ pod: Pod, _ container: Container) -> [String] {
        let secrets = Set((pod.spec?.volumes ?? []).filter { $0.secret != nil }.map(\.name))
        return (container.volumeMounts ?? []).filter { secrets.contains($0.name) }.map(\.mountPath)
    }

    @Test func theKRaftSampleRendersItsControllersAndBrokers() throws {
        let cluster = try KoperatorSamples.cluster("kraft-simplekafkacluster_kraft.yaml")
        let desired = ClusterFixtures.render(cluster)
        let roles = desired.brokers.map { $0.serverProperties.properties["process.roles"] }
        #expect(roles == ["broker", "broker", "broker", "broker,controller", "controller", "controller"])
        for broker in desired.brokers {
            #expect(broker.serverProperties.properties["zookeeper.connect"] == nil)
        }
    }
}

/// `kubernetes-validate --strict` over every object rendered for every sample.
@Suite(.enabled(if: Peer.available("kubernetes-validate"), "kubernetes-validate is not installed"))
struct KoperatorSampleValidationTests {
    @Test func everyObjectOfEverySampleValidatesStrictly() throws {
        let directory = try TemporaryDirectory(prefix: "samples")
        defer { directory.remove() }
        var files: [String] = []
        for sample in KoperatorSamples.names {
            let desired = ClusterFixtures.render(try KoperatorSamples.cluster(sample))
            let stem = sample.replacingOccurrences(of: ".yaml", with: "")
            files += try KubernetesValidationTests.write(desired.objects, prefix: stem, into: directory)
        }
        #expect(files.count > 200)
        let output = try runProcess("kubernetes-validate", ["--strict", "--no-warn", "-k", "1.31.0"] + files)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let validated = output.stdout.split(separator: "\n").filter { $0.hasPrefix("INFO") }
        #expect(validated.count == files.count, "\(output.stdout)")
    }
}
