import ClusterModel
import JSON
import Kubernetes
import LocalCluster
import Logging
import Reconciler

/// Many clusters in one local cluster, reconciled as `serve` reconciles them: the reconcile
/// loop with its bounded concurrency, from scratch until every cluster is Running, then one
/// pass over every cluster with nothing changed. Requests are counted per cluster, so a row
/// of many clusters compares with a row of one: linear cost means equal requests per cluster,
/// and concurrency means a total time below clusters × one cluster's.
struct ManyClustersRun {
    let clusters: Int
    let brokers: Int
    let manifest: ClusterManifest
    let concurrency: Int
    let logger: Logger

    struct Figures {
        var clusters = 0
        var brokers = 0
        var scratchMilliseconds = 0.0
        var scratchRequests = 0
        var noOpMilliseconds = 0.0
        var noOpRequests = 0
        var noOpWrites = 0
    }

    func run() async throws(BenchmarkError) -> Figures {
        let cluster = LocalCluster(
            configuration: LocalClusterConfiguration(kubelet: BenchmarkRun.fastKubelet), logger: logger)
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

    private func measure(_ cluster: LocalCluster) async throws(BenchmarkError) -> Figures {
        let namespace = BenchmarkRun.namespace
        let names = (0..<clusters).map { "kafka-\($0)" }
        let client: KubernetesClient
        do {
            var configuration = KubernetesClientConfiguration(server: try cluster.baseURL)
            configuration.requestTimeout = .seconds(60)
            client = try KubernetesClient(configuration: configuration, logger: logger)
            try await client.createNamespaceUnlessPresent(namespace)
            for name in names {
                _ = try await client.send(
                    APIRequest(
                        method: "POST", path: ResourceType.kafkaClusters.path(namespace: namespace),
                        body: Array(manifest.withBrokers(brokers, name: name).encoded()),
                        contentType: "application/json"))
            }
        } catch {
            throw .setupFailed(step: "creating the namespace and the KafkaClusters", reason: "\(error)")
        }

        let counting = CountingKubernetesAPI(client)
        let reconciler = ClusterReconciler(api: counting, logger: logger)
        let loop = ReconcileLoop(
            reconciler: reconciler,
            configuration: .init(
                namespace: namespace, resyncInterval: .seconds(3600), maxConcurrentReconciles: concurrency,
                initialBackoff: .milliseconds(10), maximumBackoff: .milliseconds(200)),
            logger: logger)
        var figures = Figures(clusters: clusters, brokers: brokers)
        let clock = ContinuousClock()
        let started = clock.now
        let running = Task { try? await loop.run() }
        let deadline = started + .seconds(600)
        while try await runningClusters(client) < clusters {
            guard clock.now < deadline else {
                running.cancel()
                throw .setupFailed(
                    step: "waiting for every cluster to run", reason: "not all Running after 600 s")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        figures.scratchMilliseconds = (clock.now - started).milliseconds
        running.cancel()
        await running.value
        figures.scratchRequests = counting.reset().requests

        // Every cluster once more, `concurrency` at a time, with nothing to change.
        let noOpStarted = clock.now
        let failures = await withTaskGroup(of: Bool.self) { group in
            var next = names.makeIterator()
            var failed = 0
            for _ in 0..<min(concurrency, names.count) {
                guard let name = next.next() else { break }
                group.addTask { (try? await reconciler.reconcile(namespace: namespace, name: name)) != nil }
            }
            while let succeeded = await group.next() {
                if !succeeded { failed += 1 }
                if let name = next.next() {
                    group.addTask {
                        (try? await reconciler.reconcile(namespace: namespace, name: name)) != nil
                    }
                }
            }
            return failed
        }
        guard failures == 0 else {
            throw .reconcileFailed(brokers: brokers, pass: 0, reason: "\(failures) no-op reconciles failed")
        }
        figures.noOpMilliseconds = (clock.now - noOpStarted).milliseconds
        let counts = counting.reset()
        figures.noOpRequests = counts.requests
        figures.noOpWrites = counts.writes
        return figures
    }

    private func runningClusters(_ client: KubernetesClient) async throws(BenchmarkError) -> Int {
        do {
            let bytes = try await client.send(
                APIRequest(
                    method: "GET", path: ResourceType.kafkaClusters.path(namespace: BenchmarkRun.namespace)))
            guard case .array(let items)? = try JSONReader.parse(bytes)["items"] else { return 0 }
            return items.filter { $0["status"]?["state"] == .string(ClusterState.running.rawValue) }.count
        } catch {
            throw .setupFailed(step: "reading the KafkaClusters' status", reason: "\(error)")
        }
    }
}
