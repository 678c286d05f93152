import ClusterModel
import Foundation
import JSON
import LocalCluster
import Reconciler
import Synchronization

/// The Secrets of one cluster's namespace as its broker pods see them mounted, for local mode's
/// simulated brokers: a file in a directory where the kafka container mounts a Secret volume
/// reads that key of the Secret, as the kubelet would have written it. Mounts are taken from
/// the cluster's broker pods (every broker pod mounts the same certificate Secrets), Secrets
/// from the local cluster's changes.
final class MountedSecrets: Sendable {
    let namespace: String
    let cluster: String
    private struct Seen {
        /// Secret name → key → base64 value.
        var secrets: [String: [String: String]] = [:]
        /// Mount path → Secret name.
        var mounts: [String: String] = [:]
    }
    private let seen = Mutex(Seen())

    init(namespace: String, cluster: String) {
        self.namespace = namespace
        self.cluster = cluster
    }

    /// Takes a Secret's or a broker pod's change; other resources and namespaces are ignored.
    func apply(_ change: ObjectChange) {
        guard case .string(namespace)? = change.object["metadata"]?["namespace"],
            case .string(let name)? = change.object["metadata"]?["name"]
        else { return }
        switch change.resource {
        case "secrets":
            let data = Self.data(ofSecret: change.object)
            seen.withLock { $0.secrets[name] = change.kind == .deleted ? nil : data }
        case "pods" where change.kind != .deleted && isBrokerPod(change.object):
            let mounts = Self.secretMounts(ofPod: change.object)
            seen.withLock { $0.mounts.merge(mounts) { _, new in new } }
        default: return
        }
    }

    private func isBrokerPod(_ pod: JSONValue) -> Bool {
        let labels = pod["metadata"]?["labels"]
        return labels?["app"] == .string(ResourceConventions.appValue)
            && labels?[ObjectLabels.cluster] == .string(cluster)
    }

    /// Where the pod's first container mounts each Secret volume: mount path → Secret name.
    static func secretMounts(ofPod pod: JSONValue) -> [String: String] {
        var volumes: [String: String] = [:]
        guard case .array(let podVolumes)? = pod["spec"]?["volumes"],
            case .array(let containers)? = pod["spec"]?["containers"],
            case .array(let volumeMounts)? = containers.first?["volumeMounts"]
        else { return [:] }
        for volume in podVolumes {
            if case .string(let name)? = volume["name"],
                case .string(let secret)? = volume["secret"]?["secretName"]
            {
                volumes[name] = secret
            }
        }
        var mounts: [String: String] = [:]
        for mount in volumeMounts {
            if case .string(let name)? = mount["name"], case .string(let path)? = mount["mountPath"],
                let secret = volumes[name]
            {
                mounts[path] = secret
            }
        }
        return mounts
    }

    /// A Secret object's `data`: key → base64 value.
    static func data(ofSecret secret: JSONValue) -> [String: String] {
        var data: [String: String] = [:]
        if case .object(let members)? = secret["data"] {
            for member in members { if case .string(let value) = member.value { data[member.key] = value } }
        }
        return data
    }

    /// The bytes of the mounted file at `path`; nil when nothing is mounted there.
    func read(_ path: String) -> [UInt8]? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        let directory = String(path[..<slash])
        let key = String(path[path.index(after: slash)...])
        guard
            let encoded = seen.withLock({ seen in seen.mounts[directory].flatMap { seen.secrets[$0]?[key] } }
            ),
            let bytes = Data(base64Encoded: encoded)
        else { return nil }
        return Array(bytes)
    }
}
