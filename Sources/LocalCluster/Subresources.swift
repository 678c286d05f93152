import JSON
import KubernetesAPITypes

/// The subresources besides `status`: a Deployment's `scale` (an `autoscaling/v1` Scale read
/// from and written to its `spec.replicas`), and a pod's `log`, `exec`, `attach` and
/// `portforward`, which need a running container: the local cluster runs none, so they are
/// answered with a Status that says so.
enum Subresources {
    struct Entry: Sendable {
        let name: String
        let kind: String
        /// The group of the subresource's kind when it is not the resource's own.
        let group: String?
        let verbs: [String]
    }

    static let containerOnly = ["log", "exec", "attach", "portforward"]

    static func served(by resource: ResourceDefinition) -> [Entry] {
        switch resource.type {
        case .deployments:
            return [
                Entry(name: "scale", kind: "Scale", group: "autoscaling", verbs: ["get", "patch", "update"])
            ]
        case .pods:
            return [
                Entry(name: "log", kind: "Pod", group: nil, verbs: ["get"]),
                Entry(name: "exec", kind: "PodExecOptions", group: nil, verbs: ["create", "get"]),
                Entry(name: "attach", kind: "PodAttachOptions", group: nil, verbs: ["create", "get"]),
                Entry(
                    name: "portforward", kind: "PodPortForwardOptions", group: nil, verbs: ["create", "get"]),
            ]
        default:
            return []
        }
    }

    static func noContainers(_ resource: ResourceDefinition, _ name: String, _ subresource: String)
        -> APIError
    {
        APIError(
            code: 400, reason: "BadRequest",
            message:
                "the local cluster runs no containers: pod \"\(name)\" has no \(subresource == "log" ? "log" : "process to \(subresource) to")",
            details: resource.details(name: name))
    }

    // MARK: - Scale

    /// The Scale of a Deployment as stored.
    static func scale(of deployment: JSONValue) -> JSONValue {
        let metadata = deployment["metadata"] ?? .object([])
        var kept: [(key: String, value: JSONValue)] = []
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            if let value = metadata[key] { kept.append((key, value)) }
        }
        let replicas = deployment.value(at: ["spec", "replicas"]) ?? .integer(1)
        let labels = deployment.value(at: ["spec", "selector", "matchLabels"])?.stringMap ?? [:]
        let selector = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: ",")
        return .object([
            ("kind", .string("Scale")), ("apiVersion", .string("autoscaling/v1")),
            ("metadata", .object(kept)),
            ("spec", .object([("replicas", replicas)])),
            (
                "status",
                .object([
                    ("replicas", deployment.value(at: ["status", "replicas"]) ?? .integer(0)),
                    ("selector", .string(selector)),
                ])
            ),
        ])
    }

    /// The merge patch a written Scale makes to its Deployment: the replicas, and the
    /// resourceVersion it was read at as a precondition. A Scale without a whole number of
    /// replicas is refused as the API server refuses it.
    static func deploymentPatch(from scale: JSONValue, name: String) throws(APIError) -> JSONValue {
        guard case .number(let text)? = scale.value(at: ["spec", "replicas"]), let replicas = Int(text),
            replicas >= 0
        else {
            var details = Status.Details(name: name, group: "autoscaling", kind: "Scale")
            details.causes = [
                Status.Cause(
                    reason: "FieldValueInvalid", message: "Invalid value: must be greater than or equal to 0",
                    field: "spec.replicas")
            ]
            throw APIError(
                code: 422, reason: "Invalid",
                message:
                    "Scale.autoscaling \"\(name)\" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0",
                details: details)
        }
        var members: [(key: String, value: JSONValue)] = [
            ("spec", .object([("replicas", .integer(replicas))]))
        ]
        if let version = scale.value(at: ["metadata", "resourceVersion"]), version != .string("") {
            members.append(("metadata", .object([("resourceVersion", version)])))
        }
        return .object(members)
    }
}
