import JSON
import KubernetesAPITypes

/// What the API server enforces for a KafkaTopic, as its CRD's structural schema
/// (deploy/crd-kafkatopic.yaml) makes it: a spec with `clusterRef.name`, `name`, `partitions`
/// and `replicationFactor` (integers of at least -1, the factor at most 32767), `config` text
/// values; a status names its `state`. A refusal is the real server's 422 with one cause per
/// field. What Kafka itself refuses (fewer partitions, a new factor) is the operator's to say.
enum KafkaTopicSchema {
    static func admit(_ object: inout JSONValue, _ resource: ResourceDefinition, name: String)
        throws(APIError)
    {
        var causes: [Status.Cause] = []
        if let spec = SchemaCheck.required(object, "spec", in: "", &causes),
            SchemaCheck.expect(spec, .object, at: "spec", &causes)
        {
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
            if let topic = SchemaCheck.required(spec, "name", in: "spec", &causes) {
                _ = SchemaCheck.expect(topic, .string, at: "spec.name", &causes)
            }
            if let partitions = SchemaCheck.required(spec, "partitions", in: "spec", &causes) {
                SchemaCheck.integer(partitions, in: -1...Int(Int32.max), at: "spec.partitions", &causes)
            }
            if let factor = SchemaCheck.required(spec, "replicationFactor", in: "spec", &causes) {
                SchemaCheck.integer(factor, in: -1...Int(Int16.max), at: "spec.replicationFactor", &causes)
            }
            if let config = spec["config"] { SchemaCheck.stringMap(config, at: "spec.config", &causes) }
        }
        if let status = object["status"], SchemaCheck.expect(status, .object, at: "status", &causes) {
            if let state = SchemaCheck.required(status, "state", in: "status", &causes) {
                _ = SchemaCheck.expect(state, .string, at: "status.state", &causes)
            }
            for key in ["managedBy", "message"] {
                if let value = status[key] {
                    _ = SchemaCheck.expect(value, .string, at: "status.\(key)", &causes)
                }
            }
            if let count = status["partitionCount"] {
                SchemaCheck.integer(
                    count, in: Int(Int32.min)...Int(Int32.max), at: "status.partitionCount", &causes)
            }
            if let factor = status["replicationFactor"] {
                SchemaCheck.integer(
                    factor, in: Int(Int32.min)...Int(Int32.max), at: "status.replicationFactor", &causes)
            }
            if let generation = status["observedGeneration"] {
                _ = SchemaCheck.expect(generation, .integer, at: "status.observedGeneration", &causes)
            }
            if let keys = status["configKeys"],
                SchemaCheck.expect(keys, .array, at: "status.configKeys", &causes),
                case .array(let items) = keys
            {
                for (index, item) in items.enumerated() {
                    _ = SchemaCheck.expect(item, .string, at: "status.configKeys[\(index)]", &causes)
                }
            }
        }
        if !causes.isEmpty { throw .invalid(resource, name, causes) }
    }
}
