import JSON
import KubernetesAPITypes

/// Renders objects as a `meta.k8s.io/v1` Table, the server-side printing `kubectl get` asks
/// for, with the columns kubectl users expect for each resource.
enum TableRenderer {
    private struct Column: Sendable {
        let name: String
        let type: String
        let priority: Int
        let cell: @Sendable (JSONValue) -> JSONValue
    }

    /// What each row carries besides its cells (`includeObject`): nothing, the object's
    /// metadata (the default), or the whole object, which `kubectl get --sort-by` needs.
    enum IncludeObject: String, Sendable {
        case none = "None"
        case metadata = "Metadata"
        case object = "Object"
    }

    /// A page of a list as a Table: `continueToken` and `remaining` say what follows, as in the
    /// list itself, so kubectl pages through tables too.
    static func table(
        _ resource: ResourceDefinition, items: [JSONValue], resourceVersion: UInt64,
        continueToken: String? = nil,
        remaining: Int = 0, includeObject: IncludeObject = .metadata
    ) -> JSONValue {
        let columns = self.columns(for: resource)
        let definitions = columns.map { column in
            JSONValue.object([
                ("name", .string(column.name)), ("type", .string(column.type)),
                ("format", .string(column.name == "Name" ? "name" : "")),
                ("description", .string(column.name)),
                ("priority", .integer(column.priority)),
            ])
        }
        let rows = items.map { item in
            var row: [(key: String, value: JSONValue)] = [("cells", .array(columns.map { $0.cell(item) }))]
            switch includeObject {
            case .none:
                break
            case .metadata:
                row.append(
                    (
                        "object",
                        .object([
                            ("kind", .string("PartialObjectMetadata")),
                            ("apiVersion", .string("meta.k8s.io/v1")),
                            ("metadata", item["metadata"] ?? .object([])),
                        ])
                    ))
            case .object:
                row.append(("object", item))
            }
            return JSONValue.object(row)
        }
        var metadata: [(key: String, value: JSONValue)] = [
            ("resourceVersion", .string(String(resourceVersion)))
        ]
        if let continueToken {
            metadata.append(("continue", .string(continueToken)))
            metadata.append(("remainingItemCount", .integer(remaining)))
        }
        return .object([
            ("kind", .string("Table")), ("apiVersion", .string("meta.k8s.io/v1")),
            ("metadata", .object(metadata)), ("columnDefinitions", .array(definitions)),
            ("rows", .array(rows)),
        ])
    }

    private static func text(_ path: [String], _ fallback: String = "<none>")
        -> @Sendable (JSONValue) -> JSONValue
    {
        { object in
            switch object.value(at: path) {
            case .string(let text)? where !text.isEmpty: return .string(text)
            case .number(let text)?: return .string(text)
            default: return .string(fallback)
            }
        }
    }

    private static let name = Column(
        name: "Name", type: "string", priority: 0, cell: text(["metadata", "name"]))
    private static let age = Column(name: "Age", type: "string", priority: 0) { object in
        .string(Timestamp.age(since: object.value(at: ["metadata", "creationTimestamp"])?.stringValue))
    }

    /// A custom resource's table: Name, then the columns its CRD declares, as the API server
    /// prints them (a `date` as an age, a missing value as an empty cell).
    private static func columns(_ declared: [ResourceDefinition.PrinterColumn]) -> [Column] {
        [name]
            + declared.map { column in
                let path = column.jsonPath.split(separator: ".").map(String.init)
                return Column(name: column.name, type: column.type, priority: column.priority) { object in
                    let value = object.value(at: path)
                    switch (column.type, value) {
                    case ("date", .string(let text)?): return .string(Timestamp.age(since: text))
                    case (_, let value?): return value
                    default: return .string("")
                    }
                }
            }
    }

