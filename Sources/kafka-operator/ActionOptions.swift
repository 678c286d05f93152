import ActionEngine
import AlertReceiver
import ArgumentParser
import ClusterModel
import Foundation
import KafkaAdmin
import Kubernetes
import Logging

/// The options of `serve` that concern clusters and actions.
struct ActionOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Directory for the embedded local cluster's objects and its kubeconfig. Env: KAFKA_OPERATOR_DATA_DIR.",
            valueName: "dir"))
    var dataDir: String = EnvironmentDefault.string("KAFKA_OPERATOR_DATA_DIR", ".kafka-operator")

    @Option(
        name: .customLong("cluster"),
        help: ArgumentHelp(
            "KafkaCluster manifest (YAML or JSON) to create when the cluster has no KafkaCluster of that name yet (the local cluster loads examples/kafkacluster.yaml when none is given). Repeatable. Env: KAFKA_OPERATOR_CLUSTERS (comma-separated).",
            valueName: "file"))
    var clusterManifests: [String] = EnvironmentDefault.list("KAFKA_OPERATOR_CLUSTERS", [])

    @Option(
        help: ArgumentHelp(
            "Bearer token for the manual action API; without one the API is disabled. Env: KAFKA_OPERATOR_API_TOKEN.",
            valueName: "token"))
    var apiToken: String = EnvironmentDefault.string("KAFKA_OPERATOR_API_TOKEN", "")

    @Option(
        help: "Seconds between two actions of the same command on one cluster. Env: KAFKA_OPERATOR_COOLDOWN.")
    var cooldown: Int = EnvironmentDefault.int("KAFKA_OPERATOR_COOLDOWN", 300)

    @Option(help: "Most disks an addPvc may give one broker. Env: KAFKA_OPERATOR_MAX_DISKS.")
    var maxDisksPerBroker: Int = EnvironmentDefault.int("KAFKA_OPERATOR_MAX_DISKS", 8)

    @Option(
        help: ArgumentHelp(
            "Largest disk an upScale or addPvc may add and a resizePvc may grow a disk to: a quantity of whole bytes from 1Gi to 1Pi. Env: KAFKA_OPERATOR_MAX_DISK_SIZE.",
            valueName: "quantity"))
    var maxDiskSize: String = EnvironmentDefault.string("KAFKA_OPERATOR_MAX_DISK_SIZE", "16Ti")

    @Flag(help: "Report every action's change without making it.")
    var dryRun = false

    func validate() throws {
        guard cooldown >= 0, maxDisksPerBroker > 0 else {
            throw ValidationError("--cooldown must be zero or more and --max-disks-per-broker positive.")
        }
        _ = try maximumDiskSize()
    }

    /// `--max-disk-size` in bytes, or the error that names what is wrong with it.
    func maximumDiskSize() throws(ValidationError) -> Int64 {
        do {
            return try ActionPolicy.maximumDiskSize(parsing: maxDiskSize)
        } catch .invalidParameter(_, let reason) {
            throw ValidationError("--max-disk-size: \(reason)")
        } catch {
            throw ValidationError("--max-disk-size: \(error.description)")
        }
    }

    var apiCredentials: WebhookCredentials {
        var credentials = WebhookCredentials()
        if !apiToken.isEmpty { credentials.allowBearer(token: apiToken) }
        return credentials
    }

    /// Creates the KafkaClusters of the manifests that do not exist yet. In local mode without
    /// manifests it loads the example cluster, when there is one in the working directory.
    func loadManifests(into store: any ClusterStore, connection: ClusterConnection, logger: Logger)
        async throws
    {
        var manifests = clusterManifests
        let example = "examples/kafkacluster.yaml"
        if manifests.isEmpty, connection.localCluster != nil, FileManager.default.fileExists(atPath: example)
        {
            manifests = [example]
        }
        for manifest in manifests {
            let text = try String(contentsOfFile: manifest, encoding: .utf8)
            let document = try ClusterDocument(yaml: text)
            let problems = ClusterValidator.problems(in: document.cluster)
            guard problems.isEmpty else {
                throw ValidationError(
                    "\(manifest) is not a valid KafkaCluster: \(problems.map(\.description).joined(separator: "; "))"
                )
            }
            let name = "\(document.namespace)/\(document.name)"
            // Only the local cluster gets this help: a real cluster's namespaces are its
            // administrators' call.
            if connection.localCluster != nil {
                try await connection.api.createNamespaceUnlessPresent(document.namespace)
            }
            let created: Result<Void, ClusterStoreError>
            do {
                _ = try await store.create(document)
                created = .success(())
            } catch {
                created = .failure(error)
            }
            switch created {
            case .success:
                logger.info("cluster created", metadata: ["cluster": "\(name)", "from": "\(manifest)"])
            case .failure(.alreadyExists):
                // A restart: what is stored (with its status and action log) wins over the manifest.
                logger.info("cluster already exists", metadata: ["cluster": "\(name)"])
            case .failure(.notFound):
                // Creating answers NotFound when the namespace (or the resource) is missing: say
                // which, keep serving, and create the cluster once it can be.
                let reason = await Self.missing(namespace: document.namespace, api: connection.api)
                logger.warning(
                    "the cluster cannot be created yet; it will be once this is fixed",
                    metadata: ["cluster": "\(name)", "reason": "\(reason)"])
                Task { await Self.createWhenPossible(document, name: name, store: store, logger: logger) }
            case .failure(let error):
                throw error
            }
        }
    }

    /// Why creating in `namespace` answered NotFound, in words that say what to do.
    static func missing(namespace: String, api: any KubernetesAPI) async -> String {
        do {
            _ = try await api.send(
                APIRequest(method: "GET", path: ResourceType.namespaces.path(name: namespace)))
            return "the KafkaCluster resource is not served: apply deploy/crd.yaml"
        } catch {
            if case .notFound = error {
                return "namespace \(namespace) does not exist: kubectl create namespace \(namespace)"
            }
            return "namespace \(namespace) could not be read (\(error)): it may not exist"
        }
    }

    /// Tries again, after one second and then at most every ten, until the cluster exists.
    static func createWhenPossible(
        _ document: ClusterDocument, name: String, store: any ClusterStore, logger: Logger
    )
        async
    {
        var delay = Duration.seconds(1)
        while !Task.isCancelled {
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(10))
            do {
                _ = try await store.create(document)
                logger.info("cluster created", metadata: ["cluster": "\(name)"])
                return
            } catch {
                if case .alreadyExists = error { return }
            }
        }
    }

    /// Builds the action runner over the store.
    func makeRunner(store: any ClusterStore) -> ActionRunner {
        var policy = ActionPolicy()
        policy.cooldown = .seconds(cooldown)
        policy.maximumDisksPerBroker = maxDisksPerBroker
        // validate() has checked it; the default stands if it somehow were not.
        if let size = try? maximumDiskSize() { policy.maximumDiskSize = size }
        policy.dryRun = dryRun
        return ActionRunner(store: store, policy: policy)
    }
}
