import Foundation
import JSON
import TestSupport
import Testing

/// Scaling a cluster with an external listener behind Envoy, in local mode: a new broker gets
/// its Envoy listener before its configuration advertises it; a broker being removed keeps its
/// listener until its graceful removal is done, then loses it; Envoy's Deployment changes once
/// per change; and the load balancer's address the local cluster gives is what the brokers
/// advertise.
@Suite(.serialized) struct EnvoyLocalScalingTests {
    static let envoyConfigMap = "/api/v1/namespaces/kafka/configmaps/envoy-config-external-kafka"
    static let envoyDeployment = "/apis/apps/v1/namespaces/kafka/deployments/envoy-external-kafka"

    /// The example with a plaintext external listener behind Envoy on ports from `base`.
    static func manifest(base: Int) throws -> String {
        let example = try String(contentsOfFile: ReconcileFlowTests.example, encoding: .utf8)
        return example.replacingOccurrences(
            of: "    # External listeners (externalListeners)",
            with: """
                    externalListeners:
                      - type: plaintext
                        name: external
                        containerPort: 9094
                        externalStartingPort: \(base)
                    # External listeners (externalListeners)
                """)
    }

    /// The per-broker listeners (`broker-<id>`) of the Envoy configuration the operator rendered.
    static func brokerListeners(_ server: OperatorProcess) throws -> Set<String> {
        let data = try server.api(envoyConfigMap)["data"] as? [String: String]
        let bootstrap = try JSONReader.parse(Array((data?["envoy.yaml"] ?? "{}").utf8))
        guard case .array(let listeners)? = bootstrap["static_resources"]?["listeners"] else { return [] }
        return Set(
            listeners.compactMap { listener -> String? in
                guard case .string(let name)? = listener["name"], name.hasPrefix("broker-") else {
                    return nil
                }
                return name
            })
    }

    static func generation(_ server: OperatorProcess) throws -> Int {
        (try server.api(envoyDeployment)["metadata"] as? [String: Any])?["generation"] as? Int ?? -1
    }

    static func resourceVersion(_ server: OperatorProcess, _ path: String) throws -> Int {
        Int((try server.api(path)["metadata"] as? [String: Any])?["resourceVersion"] as? String ?? "") ?? -1
    }

    static func brokerStates(_ server: OperatorProcess) throws -> [String: Any] {
        (try server.kafkaCluster()["status"] as? [String: Any])?["brokersState"] as? [String: Any] ?? [:]
    }

    @Test(.enabled(if: Peer.available("curl"), "needs curl"))
    func envoyGainsAndLosesEachBrokersListenerAtTheRightMomentAndRollsOncePerChange() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = Int(freeLoopbackPortBlock(count: 4))
        let manifest = directory.file("external.yaml")
        try Self.manifest(base: base).write(to: manifest, atomically: true, encoding: .utf8)
        let server = try await OperatorProcess(
            arguments: ["--cluster", manifest.path, "--cooldown", "0"], logDirectory: directory)
        defer { server.process.stop() }
        #expect(await server.waitUntilClusterRunning(timeout: .seconds(60)), "\(server.process.log)")

        // The load balancer's address, as the local cluster's cloud gives it, is what each
        // broker advertises on its external listener.
        let service = try server.api("/api/v1/namespaces/kafka/services/envoy-loadbalancer-external-kafka")
        let ingress =
            ((service["status"] as? [String: Any])?["loadBalancer"] as? [String: Any])?["ingress"]
            as? [[String: Any]]
        #expect(ingress?.first?["ip"] as? String == "127.0.0.1", "\(service)")
        let config0 = try server.api("/api/v1/namespaces/kafka/configmaps/kafka-config-0")
        let properties = (config0["data"] as? [String: String])?["broker-config"] ?? ""
        #expect(properties.contains("EXTERNAL://127.0.0.1:\(base)"), "\(properties)")

        #expect(try Self.brokerListeners(server) == ["broker-0", "broker-1", "broker-2"])
        let first = try Self.generation(server)

        // Upscale: broker 3's listener is written before the configuration that advertises it.
        let added = try server.curl("/alerts", ["--data-binary", ReconcileFlowTests.upScaleAlert])
        #expect(added.body.contains("added broker 3"), "\(added.body)")
        let joined = await waitUntil(timeout: .seconds(30)) {
            (try? server.api("/api/v1/namespaces/kafka/configmaps/kafka-config-3")) != nil
                && (try? Self.brokerListeners(server).contains("broker-3")) == true
        }
        #expect(joined, "\(server.process.log)")
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        #expect(
            try Self.resourceVersion(server, Self.envoyConfigMap)
                < Self.resourceVersion(server, "/api/v1/namespaces/kafka/configmaps/kafka-config-3"),
            "Envoy's listener for broker 3 exists before broker 3 advertises it")
        #expect(try Self.brokerListeners(server) == ["broker-0", "broker-1", "broker-2", "broker-3"])
        #expect(try Self.generation(server) == first + 1, "one Envoy rollout for the new broker")

        // Downscale broker 1: its listener stays while its removal runs (the broker's pod stays
        // until Cruise Control moved its replicas off), and goes in the pass that forgets it.
        // Each sample reads the listeners first and the pods after: a pod seen after a listener
        // went was there when it went, since a removed broker's pod does not come back.
        let removed = try server.curl(
            "/alerts", ["--data-binary", ReconcileFlowTests.downScaleAlert(brokerID: 1)])
        #expect(removed.body.contains(#""outcome":"accepted""#), "\(removed.body)")
        var samplesWithPod = 0
        var listenerGoneBeforePod = false
        let forgotten = await waitUntil(timeout: .seconds(60), every: .milliseconds(20)) {
            guard let listeners = try? Self.brokerListeners(server),
                let pods = try? ReconcileFlowTests.names(server, "pods", broker: 1),
                let states = try? Self.brokerStates(server)
            else { return false }
            if !pods.isEmpty {
                samplesWithPod += 1
                if !listeners.contains("broker-1") { listenerGoneBeforePod = true }
            }
            return states["1"] == nil
        }
        #expect(forgotten, "\(server.process.log)")
        #expect(samplesWithPod > 0, "the removal was seen in progress")
        #expect(!listenerGoneBeforePod, "broker 1 lost its Envoy listener while it still ran")
        let dropped = await waitUntil(timeout: .seconds(30)) {
            (try? Self.brokerListeners(server)) == ["broker-0", "broker-2", "broker-3"]
        }
        #expect(dropped, "\(String(describing: try? Self.brokerListeners(server)))")
        #expect(await server.waitUntilClusterRunning(), "\(server.process.log)")
        #expect(try Self.generation(server) == first + 2, "one Envoy rollout for the removal")
    }
}
