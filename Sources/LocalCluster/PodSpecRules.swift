import JSON
import KubernetesAPITypes
import ResourceQuantity

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the API server's validation requires of a pod spec (a Pod's, or a Deployment's
/// template), of a pod update, of ConfigMap keys and of Secret data, answered with its 422
/// causes: at least one container; container names unique; ports between 1 and 65535 with
/// unique names; every mount naming a volume of the pod; requests and limits that are
/// quantities, requests no larger than limits. A pod's spec is immutable but for its images,
/// `activeDeadlineSeconds`, added tolerations and `terminationGracePeriodSeconds`.
enum PodSpecRules {
    static func check(_ resource: ResourceDefinition, name: String, old: JSONValue?, new: JSONValue)
        throws(APIError)
    {
        // What the real server cannot even decode is 400, as its decoder answers.
        if let undecodable = undecodable(new, resource) {
            throw .badRequest(
                "\(resource.kind) in version \"\(resource.type.version)\" cannot be handled as a \(resource.kind): \(undecodable)"
            )
        }
        var causes: [Status.Cause] = []
        switch resource.type {
        case .pods:
            causes = podSpecCauses(new["spec"] ?? .object([]), at: "spec")
            if let old, causes.isEmpty, let cause = immutability(old: old, new: new) { causes.append(cause) }
        case .deployments:
            causes = podSpecCauses(
                new.value(at: ["spec", "template", "spec"]) ?? .object([]), at: "spec.template.spec"
            )
            .filter { $0.field != "spec.template.spec.containers" }  // DeploymentRules says that one.
        case .configMaps:
            causes = configKeyCauses(new, in: ["data", "binaryData"])
        case .secrets:
            causes = configKeyCauses(new, in: ["data"])
        default:
            return
        }
        if !causes.isEmpty { throw .invalid(resource, name, causes) }
    }

    // MARK: - Pod spec

    private static func podSpecCauses(_ spec: JSONValue, at path: String) -> [Status.Cause] {
        var causes: [Status.Cause] = []
        let containers = spec["containers"]?.items ?? []
        if containers.isEmpty {
            causes.append(
                Status.Cause(
                    reason: "FieldValueRequired", message: "Required value", field: "\(path).containers"))
        }
        let volumes = Set((spec["volumes"]?.items ?? []).compactMap { $0["name"]?.stringValue })
        var containerNames: Set<String> = []
        for (list, entries) in [
            ("initContainers", spec["initContainers"]?.items ?? []), ("containers", containers),
        ] {
            for (index, container) in entries.enumerated() {
                let at = "\(path).\(list)[\(index)]"
                let name = container["name"]?.stringValue ?? ""
                if name.isEmpty {
                    causes.append(
                        Status.Cause(
                            reason: "FieldValueRequired", message: "Required value", field: "\(at).name"))
                } else if !containerNames.insert(name).inserted {
                    causes.append(duplicate(name, field: "\(at).name"))
                }
                causes += portCauses(container["ports"]?.items ?? [], at: at)
                for (mountIndex, mount) in (container["volumeMounts"]?.items ?? []).enumerated() {
                    let volume = mount["name"]?.stringValue ?? ""
                    if !volumes.contains(volume) {
                        causes.append(
                            Status.Cause(
                                reason: "FieldValueNotFound", message: "Not found: \"\(volume)\"",
                                field: "\(at).volumeMounts[\(mountIndex)].name"))
                    }
                }
                causes += resourceCauses(container["resources"], at: "\(at).resources")
            }
        }
        return causes
    }

    private static func portCauses(_ ports: [JSONValue], at path: String) -> [Status.Cause] {
        var causes: [Status.Cause] = []
        var names: Set<String> = []
        for (index, port) in ports.enumerated() {
            let field = "\(path).ports[\(index)]"
            let number = port["containerPort"].flatMap(ObjectStore.numberText).flatMap { Int($0) } ?? 0
            if !(1...65_535).contains(number) {
                causes.append(
                    Status.Cause(
                        reason: "FieldValueInvalid",
                        message: "Invalid value: \(number): must be between 1 and 65535, inclusive",
                        field: "\(field).containerPort"))
            }
            if let name = port["name"]?.stringValue, !name.isEmpty, !names.insert(name).inserted {
                causes.append(duplicate(name, field: "\(field).name"))
            }
        }
        return causes
    }

