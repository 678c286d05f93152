import ClusterModel
import JSON
import Reconciler

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What rendering Envoy's configuration costs: for a cluster of `brokers` with one external
/// listener (the manifest's, else `external` on 9094 from 19090), the median time to render the
/// bootstrap and its size; the bootstrap is written to `directory` as `envoy-<brokers>.json`,
/// for `bench/envoy-proxy` to run Envoy with.
struct EnvoyRenderRun: Sendable {
    struct Figures: Sendable {
        let brokers: Int
        let renderMicroseconds: Double
        let bytes: Int
        let listeners: Int
    }

    let brokers: Int
    let manifest: JSONValue
    let repetitions: Int
    let directory: String

    func run() throws(BenchmarkError) -> Figures {
        var cluster: KafkaCluster
        do { cluster = try ClusterDocument(value: manifest).cluster } catch {
            throw .setupFailed(step: "reading the manifest", reason: "\(error)")
        }
        if ExternalAccess.envoyListeners(cluster.spec).isEmpty {
            var listeners = cluster.spec.listenersConfig ?? ListenersConfig()
            listeners.externalListeners = [
                ExternalListener(
                    name: "external", type: "plaintext", containerPort: 9094, externalStartingPort: 19090)
            ]
            cluster.spec.listenersConfig = listeners
        }
        guard let listener = ExternalAccess.envoyListeners(cluster.spec).first else {
            throw .setupFailed(
                step: "adding an external listener", reason: "the manifest's ingress is not envoy")
        }
        let ids = ExternalAccess.brokerIDs(cluster)
        let name = cluster.metadata.name
        let namespace = cluster.metadata.namespace ?? "default"
        var times: [Duration] = []
        var text = ""
        let clock = ContinuousClock()
        for _ in 0..<max(repetitions, 5) {
            let started = clock.now
            text =
                EnvoyBootstrap(
                    spec: cluster.spec, listener: listener, brokerIDs: ids, clusterName: name,
                    namespace: namespace
                ).text
            times.append(clock.now - started)
        }
        let path = "\(directory)/envoy-\(brokers).json"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw .setupFailed(step: "writing \(path)", reason: "the file could not be created")
        }
        let median = times.sorted()[times.count / 2]
        let (seconds, attoseconds) = median.components
        return Figures(
            brokers: brokers, renderMicroseconds: Double(seconds) * 1e6 + Double(attoseconds) / 1e12,
            bytes: text.utf8.count, listeners: ids.count + 2)
    }

    static func table(_ rows: [Figures]) -> String {
        var out = "brokers  listeners  render µs  bytes\n"
        for row in rows {
            out += String(
                format: "%7d  %9d  %9.0f  %d\n", row.brokers, row.listeners, row.renderMicroseconds, row.bytes
            )
        }
        return out
    }
}
