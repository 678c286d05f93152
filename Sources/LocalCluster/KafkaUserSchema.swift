import JSON
import KubernetesAPITypes

/// What the API server enforces for a KafkaUser, as its CRD's structural schema
/// (deploy/crd-kafkauser.yaml) makes it: a spec with `clusterRef.name` and `secretName`,
/// `createCert` and `includeJKS` booleans, `topicGrants` each with a `topicName` and an
/// `accessType` of read or write and an optional `patternType` among Koperator's four,
/// `expirationSeconds` of at least an hour; a status names its `state`. A refusal is the real
/// server's 422 with one cause per field.
enum KafkaUserSchema {
    static let accessTypes = ["read", "write"]
    static let patternTypes = ["literal", "match", "prefixed", "any"]

    static func admit(_ object: inout JSONValue, _ resource: ResourceDefinition, name: String)
        throws(APIError)
    {
        var causes: [Status.Cause] = []
        if let spec = SchemaCheck.required(object, "spec", in: "", &causes),
            SchemaCheck.expect(spec, .object, at: "spec", &causes)
        {
            checkSpec(spec, &causes)
        }
        if let status = object["status"], SchemaCheck.expect(status, .object, at: "status", &causes) {
            if let state = SchemaCheck.required(status, "state", in: "status", &causes) {
                _ = SchemaCheck.expect(state, .string, at: "status.state", &causes)
            }
            for key in ["message", "certificateNotAfter"] {
                if let value = status[key] {
                    _ = SchemaCheck.expect(value, .string, at: "status.\(key)", &causes)
                }
            }
            if let generation = status["observedGeneration"] {
                _ = SchemaCheck.expect(generation, .integer, at: "status.observedGeneration", &causes)
            }
            if let acls = status["acls"], SchemaCheck.expect(acls, .array, at: "status.acls", &causes),
                case .array(let items) = acls
            {
                for (index, item) in items.enumerated() {
                    _ = SchemaCheck.expect(item, .string, at: "status.acls[\(index)]", &causes)
                }
            }
        }
        if !causes.isEmpty { throw .invalid(resource, name, causes) }
    }

    private static func checkSpec(_ spec: JSONValue, _ causes: inout [Status.Cause]) {
        if let reference = SchemaCheck.required(spec, "clusterRef", in: "spec", &causes),
            SchemaCheck.expect(reference, .object, at: "spec.clusterRef", &causes)
        {
            if let name = SchemaCheck.required(reference, "name", in: "spec.clusterRef", &causes) {
                _ = SchemaCheck.expect(name, .string, at: "spec.clusterRef.name", &causes)
            }
            if let namespace = reference["namespace"] {
                _ = SchemaCheck.expect(namespace, .string, at: "spec.clusterRef.namespace", &causes)
            }
        }
        if let secret = SchemaCheck.required(spec, "secretName", in: "spec", &causes) {
            _ = SchemaCheck.expect(secret, .string, at: "spec.secretName", &causes)
        }
        for key in ["createCert", "includeJKS"] {
            if let value = spec[key] { _ = SchemaCheck.expect(value, .boolean, at: "spec.\(key)", &causes) }
        }
        if let seconds = spec["expirationSeconds"] {
            SchemaCheck.integer(seconds, in: 3600...Int(Int32.max), at: "spec.expirationSeconds", &causes)
        }
        if let names = spec["dnsNames"], SchemaCheck.expect(names, .array, at: "spec.dnsNames", &causes),
            case .array(let items) = names
        {
            for (index, item) in items.enumerated() {
                _ = SchemaCheck.expect(item, .string, at: "spec.dnsNames[\(index)]", &causes)
            }
        }
        if let grants = spec["topicGrants"],
            SchemaCheck.expect(grants, .array, at: "spec.topicGrants", &causes),
            case .array(let items) = grants
        {
            for (index, grant) in items.enumerated() {
                let path = "spec.topicGrants[\(index)]"
                guard SchemaCheck.expect(grant, .object, at: path, &causes) else { continue }
                if let topic = SchemaCheck.required(grant, "topicName", in: path, &causes) {
                    _ = SchemaCheck.expect(topic, .string, at: "\(path).topicName", &causes)
                }
                if let access = SchemaCheck.required(grant, "accessType", in: path, &causes) {
                    SchemaCheck.oneOf(access, accessTypes, at: "\(path).accessType", &causes)
                }
                if let pattern = grant["patternType"] {
                    SchemaCheck.oneOf(pattern, patternTypes, at: "\(path).patternType", &causes)
                }
            }
        }
    }
}
