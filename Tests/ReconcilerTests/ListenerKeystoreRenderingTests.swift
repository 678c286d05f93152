import ClusterModel
import Kubernetes
import Testing

@testable import Reconciler

/// Listeners with their own keystore (`serverSSLCertSecret`) and the client keystore
/// (`clientSSLCertSecret`), rendered from Koperator's own samples: JKS stores read from the
/// mounted Secrets, passwords through config providers and never in a ConfigMap, certificates
/// from the cluster CA only where a listener has none of its own.
@Suite struct ListenerKeystoreRenderingTests {
    static func broker0(_ sample: String) throws -> (properties: [String: String], pod: Pod, text: String) {
        let desired = ClusterFixtures.render(try KoperatorSamples.cluster(sample))
        let broker = try #require(desired.brokers.first)
        let text = try #require(broker.configMap.data?[ResourceConventions.brokerConfigKey])
        return (BrokerProperties.parse(text), broker.pod, text)
    }

    /// The kafka container's mounts of Secrets: mount path → Secret name.
    static func mountedSecrets(_ pod: Pod) throws -> [String: String] {
        let volumes = Dictionary(
            (pod.spec?.volumes ?? []).compactMap { volume in
                volume.secret.map { (volume.name, $0.secretName) }
            },
            uniquingKeysWith: { first, _ in first })
        let container = try #require(pod.spec?.containers.first)
        var mounted: [String: String] = [:]
        for mount in container.volumeMounts ?? [] {
            if let secret = volumes[mount.name] { mounted[mount.mountPath] = secret }
        }
        return mounted
    }

