import ArgumentParser
import Foundation
import LocalCluster
import Logging
import ServiceLifecycle

/// `kafka-operator local-cluster`: the embedded Kubernetes API server on its own, for trying
/// kubectl against it or for running the operator against an API that outlives it
/// (`serve --kubeconfig FILE`). It keeps its objects in the data directory.
struct LocalClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local-cluster",
        abstract: "Run the embedded local Kubernetes API server (with its simulated kubelet) on its own."
    )

    @Option(help: ArgumentHelp("Address to listen on (port 0 picks a free one).", valueName: "host:port"))
    var listen = "127.0.0.1:6443"

    @Option(help: ArgumentHelp("Directory for the cluster's objects.", valueName: "dir"))
    var dataDir = ".kafka-operator/local-cluster"

    @Option(
        help: ArgumentHelp("Where to write a kubeconfig for kubectl and the operator.", valueName: "file"))
    var kubeconfig = ".kafka-operator/kubeconfig"

    @Option(help: "Seconds the simulated kubelet takes to make a pod Ready.")
    var podReadySeconds: Double = 2

    @Option(
        help:
            "Milliseconds every write request (create, update, patch, delete) is delayed by, to watch slow clusters."
    )
    var writeLatencyMs: Int = 0

    @Option(
        help: ArgumentHelp(
            "File that gets one line per API request served: verb, group, resource, user agent.",
            valueName: "file"))
    var auditLog: String?

    func validate() throws {
        do { _ = try ListenAddress(parsing: listen) } catch { throw ValidationError(error.description) }
        guard podReadySeconds >= 0, podReadySeconds <= 3_600, writeLatencyMs >= 0, writeLatencyMs <= 60_000
        else {
            throw ValidationError("--pod-ready-seconds must be 0...3600 and --write-latency-ms 0...60000.")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: .logfmt, level: .info) }
        let logger = Logger(label: "local-cluster")
        let address = try ListenAddress(parsing: listen)
        var timing = LocalClusterConfiguration.KubeletTiming()
        timing.readyDelay = .seconds(podReadySeconds)
        let cluster = LocalCluster(
            configuration: LocalClusterConfiguration(
                dataDirectory: dataDir, host: address.host, port: address.port, kubelet: timing,
                auditLogPath: auditLog),
            logger: logger)
        if writeLatencyMs > 0 {
            for verb in ["create", "update", "patch", "delete"] {
                cluster.faults.addLatency(.milliseconds(writeLatencyMs), verb: verb)
            }
        }
        try await cluster.start()
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: kubeconfig).deletingLastPathComponent(),
            withIntermediateDirectories: true)
        try cluster.writeKubeconfig(to: kubeconfig, namespace: "kafka")
        let server = try cluster.baseURL
        logger.notice(
            "local cluster serving", metadata: ["server": "\(server)", "kubeconfig": "\(kubeconfig)"])
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: cluster)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
