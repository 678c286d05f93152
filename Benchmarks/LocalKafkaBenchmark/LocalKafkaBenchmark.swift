import KafkaAdmin
import KafkaProtocol
import LocalKafka
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Measures local mode's simulated Kafka cluster at scale; `bench/local-kafka` runs it.
///
/// Builds a cluster of `--brokers` brokers and `--partitions` partitions, opens every
/// broker's Kafka-protocol socket and Cruise Control's REST port, and times Metadata (all
/// topics) and DescribeCluster through the project's admin client, Cruise Control's
/// `kafka_cluster_state` and `load`, and the process's CPU while everything sits idle. The
/// example's 3-broker cluster, and another broker if given, are measured the same way beside it.
/// Exits 0 when every target was met, 1 when one was missed, 2 when the benchmark could not run.
@main enum LocalKafkaBenchmark {
    static func main() async {
        let options: BenchmarkOptions
        do { options = try BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst())) } catch {
            print(error.description)
            exit(error.isHelp ? 0 : 2)
        }
        var logger = Logger(label: "local-kafka-benchmark")
        logger.logLevel = .critical
        do {
            var clusters: [ClusterFigures] = []
            clusters.append(try await measureLarge(options, logger: logger))
            clusters.append(try await measureExample(options, logger: logger))
            if let bootstrap = options.referenceBootstrap {
                clusters.append(try await measureReference(bootstrap, options))
            }
            let table = ResultTable(clusters: clusters, requests: options.requests)
            print(table.rendered(), terminator: "")
            exit(table.met ? 0 : 1)
        } catch {
            print("local-kafka-benchmark: \(error.description)")
            exit(2)
        }
    }

    private static func measureLarge(_ options: BenchmarkOptions, logger: Logger) async throws(BenchmarkError)
        -> ClusterFigures
    {
        let stopwatch = ContinuousClock()
        let started = stopwatch.now
        let cluster: SimulatedCluster
        do {
            cluster = try LargeCluster.cluster(
                now: WallClock().nowMilliseconds(), brokers: options.brokers, partitions: options.partitions,
                replicationFactor: options.replicationFactor)
        } catch {
            throw .setupFailed(step: "building the cluster model", reason: error.description)
        }
        var figures = ClusterFigures(
            name: "simulated", brokers: options.brokers, partitions: options.partitions)
        figures.setupMilliseconds = (stopwatch.now - started).milliseconds
        let dirs = cluster.brokers.values.reduce(0) { $0 + $1.logDirs.count }
        figures.note =
            "\(cluster.topics.count) topics, replication factor \(options.replicationFactor), "
            + "\(dirs) log dirs in 3 racks"
        let simulator = try await SimulatorUnderTest.start(
            name: figures.name, cluster: cluster, basePort: options.basePort, logger: logger)
        do {
            try await measure(simulator, into: &figures, options)
            await simulator.stop()
        } catch {
            await simulator.stop()
            throw error
        }
        return figures
    }

    private static func measureExample(_ options: BenchmarkOptions, logger: Logger)
        async throws(BenchmarkError)
        -> ClusterFigures
    {
        let cluster: SimulatedCluster
        do { cluster = try ExampleCluster.cluster(now: WallClock().nowMilliseconds()) } catch {
            throw .setupFailed(step: "building the example cluster", reason: error.description)
        }
        var figures = ClusterFigures(
            name: "example", brokers: cluster.brokers.count, partitions: cluster.partitions.count)
        let simulator = try await SimulatorUnderTest.start(
            name: figures.name, cluster: cluster, basePort: 0, logger: logger)
        do {
            try await measure(simulator, into: &figures, options)
            await simulator.stop()
        } catch {
            await simulator.stop()
            throw error
        }
        return figures
    }

    private static func measure(
        _ simulator: SimulatorUnderTest, into figures: inout ClusterFigures, _ options: BenchmarkOptions
    ) async throws(BenchmarkError) {
        let client: KafkaProtocolAdminClient
        do { client = try KafkaProtocolAdminClient(bootstrap: simulator.bootstrap) } catch {
            throw .setupFailed(step: "creating the admin client", reason: "\(error)")
        }
        do {
            try await measure(simulator, client, into: &figures, options)
            await client.close()
        } catch {
            await client.close()
            throw error
        }
    }

    private static func measure(
        _ simulator: SimulatorUnderTest, _ client: KafkaProtocolAdminClient,
        into figures: inout ClusterFigures,
        _ options: BenchmarkOptions
    ) async throws(BenchmarkError) {
        do {
            let answer = try await client.metadata(topics: nil)
            let partitions = answer.topics.reduce(0) { $0 + $1.partitions.count }
            guard answer.brokers.count == figures.brokers, partitions == figures.partitions else {
                throw BenchmarkError.requestFailed(
                    what: "Metadata of the \(figures.name) cluster",
                    reason: "\(answer.brokers.count) brokers and \(partitions) partitions, "
                        + "not \(figures.brokers) and \(figures.partitions)")
            }
            figures.metadata = try await Latencies.measure(count: options.requests) {
                _ = try await client.metadata(topics: nil)
            }
            figures.describeCluster = try await Latencies.measure(count: options.requests) {
                _ = try await client.describeCluster()
            }
            let version = try await client.version(for: MetadataRequest.self)
            let payload = Array(
                try KafkaFrame.encodeRequest(
                    MetadataRequest(topics: nil), version: version, correlationId: 1, clientId: "benchmark"
                ).dropFirst(4))
            let broker = simulator.cluster.brokerIDs[0]
            figures.metadataBytes = await simulator.kafka.answer(payload, broker: broker)?.count
            figures.metadataInProcess = await Latencies.measure(count: options.requests) {
                _ = await simulator.kafka.answer(payload, broker: broker)
            }
        } catch let error as BenchmarkError {
            throw error
        } catch {
            throw .requestFailed(what: "A Kafka request to the \(figures.name) cluster", reason: "\(error)")
        }

        let port = simulator.cruiseControlPort
        for (endpoint, keyPath) in [
            ("kafka_cluster_state", \ClusterFigures.kafkaClusterState), ("load", \ClusterFigures.load),
        ] {
            let target = "/kafkacruisecontrol/\(endpoint)?json=true"
            let (status, bytes) = try LoopbackSocket.get(port: port, target)
            guard status == 200 else {
                throw .requestFailed(what: "GET \(target)", reason: "status \(status)")
            }
            if endpoint == "load" {
                figures.loadBytes = bytes
            } else {
                figures.kafkaClusterStateBytes = bytes
            }
            figures[keyPath: keyPath] = try await Latencies.measure(count: options.requests) {
                () throws(BenchmarkError) in _ = try LoopbackSocket.get(port: port, target)
            }
        }

        // Idle: every broker's socket open, the admin client's connection and one more client
        // connection to every broker held open, nothing asked.
        var held: [LoopbackSocket] = []
        for id in simulator.cluster.brokerIDs {
            guard let brokerPort = simulator.brokers.port(of: id) else { continue }
            held.append(try LoopbackSocket(port: brokerPort))
        }
        figures.idleConnections = held.count + 1
        try? await Task.sleep(for: .seconds(1))
        figures.idle = await IdleFigures.measure(seconds: options.idleSeconds)
        figures.residentMegabytes = ProcessUsage.residentMegabytes()
        figures.threads = ProcessUsage.threads()
        figures.listenMilliseconds = simulator.listenMilliseconds
        held.removeAll()
    }

    /// Another broker (tansu, say): the example's topics created on it (at the replication
    /// factor it can hold), then the same Metadata request timed.
    private static func measureReference(_ bootstrap: String, _ options: BenchmarkOptions)
        async throws(BenchmarkError) -> ClusterFigures
    {
        do {
            let client = try KafkaProtocolAdminClient(bootstrap: bootstrap)
            let brokers = try await client.metadata(topics: []).brokers.count
            for topic in ExampleCluster.topics {
                _ = try await client.createTopic(
                    CreateTopicsRequest.Topic(
                        name: topic.name, partitions: Int32(topic.partitions),
                        replicationFactor: Int16(min(topic.replicationFactor, brokers))))
            }
            let answer = try await client.metadata(topics: nil)
            var figures = ClusterFigures(
                name: options.referenceName, brokers: answer.brokers.count,
                partitions: answer.topics.reduce(0) { $0 + $1.partitions.count })
            figures.metadata = try await Latencies.measure(count: options.requests) {
                _ = try await client.metadata(topics: nil)
            }
            await client.close()
            return figures
        } catch {
            throw .requestFailed(
                what: "Measuring \(options.referenceName) at \(bootstrap)", reason: "\(error)")
        }
    }
}
