import ClusterModel
import Kubernetes

/// The names, labels and annotations of the objects the operator owns for a KafkaCluster.
///
/// Per broker N of cluster C: Pod `C-N-<hash>`, ConfigMap `C-config-N`, one PVC per disk
/// `C-N-storage-<i>-<hash of mountPath>`, Service `C-N`; cluster-wide Service `C-headless` or
/// `C-all-broker`; PodDisruptionBudget `C-pdb` when asked for. Every object is labelled
/// `app=kafka`, `kafka_cr=C` (and `brokerId=N` when it belongs to one broker), owned by the
/// KafkaCluster, and annotated with the hash of its desired content.
public enum ResourceConventions {
    public static let appLabel = "app"
    public static let appValue = "kafka"
    public static let clusterLabel = "kafka_cr"
    public static let brokerLabel = "brokerId"

    /// The stable hash of the object's desired content; equal hashes mean nothing to write.
    public static let specHashAnnotation = "kafka-operator.io/spec-hash"
    /// On a pod: the hash of the broker configuration that needs a restart to change.
    public static let configHashAnnotation = "kafka-operator.io/config-hash"
    /// On a PVC: the path the disk is mounted at (Koperator's annotation name).
    public static let mountPathAnnotation = "mountPath"

    /// The ConfigMap key holding `server.properties`.
    public static let brokerConfigKey = "broker-config"
    /// Where the kafka container reads its configuration.
    public static let configMountPath = "/config"
    public static let defaultImage = "ghcr.io/banzaicloud/kafka:2.13-3.4.1"

    public static func configMapName(cluster: String, broker: Int32) -> String {
        "\(cluster)-config-\(broker)"
    }
    public static func serviceName(cluster: String, broker: Int32) -> String { "\(cluster)-\(broker)" }
    public static func podName(cluster: String, broker: Int32, hash: StableHash) -> String {
        "\(cluster)-\(broker)-\(hash.short)"
    }
    public static func claimName(cluster: String, broker: Int32, index: Int, mountPath: String) -> String {
        BrokerClaimName(cluster: cluster, broker: broker, index: index, mountPath: mountPath).description
    }
    public static func headlessServiceName(cluster: String) -> String { "\(cluster)-headless" }
    public static func allBrokerServiceName(cluster: String) -> String { "\(cluster)-all-broker" }
    public static func disruptionBudgetName(cluster: String) -> String { "\(cluster)-pdb" }

    /// The DNS name a broker is reached at inside the cluster, through its own Service.
    public static func brokerHost(cluster: String, broker: Int32, namespace: String) -> String {
        "\(cluster)-\(broker).\(namespace).svc.cluster.local"
    }

    public static func clusterLabels(cluster: String) -> [String: String] {
        [appLabel: appValue, clusterLabel: cluster]
    }

    public static func brokerLabels(cluster: String, broker: Int32) -> [String: String] {
        [appLabel: appValue, clusterLabel: cluster, brokerLabel: String(broker)]
    }

    /// The label selector that lists every object of one cluster.
    public static func selector(cluster: String) -> String { "\(clusterLabel)=\(cluster)" }

    /// The owner reference every rendered object carries.
    public static func ownerReference(cluster: String, uid: String) -> OwnerReference {
        OwnerReference(
            apiVersion: KafkaCluster.apiVersion, kind: KafkaCluster.kind, name: cluster, uid: uid,
            controller: true, blockOwnerDeletion: true)
    }
}
