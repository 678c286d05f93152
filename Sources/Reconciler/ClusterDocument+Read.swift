import ClusterModel
import Kubernetes

extension ClusterDocument {
    /// The KafkaCluster `key` names, as stored, its namespace filled in; nil when it does not
    /// exist.
    static func read(_ key: ClusterKey, api: any KubernetesAPI) async throws(StoredClusterError)
        -> ClusterDocument?
    {
        let bytes: [UInt8]
        do {
            bytes = try await api.send(
                APIRequest(
                    method: "GET",
                    path: ResourceType.kafkaClusters.path(namespace: key.namespace, name: key.name)))
        } catch .notFound {
            return nil
        } catch {
            throw .api(error)
        }
        var document: ClusterDocument
        do { document = try ClusterDocument(json: bytes) } catch { throw .unreadable(error.description) }
        document.cluster.metadata.namespace = document.cluster.metadata.namespace ?? key.namespace
        return document
    }
}

/// Why a stored KafkaCluster could not be read.
enum StoredClusterError: Error, CustomStringConvertible {
    case api(KubernetesError)
    /// It is there but is not a KafkaCluster document.
    case unreadable(String)

    var description: String {
        switch self {
        case .api(let error): "\(error)"
        case .unreadable(let reason): reason
        }
    }
}
