import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Measures what a reconcile costs on the local cluster; `bench/reconcile` runs it.
///
/// For each cluster size: the requests and milliseconds of reconciling from scratch until the
/// cluster converges, and of one more pass with nothing changed, whose writes must be zero.
/// Exits 1 when a pass with nothing changed wrote anything, 2 when the benchmark could not run.
@main enum ReconcileBenchmark {
    static func main() async {
        let options: BenchmarkOptions
        do { options = try BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst())) } catch {
            print(error.description)
            exit(error.isHelp ? 0 : 2)
        }
        var logger = Logger(label: "reconcile-benchmark")
        logger.logLevel = .critical
        do {
            let manifest = try ClusterManifest(path: options.clusterManifest)
            if let directory = options.envoyDirectory {
                let rows = try options.brokerCounts.map { brokers throws(BenchmarkError) in
                    try EnvoyRenderRun(
                        brokers: brokers, manifest: manifest.withBrokers(brokers),
                        repetitions: options.repetitions,
                        directory: directory
                    ).run()
                }
                print(EnvoyRenderRun.table(rows), terminator: "")
                exit(0)
            }
            if !options.clusterCounts.isEmpty {
                let rows = try await manyClusters(options, manifest: manifest, logger: logger)
                print(
                    ManyClustersTable(rows: rows, concurrency: options.concurrency).rendered(), terminator: ""
                )
                exit(rows.allSatisfy { $0.noOpWrites == 0 } ? 0 : 1)
            }
            var tables = options.validation.map { validation in
                ResultTable(
                    persistent: options.persistent, repetitions: options.repetitions,
                    validation: options.validation.count > 1 ? validation : nil)
            }
            for brokers in options.brokerCounts {
                var runs = Array(repeating: [RunFigures](), count: options.validation.count)
                // The ways are interleaved, run by run, so a drift in the machine's speed
                // falls on both alike.
                for _ in 0..<options.repetitions {
                    for (index, validation) in options.validation.enumerated() {
                        var run = BenchmarkRun(
                            brokers: brokers, manifest: manifest.withBrokers(brokers),
                            persistent: options.persistent,
                            logger: logger)
                        run.validation = validation
                        runs[index].append(try await run.run())
                    }
                }
                for index in tables.indices { tables[index].rows.append(RunFigures.median(of: runs[index])) }
            }
            for table in tables { print(table.rendered(), terminator: "\n") }
            if tables.count == 2 {
                print(ResultTable.validationCost(off: tables[0], on: tables[1]), terminator: "")
            }
            exit(tables.allSatisfy { $0.rows.allSatisfy { $0.noOpWriteCount == 0 } } ? 0 : 1)
        } catch {
            print("reconcile-benchmark: \(error.description)")
            exit(2)
        }
    }
}

/// Each count of clusters, the first broker count each.
private func manyClusters(_ options: BenchmarkOptions, manifest: ClusterManifest, logger: Logger)
    async throws(BenchmarkError) -> [ManyClustersRun.Figures]
{
    var rows: [ManyClustersRun.Figures] = []
    for clusters in options.clusterCounts {
        let run = ManyClustersRun(
            clusters: clusters, brokers: options.brokerCounts.first ?? 10, manifest: manifest,
            concurrency: options.concurrency, logger: logger)
        rows.append(try await run.run())
    }
    return rows
}

extension BenchmarkError {
    var isHelp: Bool {
        if case .helpRequested = self { return true }
        return false
    }
}