    private static func resourceCauses(_ resources: JSONValue?, at path: String) -> [Status.Cause] {
        var causes: [Status.Cause] = []
        var parsed: [String: [String: Quantity]] = [:]
        for section in ["limits", "requests"] {
            for (key, value) in resources?[section]?.members ?? [] {
                let text = value.stringValue ?? ObjectStore.numberText(value) ?? ""
                guard let quantity = try? Quantity(parsing: text) else { continue }
                parsed[section, default: [:]][key] = quantity
            }
        }
        for (key, request) in parsed["requests"] ?? [:] {
            if let limit = parsed["limits"]?[key], request > limit {
                causes.append(
                    Status.Cause(
                        reason: "FieldValueInvalid",
                        message:
                            "Invalid value: \"\(request)\": must be less than or equal to \(key) limit of \(limit)",
                        field: "\(path).requests"))
            }
        }
        return causes
    }

    /// A pod's spec may change only in its images, `activeDeadlineSeconds`, added tolerations
    /// and `terminationGracePeriodSeconds`.
    private static func immutability(old: JSONValue, new: JSONValue) -> Status.Cause? {
        func comparable(_ pod: JSONValue) -> JSONValue {
            var spec = pod["spec"] ?? .object([])
            for list in ["containers", "initContainers"] {
                guard case .array(var entries)? = spec[list] else { continue }
                for index in entries.indices { entries[index].set(["image"], nil) }
                spec.set([list], .array(entries))
            }
            for field in ["activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"] {
                spec.set([field], nil)
            }
            return spec
        }
        let oldTolerations = old.value(at: ["spec", "tolerations"])?.items ?? []
        let newTolerations = new.value(at: ["spec", "tolerations"])?.items ?? []
        let tolerationsKept = oldTolerations.allSatisfy(newTolerations.contains)
        guard comparable(old) != comparable(new) || !tolerationsKept else { return nil }
        return Status.Cause(
            reason: "FieldValueForbidden",
            message: "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
                + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
                + "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
                + "previously negative)",
            field: "spec")
    }

    // MARK: - ConfigMaps and Secrets

    private static func configKeyCauses(_ object: JSONValue, in sections: [String]) -> [Status.Cause] {
        var causes: [Status.Cause] = []
        for section in sections {
            for (key, _) in object[section]?.members ?? [] where !isConfigKey(key) {
                causes.append(
                    Status.Cause(
                        reason: "FieldValueInvalid",
                        message: "Invalid value: \"\(key)\": a valid config key must consist of alphanumeric "
                            + "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex "
                            + "used for validation is '[-._a-zA-Z0-9]+')",
                        field: "\(section)[\(key)]"))
            }
        }
        return causes
    }

    private static func isConfigKey(_ key: String) -> Bool {
        !key.isEmpty && key.count <= 253 && key != "." && key != ".."
            && key.unicodeScalars.allSatisfy { scalar in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                    || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" || scalar == "."
            }
    }

    /// Why the object cannot be decoded: a Secret value that is not base64, a resource amount
    /// that is not a quantity.
    private static func undecodable(_ object: JSONValue, _ resource: ResourceDefinition) -> String? {
        if resource.type == .secrets {
            for (_, value) in object["data"]?.members ?? [] {
                if let text = value.stringValue, Data(base64Encoded: text) == nil {
                    return "illegal base64 data"
                }
            }
        }
        let specPath: [String]
        switch resource.type {
        case .pods: specPath = ["spec"]
        case .deployments: specPath = ["spec", "template", "spec"]
        default: return nil
        }
        for list in ["initContainers", "containers"] {
            for container in object.value(at: specPath + [list])?.items ?? [] {
                for section in ["limits", "requests"] {
                    for (_, value) in container.value(at: ["resources", section])?.members ?? [] {
                        let text = value.stringValue ?? ObjectStore.numberText(value) ?? ""
                        if (try? Quantity(parsing: text)) == nil {
                            return "quantities must match the regular expression "
                                + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
                        }
                    }
                }
            }
        }
        return nil
    }

    // MARK: - Helpers

    private static func duplicate(_ value: String, field: String) -> Status.Cause {
        Status.Cause(reason: "FieldValueDuplicate", message: "Duplicate value: \"\(value)\"", field: field)
    }
}
