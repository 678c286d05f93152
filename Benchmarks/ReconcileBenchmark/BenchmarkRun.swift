import ClusterModel
import JSON
import Kubernetes
import LocalCluster
import Logging
import Reconciler

#if canImport(Glibc)
    import Glibc
#endif
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One measured run: a fresh local cluster, a KafkaCluster of `brokers` brokers created in it,
/// reconciled from scratch until it converges and once more with nothing changed.
///
/// The reconciler talks to the cluster through our libcurl client over loopback HTTP, counted
/// by `CountingKubernetesAPI`. The benchmark's own reads (is every pod Ready yet, is the
/// cluster Running) go through the bare client and are neither counted nor timed.
struct BenchmarkRun {
    static let namespace = "kafka"
    static let clusterName = "kafka"
    /// Pods are scheduled, started and Ready as soon as the kubelet gets to them.
    static let fastKubelet = LocalClusterConfiguration.KubeletTiming(
        scheduleDelay: .zero, startDelay: .zero, readyDelay: .zero, bindDelay: .zero)
    static let maxPasses = 20

    let brokers: Int
    /// The manifest, as JSON, with `spec.brokers` replaced by brokers 0..<brokers.
    let manifest: JSONValue
    let persistent: Bool
    /// Whether the local cluster checks writes as the API server does.
    var validation = true
    let logger: Logger

    func run() async throws(BenchmarkError) -> RunFigures {
        let directory = persistent ? try Self.makeTemporaryDirectory() : nil
        defer { if let directory { try? FileManager.default.removeItem(atPath: directory) } }
        var configuration = LocalClusterConfiguration(dataDirectory: directory, kubelet: Self.fastKubelet)
        configuration.validation = validation
        let cluster = LocalCluster(configuration: configuration, logger: logger)
        do { try await cluster.start() } catch {
            throw .setupFailed(step: "starting the local cluster", reason: "\(error)")
        }
        do {
            let figures = try await measure(cluster)
            await cluster.stop()
            return figures
        } catch {
            await cluster.stop()
            throw error
        }
    }

    private func measure(_ cluster: LocalCluster) async throws(BenchmarkError) -> RunFigures {
        let client: KubernetesClient
        do {
            var configuration = KubernetesClientConfiguration(server: try cluster.baseURL)
            configuration.requestTimeout = .seconds(60)
            client = try KubernetesClient(configuration: configuration, logger: logger)
            try await create(
                #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(Self.namespace)"}}"#.utf8,
                at: ResourceType.namespaces.path(), client: client)
            try await create(
                manifest.encoded(), at: ResourceType.kafkaClusters.path(namespace: Self.namespace),
                client: client)
        } catch {
            throw .setupFailed(step: "creating the namespace and the KafkaCluster", reason: "\(error)")
        }

        let counting = CountingKubernetesAPI(client)
        let reconciler = ClusterReconciler(api: counting, logger: logger)
        var figures = RunFigures(brokers: brokers)
        var converged = false
        while !converged {
            guard figures.scratchPasses < Self.maxPasses else {
                throw .notConverged(brokers: brokers, passes: figures.scratchPasses)
            }
            figures.scratchPasses += 1
            let (result, counts, milliseconds, cpu) = try await pass(
                reconciler, counting, number: figures.scratchPasses)
            figures.scratchRequests += counts.requests
            for (method, count) in counts.byMethod where method != "GET" {
                figures.scratchWrites[method, default: 0] += count
            }
            figures.scratchMilliseconds += milliseconds
            figures.scratchCPUMilliseconds += cpu
            if result.requeueAfter == .zero { continue }  // a conflict: plan again at once
            let objectWrites = result.created + result.updated + result.deleted
            if objectWrites == 0, try await isRunning(client) {
                converged = true
            } else {
                figures.kubeletWaitMilliseconds += try await waitForReadyPods(client)
            }
        }

        let (result, counts, milliseconds, cpu) = try await pass(
            reconciler, counting, number: figures.scratchPasses + 1)
        figures.noOpCPUMilliseconds = cpu
        figures.noOpRequests = counts.requests
        figures.noOpWrites = counts.byMethod.filter { $0.key != "GET" }
        if result.writes > 0 && figures.noOpWrites.isEmpty {
            figures.noOpWrites["(reported)"] = result.writes
        }
        figures.noOpMilliseconds = milliseconds
        try await measurePhases(client, into: &figures)
        return figures
    }

