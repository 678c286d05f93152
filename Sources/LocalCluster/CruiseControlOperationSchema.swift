import JSON
import KubernetesAPITypes

/// What the API server enforces for a CruiseControlOperation, as its CRD's structural schema
/// (deploy/crd-cruisecontroloperation.yaml) makes it: `spec.errorPolicy` one of `ignore` and
/// `retry`, defaulted to `retry`; `spec.ttlSecondsAfterFinished` an integer of at least 0; a
/// status names its `errorPolicy` and `retryCount`, and every task its `operation`. A refusal is
/// the real server's 422 with one cause per field.
enum CruiseControlOperationSchema {
    private typealias JSONType = SchemaCheck.JSONType

    private static func expect(
        _ value: JSONValue, _ type: JSONType, at path: String, _ causes: inout [Status.Cause]
    ) -> Bool {
        SchemaCheck.expect(value, type, at: path, &causes)
    }

    private static func required(
        _ object: JSONValue, _ key: String, in path: String, _ causes: inout [Status.Cause]
    ) -> JSONValue? {
        SchemaCheck.required(object, key, in: path, &causes)
    }

    /// Defaults `object` in place, then throws the 422 when it breaks the schema.
    static func admit(_ object: inout JSONValue, _ resource: ResourceDefinition, name: String)
        throws(APIError)
    {
        if let spec = object["spec"], spec.members != nil, spec["errorPolicy"] == nil {
            object.set(["spec", "errorPolicy"], .string("retry"))
        }
        var causes: [Status.Cause] = []
        if let spec = object["spec"] {
            if expect(spec, .object, at: "spec", &causes) {
                if let policy = spec["errorPolicy"] { errorPolicy(policy, at: "spec.errorPolicy", &causes) }
                if let ttl = spec["ttlSecondsAfterFinished"],
                    expect(ttl, .integer, at: "spec.ttlSecondsAfterFinished", &causes),
                    case .number(let text) = ttl, let seconds = Int(text), seconds < 0
                {
                    causes.append(
                        Status.Cause(
                            reason: "FieldValueInvalid",
                            message:
                                "Invalid value: \(seconds): spec.ttlSecondsAfterFinished in body should be greater than or equal to 0",
                            field: "spec.ttlSecondsAfterFinished"))
                }
            }
        }
        if let status = object["status"], expect(status, .object, at: "status", &causes) {
            if let policy = required(status, "errorPolicy", in: "status", &causes) {
                _ = expect(policy, .string, at: "status.errorPolicy", &causes)
            }
            if let count = required(status, "retryCount", in: "status", &causes) {
                _ = expect(count, .integer, at: "status.retryCount", &causes)
            }
            if let task = status["currentTask"] { self.task(task, at: "status.currentTask", &causes) }
            if let failed = status["failedTasks"], expect(failed, .array, at: "status.failedTasks", &causes),
                case .array(let tasks) = failed
            {
                for (index, task) in tasks.enumerated() {
                    self.task(task, at: "status.failedTasks[\(index)]", &causes)
                }
            }
        }
        if !causes.isEmpty { throw .invalid(resource, name, causes) }
    }

    private static func task(_ task: JSONValue, at path: String, _ causes: inout [Status.Cause]) {
        guard expect(task, .object, at: path, &causes) else { return }
        if let operation = required(task, "operation", in: path, &causes) {
            _ = expect(operation, .string, at: "\(path).operation", &causes)
        }
        for key in ["id", "started", "finished", "httpRequest", "state", "errorMessage"] {
            if let value = task[key] { _ = expect(value, .string, at: "\(path).\(key)", &causes) }
        }
        if let code = task["httpResponseCode"] {
            _ = expect(code, .integer, at: "\(path).httpResponseCode", &causes)
        }
        for key in ["parameters", "summary"] {
            guard let map = task[key], expect(map, .object, at: "\(path).\(key)", &causes) else { continue }
            for (member, value) in map.members ?? [] {
                _ = expect(value, .string, at: "\(path).\(key).\(member)", &causes)
            }
        }
    }

    private static func errorPolicy(_ value: JSONValue, at path: String, _ causes: inout [Status.Cause]) {
        guard expect(value, .string, at: path, &causes), let text = value.stringValue else { return }
        guard text != "ignore", text != "retry" else { return }
        causes.append(
            Status.Cause(
                reason: "FieldValueNotSupported",
                message: "Unsupported value: \"\(text)\": supported values: \"ignore\", \"retry\"",
                field: path))
    }
}
