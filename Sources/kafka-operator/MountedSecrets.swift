import Foundation
import JSON
import LocalCluster
import Reconciler
import Synchronization

/// The Secrets of one cluster's namespace as its broker pods see them mounted, for local mode's
/// simulated brokers: a file under the brokers' certificate mount path
/// (`ResourceConventions.sslMountPath`) reads that key of the brokers' certificate Secret, as
/// the kubelet would have written it. Followed from the local cluster's changes.
final class MountedSecrets: Sendable {
    let namespace: String
    let brokerCertificate: String
    /// Secret name → key → base64 value.
    private let secrets = Mutex<[String: [String: String]]>([:])

    init(namespace: String, cluster: String) {
        self.namespace = namespace
        self.brokerCertificate = ResourceConventions.serverCertificateSecretName(cluster: cluster)
    }

    /// Takes a Secret's change; other resources and namespaces are ignored.
    func apply(_ change: ObjectChange) {
        guard change.resource == "secrets",
            case .string(namespace)? = change.object["metadata"]?["namespace"],
            case .string(let name)? = change.object["metadata"]?["name"]
        else { return }
        let data = Self.data(ofSecret: change.object)
        secrets.withLock { $0[name] = change.kind == .deleted ? nil : data }
    }

    /// A Secret object's `data`: key → base64 value.
    static func data(ofSecret secret: JSONValue) -> [String: String] {
        var data: [String: String] = [:]
        if case .object(let members)? = secret["data"] {
            for member in members { if case .string(let value) = member.value { data[member.key] = value } }
        }
        return data
    }

    /// The text of the mounted file at `path`; nil when nothing is mounted there.
    func read(_ path: String) -> String? {
        let directory = ResourceConventions.sslMountPath + "/"
        guard path.hasPrefix(directory) else { return nil }
        let key = String(path.dropFirst(directory.count))
        guard let encoded = secrets.withLock({ $0[brokerCertificate]?[key] }),
            let bytes = Data(base64Encoded: encoded)
        else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
