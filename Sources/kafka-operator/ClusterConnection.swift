import Foundation
import Kubernetes
import LocalCluster
import Logging

/// The Kubernetes API the operator talks to: a configured cluster, or the embedded local
/// cluster when none is configured (or `--local-cluster` asks for it).
struct ClusterConnection {
    let api: any KubernetesAPI
    /// Set in local mode: the embedded cluster, already started, to run with the other services.
    let localCluster: LocalCluster?

    /// Finds the cluster, or starts the local one with its state under `dataDirectory`.
    /// `replica` names this process in its requests' User-Agent, so an audit log tells replicas apart.
    static func open(options: ClusterOptions, dataDirectory: String, replica: String? = nil, logger: Logger)
        async throws -> ClusterConnection
    {
        var environment = ProcessInfo.processInfo.environment
        if !options.kubeconfig.isEmpty { environment["KUBECONFIG"] = options.kubeconfig }
        if !options.localCluster,
            var configuration = try KubernetesClientConfiguration.detect(
                environment: environment, context: options.context.isEmpty ? nil : options.context)
        {
            if let replica { configuration.userAgent += " (\(replica))" }
            if OwnLocalCluster.isStopped(configuration, dataDirectory: dataDirectory) {
                logger.notice(
                    "the configured kubeconfig names this operator's own local cluster, which is not running: starting it",
                    metadata: ["server": "\(configuration.server)"])
                return try await startLocalCluster(
                    options: options, dataDirectory: dataDirectory, replica: replica, logger: logger)
            }
            if let other = OwnLocalCluster.stoppedDataDirectory(
                configuration, kubeconfigPaths: KubeConfig.paths(environment: environment, homeDirectory: nil)
            ) {
                throw StoppedLocalCluster(
                    dataDirectory: other, fromOption: !options.kubeconfig.isEmpty,
                    ownDataDirectory: URL(fileURLWithPath: dataDirectory).standardizedFileURL.path)
            }
            logger.info("managing a Kubernetes cluster", metadata: ["server": "\(configuration.server)"])
            return ClusterConnection(
                api: try KubernetesClient(configuration: configuration, logger: logger), localCluster: nil)
        }
        return try await startLocalCluster(
            options: options, dataDirectory: dataDirectory, replica: replica, logger: logger)
    }

    private static func startLocalCluster(
        options: ClusterOptions, dataDirectory: String, replica: String?, logger: Logger
    ) async throws -> ClusterConnection {
        let address = try ListenAddress(parsing: options.localClusterListen)
        let folder = URL(fileURLWithPath: dataDirectory).standardizedFileURL
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var timing = LocalClusterConfiguration.KubeletTiming()
        timing.readyDelay = .seconds(options.localPodReadySeconds)
        let configuration = LocalClusterConfiguration(
            dataDirectory: folder.appendingPathComponent("local-cluster").path, host: address.host,
            port: address.port, kubelet: timing,
            auditLogPath: options.localClusterAuditLog.isEmpty ? nil : options.localClusterAuditLog)
        // Plain HTTP and no authentication, as `kubectl proxy` serves: kubectl sends no bearer
        // token over plain HTTP, and the local cluster is meant for loopback.
        if !["127.0.0.1", "::1", "localhost"].contains(address.host) {
            logger.warning(
                "the local cluster's API has no authentication; it listens beyond loopback",
                metadata: ["address": "\(address)"])
        }
        let cluster = LocalCluster(configuration: configuration, logger: Logger(label: "local-cluster"))
        try await cluster.start()
        let kubeconfigPath = folder.appendingPathComponent("kubeconfig").path
        try cluster.writeKubeconfig(to: kubeconfigPath, namespace: "kafka")
        let server = try cluster.baseURL
        logger.notice(
            "no Kubernetes cluster configured: running the embedded local cluster",
            metadata: [
                "server": "\(server)", "kubeconfig": "\(kubeconfigPath)",
                "try": "export KUBECONFIG=\(kubeconfigPath); kubectl get kafkaclusters,pods,pvc -n kafka",
            ])
        var client = KubernetesClientConfiguration(server: server)
        if let replica { client.userAgent += " (\(replica))" }
        return ClusterConnection(
            api: try KubernetesClient(configuration: client, logger: logger), localCluster: cluster)
    }
}

/// The configured kubeconfig names another data directory's embedded cluster, which is not
/// running: retrying cannot reach it, and this operator does not start another's cluster.
struct StoppedLocalCluster: Error, CustomStringConvertible {
    var dataDirectory: String
    /// Whether the kubeconfig came from `--kubeconfig` rather than `KUBECONFIG`.
    var fromOption: Bool
    var ownDataDirectory: String

    var description: String {
        "\(fromOption ? "--kubeconfig" : "KUBECONFIG") names the local cluster of the data directory "
            + "\(dataDirectory), which is not running: start it with `kafka-operator serve --data-dir "
            + "\(dataDirectory)`, or \(fromOption ? "leave out --kubeconfig" : "unset KUBECONFIG") to run "
            + "the local cluster of \(ownDataDirectory)"
    }
}
