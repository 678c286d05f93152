import ClusterModel
import Foundation
import HTTPServer
import JSON
import Keystores
import LocalCluster
import Logging
import Reconciler
import Synchronization

/// What the simulated Cruise Control's REST port serves, as the real one would once started from
/// its Deployment: HTTPS from the PKCS#12 keystore its `cruisecontrol.properties` names
/// (`webserver.ssl.enable=true`), read from the Secret the Deployment mounts at that path, with
/// the password its environment gives (`${env:NAME}`, Cruise Control's built-in provider, from
/// a `secretKeyRef`); plain HTTP otherwise; and no answer at all when that keystore cannot be
/// opened, as a Cruise Control that fails to start leaves its port. Followed from the local
/// cluster's changes to the Deployment, its ConfigMap and the namespace's Secrets.
final class SimulatedCruiseControlTLS: Sendable {
    let switchable = SwitchableTLS()
    private let namespace: String
    private let configMap: String
    private let deployment: String
    private let logger: Logger
    private let seen = Mutex<Seen>(Seen())

    private struct Seen {
        var properties: String?
        var deployment: JSONValue?
        /// Secret name → key → base64 value.
        var secrets: [String: [String: String]] = [:]
        /// What was last said of the web server, so a change is logged once.
        var reported = "http"
    }

    init(namespace: String, cluster: String, logger: Logger) {
        self.namespace = namespace
        configMap = ResourceConventions.cruiseControlConfigMapName(cluster: cluster)
        deployment = ResourceConventions.cruiseControlName(cluster: cluster)
        self.logger = logger
    }

    /// Takes a change of a Deployment, ConfigMap or Secret; others are ignored.
    func apply(_ change: ObjectChange) {
        guard case .string(namespace)? = change.object["metadata"]?["namespace"],
            case .string(let name)? = change.object["metadata"]?["name"]
        else { return }
        let gone = change.kind == .deleted
        let relevant = seen.withLock { seen -> Bool in
            switch (change.resource, name) {
            case ("configmaps", configMap):
                if case .string(let text)? = change.object["data"]?[
                    ResourceConventions.cruiseControlPropertiesKey], !gone
                {
                    seen.properties = text
                } else {
                    seen.properties = nil
                }
            case ("deployments", deployment): seen.deployment = gone ? nil : change.object
            case ("secrets", _):
                seen.secrets[name] = gone ? nil : MountedSecrets.data(ofSecret: change.object)
            default: return false
            }
            return true
        }
        if relevant { update() }
    }

    private func update() {
        let (mode, description, changed) = seen.withLock { seen in
            let (mode, description) = Self.mode(seen)
            defer { seen.reported = description }
            return (mode, description, seen.reported != description)
        }
        switchable.set(mode)
        guard changed else { return }
        switch mode {
        case .refusing:
            logger.warning(
                "simulated Cruise Control cannot start its web server", metadata: ["reason": "\(description)"]
            )
        default:
            logger.info(
                "simulated Cruise Control serves its REST API", metadata: ["scheme": "\(description)"])
        }
    }

    /// The mode, and `http`, `https` or why the web server cannot start.
    private static func mode(_ seen: Seen) -> (SwitchableTLS.Mode, String) {
        let properties = BrokerProperties.parse(seen.properties)
        guard properties["webserver.ssl.enable"]?.lowercased() == "true" else { return (.plain, "http") }
        let pod = seen.deployment?["spec"]?["template"]?["spec"]
        guard case .array(let containers)? = pod?["containers"], let container = containers.first,
            let volumes = pod?["volumes"]
        else { return (.refusing, "its Deployment is not there") }
        func secretKey(mountedAt path: String) -> (secret: String, key: String)? {
            guard case .array(let mounts)? = container["volumeMounts"], case .array(let volumes) = volumes
            else {
                return nil
            }
            for mount in mounts {
                guard case .string(let directory)? = mount["mountPath"], path.hasPrefix(directory + "/"),
                    case .string(let volume)? = mount["name"],
                    case .string(let secret)? = volumes.first(where: { $0["name"] == .string(volume) })?[
                        "secret"]?[
                            "secretName"]
                else { continue }
                return (secret, String(path.dropFirst(directory.count + 1)))
            }
            return nil
        }
        func value(_ reference: (secret: String, key: String)) -> Data? {
            seen.secrets[reference.secret]?[reference.key].flatMap { Data(base64Encoded: $0) }
        }
        guard let location = properties["webserver.ssl.keystore.location"],
            let file = secretKey(mountedAt: location), let keystore = value(file)
        else { return (.refusing, "webserver.ssl.keystore.location names no mounted Secret key") }
        var password = properties["webserver.ssl.keystore.password"] ?? ""
        if password.hasPrefix("${env:"), password.hasSuffix("}") {
            let name = String(password.dropFirst("${env:".count).dropLast())
            guard case .array(let environment)? = container["env"],
                let variable = environment.first(where: { $0["name"] == .string(name) })
            else { return (.refusing, "the environment has no \(name)") }
            if case .string(let literal)? = variable["value"] {
                password = literal
            } else if case .string(let secret)? = variable["valueFrom"]?["secretKeyRef"]?["name"],
                case .string(let key)? = variable["valueFrom"]?["secretKeyRef"]?["key"],
                let bytes = value((secret, key))
            {
                password = String(decoding: bytes, as: UTF8.self)
            } else {
                return (.refusing, "\(name) refers to no Secret key that exists")
            }
        }
        do {
            let contents = try JavaKeystore.read(Array(keystore), password: password)
            guard let entry = contents.keyEntries.first else {
                return (.refusing, "the keystore holds no private key")
            }
            let context = try TLSServerContext(
                certificateChainPEM: entry.certificateChainPEM, privateKeyPEM: entry.privateKeyPEM)
            return (.tls(context), "https")
        } catch {
            return (.refusing, "\(error)")
        }
    }
}