    /// Times the two parts of a no-op pass that grow with brokers, each on its own.
    private func measurePhases(_ client: KubernetesClient, into figures: inout RunFigures)
        async throws(BenchmarkError)
    {
        let clock = ContinuousClock()
        do {
            let bytes = try await client.send(
                APIRequest(
                    method: "GET",
                    path: ResourceType.kafkaClusters.path(namespace: Self.namespace, name: Self.clusterName)))
            let cluster = try ClusterDocument(json: bytes).cluster
            let started = clock.now
            let desired = DesiredStateRenderer().render(cluster, uid: cluster.metadata.uid ?? "")
            figures.renderMilliseconds = (clock.now - started).milliseconds
            precondition(desired.brokers.count == brokers)

            let options = ListOptions(labelSelector: ResourceConventions.selector(cluster: Self.clusterName))
            let listed = clock.now
            _ = try await client.list(Pod.self, namespace: Self.namespace, options: options)
            _ = try await client.list(ConfigMap.self, namespace: Self.namespace, options: options)
            _ = try await client.list(PersistentVolumeClaim.self, namespace: Self.namespace, options: options)
            _ = try await client.list(Service.self, namespace: Self.namespace, options: options)
            figures.listMilliseconds = (clock.now - listed).milliseconds
        } catch {
            throw .setupFailed(step: "timing the parts of a no-op pass", reason: "\(error)")
        }
    }

    /// One pass: its result, its requests, its wall time and the process's CPU time during it
    /// (the reconciler, the client and the local cluster all run in this process), in ms.
    private func pass(_ reconciler: ClusterReconciler, _ counting: CountingKubernetesAPI, number: Int)
        async throws(BenchmarkError) -> (ReconcileResult, CountingKubernetesAPI.Counts, Double, Double)
    {
        counting.reset()
        let clock = ContinuousClock()
        let started = clock.now
        let cpuStarted = Self.cpuMilliseconds()
        let result: ReconcileResult
        do {
            result = try await reconciler.reconcile(namespace: Self.namespace, name: Self.clusterName)
        } catch {
            throw .reconcileFailed(brokers: brokers, pass: number, reason: error.description)
        }
        let elapsed = clock.now - started
        return (result, counting.reset(), elapsed.milliseconds, Self.cpuMilliseconds() - cpuStarted)
    }

    /// User and system CPU time of this process so far, in ms: on a machine shared with other
    /// work it moves far less than wall time does.
    static func cpuMilliseconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
            getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        func ms(_ time: timeval) -> Double { Double(time.tv_sec) * 1000 + Double(time.tv_usec) / 1000 }
        return ms(usage.ru_utime) + ms(usage.ru_stime)
    }

    private func create(_ body: some Sequence<UInt8>, at path: String, client: KubernetesClient)
        async throws(KubernetesError)
    {
        _ = try await client.send(
            APIRequest(method: "POST", path: path, body: Array(body), contentType: "application/json"))
    }

    private func isRunning(_ client: KubernetesClient) async throws(BenchmarkError) -> Bool {
        do {
            let bytes = try await client.send(
                APIRequest(
                    method: "GET",
                    path: ResourceType.kafkaClusters.path(namespace: Self.namespace, name: Self.clusterName)))
            let cluster = try JSONReader.parse(bytes)
            return cluster["status"]?["state"] == .string(ClusterState.running.rawValue)
        } catch {
            throw .setupFailed(step: "reading the KafkaCluster's status", reason: "\(error)")
        }
    }

    /// Polls until every broker's pod is Ready; returns how long that took.
    private func waitForReadyPods(_ client: KubernetesClient) async throws(BenchmarkError) -> Double {
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started + .seconds(120)
        let options = ListOptions(labelSelector: ResourceConventions.selector(cluster: Self.clusterName))
        while true {
            do {
                let pods = try await client.list(Pod.self, namespace: Self.namespace, options: options).items
                let live = pods.filter { $0.metadata.deletionTimestamp == nil }
                if live.count >= brokers && live.allSatisfy(\.isReady) { break }
            } catch {
                throw .setupFailed(step: "listing pods while waiting for them", reason: "\(error)")
            }
            guard clock.now < deadline else {
                throw .setupFailed(
                    step: "waiting for pods to become Ready", reason: "still not Ready after 120 s")
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return (clock.now - started).milliseconds
    }

    private static func makeTemporaryDirectory() throws(BenchmarkError) -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("reconcile-benchmark-\(UInt64.random(in: 0...UInt64.max))").path
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch
        {
            throw .setupFailed(step: "creating a temporary data directory", reason: "\(error)")
        }
        return path
    }
}