    private static func columns(for resource: ResourceDefinition) -> [Column] {
        if let declared = resource.printerColumns { return columns(declared) }
        switch resource.plural {
        case "pods":
            return [
                name,
                Column(name: "Ready", type: "string", priority: 0) { pod in
                    let statuses = pod.value(at: ["status", "containerStatuses"]).flatMap(\.items) ?? []
                    let total = pod.value(at: ["spec", "containers"]).flatMap(\.items)?.count ?? 0
                    let ready = statuses.filter { $0["ready"] == .bool(true) }.count
                    return .string("\(ready)/\(total)")
                },
                Column(name: "Status", type: "string", priority: 0) { pod in
                    if pod.value(at: ["metadata", "deletionTimestamp"]) != nil {
                        return .string("Terminating")
                    }
                    return .string(pod.value(at: ["status", "phase"])?.stringValue ?? "Pending")
                },
                Column(name: "Restarts", type: "string", priority: 0) { _ in .string("0") },
                age,
                Column(name: "IP", type: "string", priority: 1, cell: text(["status", "podIP"])),
                Column(name: "Node", type: "string", priority: 1, cell: text(["spec", "nodeName"])),
            ]
        case "services":
            return [
                name,
                Column(name: "Type", type: "string", priority: 0, cell: text(["spec", "type"], "ClusterIP")),
                Column(name: "Cluster-IP", type: "string", priority: 0, cell: text(["spec", "clusterIP"])),
                Column(name: "External-IP", type: "string", priority: 0) { service in
                    // As kubectl shows it: a load balancer's addresses, `<pending>` until it has one.
                    let ingress =
                        service.value(at: ["status", "loadBalancer", "ingress"]).flatMap(\.items) ?? []
                    let addresses = ingress.compactMap {
                        $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue
                    }
                    if !addresses.isEmpty { return .string(addresses.joined(separator: ",")) }
                    let balanced = service.value(at: ["spec", "type"])?.stringValue == "LoadBalancer"
                    return .string(balanced ? "<pending>" : "<none>")
                },
                Column(name: "Port(s)", type: "string", priority: 0) { service in
                    let ports = service.value(at: ["spec", "ports"]).flatMap(\.items) ?? []
                    let text = ports.map { port -> String in
                        let number = port["port"].map { String(decoding: $0.encoded(), as: UTF8.self) } ?? "?"
                        return "\(number)/\(port["protocol"]?.stringValue ?? "TCP")"
                    }.joined(separator: ",")
                    return .string(text.isEmpty ? "<none>" : text)
                },
                age,
            ]
        case "poddisruptionbudgets":
            // As kubectl shows them; the allowed disruptions are the disruption controller's,
            // which the local cluster does not run.
            return [
                name,
                Column(
                    name: "Min Available", type: "string", priority: 0,
                    cell: text(["spec", "minAvailable"], "N/A")),
                Column(
                    name: "Max Unavailable", type: "string", priority: 0,
                    cell: text(["spec", "maxUnavailable"], "N/A")),
                Column(
                    name: "Allowed Disruptions", type: "integer", priority: 0,
                    cell: text(["status", "disruptionsAllowed"], "0")),
                age,
            ]
        case "persistentvolumeclaims":
            return [
                name,
                Column(
                    name: "Status", type: "string", priority: 0, cell: text(["status", "phase"], "Pending")),
                Column(name: "Volume", type: "string", priority: 0, cell: text(["spec", "volumeName"], "")),
                Column(
                    name: "Capacity", type: "string", priority: 0,
                    cell: text(["status", "capacity", "storage"], "")),
                Column(name: "Access Modes", type: "string", priority: 0) { claim in
                    let modes = claim.value(at: ["status", "accessModes"]).flatMap(\.items) ?? []
                    return .string(
                        modes.compactMap { mode -> String? in
                            switch mode.stringValue {
                            case "ReadWriteOnce": return "RWO"
                            case "ReadOnlyMany": return "ROX"
                            case "ReadWriteMany": return "RWX"
                            case "ReadWriteOncePod": return "RWOP"
                            default: return mode.stringValue
                            }
                        }.joined(separator: ","))
                },
                Column(
                    name: "StorageClass", type: "string", priority: 0,
                    cell: text(["spec", "storageClassName"])),
                age,
            ]
        case "nodes":
            return [
                name,
                Column(name: "Status", type: "string", priority: 0) { object in
                    let ready = object.value(at: ["status", "conditions"])?.items?.first {
                        $0.value(at: ["type"])?.stringValue == "Ready"
                    }
                    return .string(ready?.value(at: ["status"])?.stringValue == "True" ? "Ready" : "NotReady")
                },
                Column(name: "Roles", type: "string", priority: 0) { _ in .string("<none>") },
                age,
                Column(
                    name: "Version", type: "string", priority: 0,
                    cell: text(["status", "nodeInfo", "kubeletVersion"])),
            ]
        case "storageclasses":
            return [
                Column(name: "Name", type: "string", priority: 0) { object in
                    let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
                    let isDefault =
                        object.value(at: ["metadata", "annotations", StorageClassAnnotation.isDefaultClass])
                        == .string("true")
                    return .string(isDefault ? "\(name) (default)" : name)
                },
                Column(name: "Provisioner", type: "string", priority: 0, cell: text(["provisioner"])),
                Column(name: "ReclaimPolicy", type: "string", priority: 0, cell: text(["reclaimPolicy"])),
                Column(
                    name: "VolumeBindingMode", type: "string", priority: 0, cell: text(["volumeBindingMode"])),
                Column(name: "AllowVolumeExpansion", type: "string", priority: 0) { object in
                    .string(object["allowVolumeExpansion"] == .bool(true) ? "true" : "false")
                },
                age,
            ]
        case "configmaps", "secrets":
            return [
                name,
                Column(name: "Data", type: "integer", priority: 0) { object in
                    .integer(
                        (object["data"]?.members?.count ?? 0) + (object["binaryData"]?.members?.count ?? 0))
                },
                age,
            ]
        case "namespaces":
            return [
                name, Column(name: "Status", type: "string", priority: 0, cell: text(["status", "phase"])),
                age,
            ]
        case "deployments":
            return [
                name,
                Column(name: "Ready", type: "string", priority: 0) { deployment in
                    let ready =
                        deployment.value(at: ["status", "readyReplicas"]).flatMap(ObjectStore.numberText)
                        ?? "0"
                    let wanted =
                        deployment.value(at: ["spec", "replicas"]).flatMap(ObjectStore.numberText) ?? "1"
                    return .string("\(ready)/\(wanted)")
                },
                age,
            ]
        default:
            return [name, age]
        }
    }
}