    @Test func hybridListenersReadTheirOwnKeystoreOrTheClusterCAs() throws {
        let (properties, pod, text) = try Self.broker0("kafkacluster_with_ssl_hybrid_customcert.yaml")
        for listener in ["external", "internal"] {
            let directory = "/var/run/secrets/kafka/listeners/\(listener)"
            let prefix = "listener.name.\(listener)."
            #expect(properties[prefix + "ssl.keystore.type"] == "JKS")
            #expect(properties[prefix + "ssl.keystore.location"] == "\(directory)/keystore.jks")
            #expect(properties[prefix + "ssl.truststore.location"] == "\(directory)/truststore.jks")
            #expect(properties[prefix + "ssl.keystore.password"] == "${directory:\(directory):password}")
            #expect(properties[prefix + "ssl.truststore.password"] == "${directory:\(directory):password}")
        }
        for listener in ["inner", "controller"] {
            #expect(properties["listener.name.\(listener).ssl.keystore.type"] == "PEM")
            #expect(
                properties["listener.name.\(listener).ssl.keystore.location"]
                    == "\(ResourceConventions.sslMountPath)/keystore.pem")
        }
        #expect(properties["config.providers"] == "directory")
        #expect(properties["config.providers.directory.class"] == KafkaConfigProviders.directoryClass)
        // The reporter reaches the inner listener, which the cluster CA serves.
        #expect(properties["cruise.control.metrics.reporter.ssl.keystore.type"] == "PEM")
        #expect(
            try Self.mountedSecrets(pod) == [
                "/var/run/secrets/kafka/listeners/external": "kafka-server",
                "/var/run/secrets/kafka/listeners/internal": "kafka-server",
                ResourceConventions.sslMountPath: "kafka-server-certificate",
            ])
        // Every password is a reference the broker resolves, not a value.
        let passwords = properties.filter { $0.key.hasSuffix(".password") }
        #expect(passwords.count == 4)
        #expect(passwords.values.allSatisfy { $0.hasPrefix("${directory:") }, "\(passwords)")
        #expect(text.contains("listener.name.external.ssl.keystore.password=${directory:"))
    }

    @Test func withoutTheClusterCAEveryStoreIsTheUsersAndTheReporterShowsTheClientKeystore() throws {
        let (properties, pod, _) = try Self.broker0("kafkacluster_with_ssl_groups_customcert.yaml")
        #expect(
            try Self.mountedSecrets(pod) == [
                "/var/run/secrets/kafka/listeners/inner": "kafka-server",
                "/var/run/secrets/kafka/listeners/controller": "kafka-server",
                ResourceConventions.clientKeystoreMountPath: "kafka-client",
            ])
        let reporter = "cruise.control.metrics.reporter."
        let client = ResourceConventions.clientKeystoreMountPath
        #expect(properties[reporter + "security.protocol"] == "SSL")
        #expect(properties[reporter + "ssl.keystore.type"] == "JKS")
        #expect(properties[reporter + "ssl.keystore.location"] == "\(client)/keystore.jks")
        #expect(properties[reporter + "ssl.keystore.password"] == "${directory:\(client):password}")
        #expect(!properties.values.contains { $0.contains(ResourceConventions.sslMountPath) })
    }

    @Test func cruiseControlShowsTheClientKeystoreWithItsPasswordFromTheEnvironment() throws {
        let cluster = try KoperatorSamples.cluster("kafkacluster_with_ssl_groups_customcert.yaml")
        let rendered = try CruiseControlComponentTests.rendered(cluster)
        let directory = ResourceConventions.cruiseControlClientKeystoreMountPath
        let variable = ResourceConventions.cruiseControlClientKeystorePasswordVariable
        #expect(rendered.properties["security.protocol"] == "SSL")
        #expect(rendered.properties["ssl.keystore.location"] == "\(directory)/keystore.jks")
        #expect(rendered.properties["ssl.truststore.location"] == "\(directory)/truststore.jks")
        #expect(rendered.properties["ssl.keystore.password"] == "${env:\(variable)}")
        let container = try #require(rendered.container)
        let password = try #require(container.env?.first { $0.name == variable })
        #expect(password.value == nil)
        #expect(password.valueFrom?["secretKeyRef"]?["name"] == .string("kafka-client"))
        #expect(password.valueFrom?["secretKeyRef"]?["key"] == .string("password"))
        let mount = try #require(container.volumeMounts?.first { $0.mountPath == directory })
        let volume = try #require(rendered.podSpec?.volumes?.first { $0.name == mount.name })
        #expect(volume.secret?.secretName == "kafka-client")
        // No certificate of the operator's is mounted: the spec has no cluster CA.
        #expect(
            container.volumeMounts?.contains { $0.mountPath == ResourceConventions.cruiseControlSSLMountPath }
                == false)
    }

    @Test func theUsersConfigProvidersAreKept() throws {
        var cluster = try KoperatorSamples.cluster("kafkacluster_with_external_ssl_customcert.yaml")
        cluster.spec.readOnlyConfig =
            (cluster.spec.readOnlyConfig ?? "")
            + "\nconfig.providers=env\nconfig.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider\n"
        let properties = ClusterFixtures.render(cluster).brokers[0].serverProperties.properties
        #expect(properties["config.providers"] == "env,directory")
        #expect(properties["config.providers.env.class"] != nil)
        #expect(properties["listener.name.external.ssl.keystore.type"] == "JKS")
        // Only the plaintext internal listener besides: no certificate from the cluster CA.
        #expect(properties["listener.name.plaintext.ssl.keystore.location"] == nil)
    }

    @Test func aListenerNameThatIsNoDNSLabelIsMountedByItsHash() {
        let plain = ResourceConventions.listenerKeystoreMount(listener: "External")
        #expect(plain.volume == "listener-external-ssl")
        #expect(plain.path == "/var/run/secrets/kafka/listeners/external")
        let odd = ResourceConventions.listenerKeystoreMount(listener: "ext/../../etc")
        #expect(!odd.path.dropFirst("/var/run/secrets/kafka/listeners/".count).contains("/"))
        #expect(!odd.path.contains(".."))
        #expect(odd.volume.count <= 63)
    }
}
