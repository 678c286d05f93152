import JSON
import KubernetesAPITypes
import ResourceQuantity

/// What the API server allows a PersistentVolumeClaim update to change, as Kubernetes decides
/// it in two stages: validation (422 Invalid: the spec is immutable except the requested size
/// of a bound claim, and that size never decreases), then the PersistentVolumeClaimResize
/// admission plugin (403 Forbidden: a claim grows only when its StorageClass exists and sets
/// `allowVolumeExpansion: true`).
enum ClaimUpdateRules {
    /// Throws the API's answer when `new` may not replace `old`. `storageClass` looks a class
    /// up by name.
    static func check(
        _ resource: ResourceDefinition, name: String, old: JSONValue, new: JSONValue,
        storageClass: (String) -> JSONValue?
    ) throws(APIError) {
        let storagePath = ["resources", "requests", "storage"]
        let oldSpec = old["spec"] ?? .object([])
        let newSpec = new["spec"] ?? .object([])
        var causes: [Status.Cause] = []

        let newText = newSpec.value(at: storagePath)?.stringValue
        let newSize = newText.flatMap { try? Quantity(parsing: $0) }
        if let newText, newSize == nil {
            causes.append(
                Status.Cause(
                    reason: "FieldValueInvalid",
                    message: "Invalid value: \"\(newText)\": quantities must match the regular expression "
                        + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                    field: "spec.resources.requests[storage]"))
        }
        let oldSize = oldSpec.value(at: storagePath)?.stringValue.flatMap { try? Quantity(parsing: $0) }

        // The volume's name may be set once (binding) and the class set where there was none;
        // a bound claim's requested size may change. Anything else is immutable.
        var comparable = newSpec
        if oldSpec["volumeName"]?.stringValue?.isEmpty ?? true {
            comparable.set(["volumeName"], oldSpec["volumeName"])
        }
        if oldSpec["storageClassName"] == nil || oldSpec["storageClassName"] == .null {
            comparable.set(["storageClassName"], oldSpec["storageClassName"])
        }
        let bound = old.value(at: ["status", "phase"])?.stringValue == "Bound"
        if bound, comparable.value(at: ["resources", "requests"]) != nil {
            comparable.set(["resources", "requests", "storage"], oldSpec.value(at: storagePath))
        }
        if comparable != oldSpec {
            causes.append(
                Status.Cause(
                    reason: "FieldValueForbidden",
                    message: "Forbidden: spec is immutable after creation except resources.requests and "
                        + "volumeAttributesClassName for bound claims",
                    field: "spec"))
        }
        if let oldSize, let newSize, newSize < oldSize {
            causes.append(
                Status.Cause(
                    reason: "FieldValueForbidden",
                    message: "Forbidden: field can not be less than previous value",
                    field: "spec.resources.requests.storage"))
        }
        if !causes.isEmpty { throw .invalid(resource, name, causes) }

        guard let oldSize, let newSize, newSize > oldSize else { return }
        if !bound {
            throw .forbidden(resource, name, "Only bound persistent volume claims can be expanded")
        }
        let className = newSpec["storageClassName"]?.stringValue ?? ""
        let expandable =
            !className.isEmpty && className == oldSpec["storageClassName"]?.stringValue
            && storageClass(className)?["allowVolumeExpansion"] == .bool(true)
        if !expandable {
            throw .forbidden(
                resource, name,
                "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc "
                    + "must support resize")
        }
    }
}
