import JSON

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Typed operations on top of the two primitives. Objects travel as JSON in the API's field
/// names; `apiVersion` and `kind` are filled in on the way out and on the way back.
extension KubernetesAPI {
    public func get<Object: KubernetesObject>(
        _ type: Object.Type, namespace: String?, name: String
    ) async throws(KubernetesError) -> Object {
        let path = Object.resourceType.path(namespace: namespace, name: name)
        return try decode(Object.self, try await send(APIRequest(method: "GET", path: path)))
    }

    public func list<Object: KubernetesObject>(
        _ type: Object.Type, namespace: String?, options: ListOptions = ListOptions()
    ) async throws(KubernetesError) -> ObjectList<Object> {
        let path = Object.resourceType.path(namespace: namespace)
        let bytes = try await send(
            APIRequest(method: "GET", path: path, query: options.queryItems(watch: false)))
        var list = try decode(ObjectList<Object>.self, bytes)
        for index in list.items.indices { list.items[index].stampTypeMeta() }
        return list
    }

    public func create<Object: KubernetesObject>(_ object: Object) async throws(KubernetesError) -> Object {
        let path = Object.resourceType.path(namespace: object.metadata.namespace)
        return try decode(Object.self, try await send(jsonRequest("POST", path, object)))
    }

    /// Replaces the object; its `metadata.resourceVersion` must be the current one, or the
    /// server answers 409 Conflict.
    public func update<Object: KubernetesObject>(_ object: Object) async throws(KubernetesError) -> Object {
        let path = Object.resourceType.path(namespace: object.metadata.namespace, name: object.name)
        return try decode(Object.self, try await send(jsonRequest("PUT", path, object)))
    }

    /// Replaces only the object's `status` (the status subresource); the spec is left alone.
    public func updateStatus<Object: KubernetesObject>(_ object: Object) async throws(KubernetesError)
        -> Object
    {
        let path = Object.resourceType.path(
            namespace: object.metadata.namespace, name: object.name, subresource: "status")
        return try decode(Object.self, try await send(jsonRequest("PUT", path, object)))
    }

    /// Applies a JSON merge patch (RFC 7386) and returns the result.
    public func patch<Object: KubernetesObject>(
        _ type: Object.Type, namespace: String?, name: String, mergePatch: JSONValue,
        subresource: String? = nil
    ) async throws(KubernetesError) -> Object {
        let path = Object.resourceType.path(namespace: namespace, name: name, subresource: subresource)
        let request = APIRequest(
            method: "PATCH", path: path, body: mergePatch.encoded(), contentType: PatchType.merge.rawValue)
        return try decode(Object.self, try await send(request))
    }

    /// Deletes the object, if `options.preconditions` still hold (409 Conflict otherwise).
    public func delete(
        _ type: ResourceType, namespace: String?, name: String, options: DeleteOptions = DeleteOptions()
    ) async throws(KubernetesError) {
        let path = type.path(namespace: namespace, name: name)
        let body: [UInt8]
        do { body = Array(try JSONEncoder().encode(options)) } catch {
            throw .decoding("the delete options could not be encoded: \(error)")
        }
        _ = try await send(
            APIRequest(method: "DELETE", path: path, body: body, contentType: "application/json"))
    }

    /// The raw event stream of one watch call from `options.resourceVersion`; see
    /// `ResourceWatcher` for a watch that resumes and relists.
    public func watchEvents<Object: KubernetesObject>(
        _ type: Object.Type, namespace: String?, options: ListOptions
    ) -> AsyncThrowingStream<WatchEvent<Object>, any Error> {
        let request = APIRequest(
            method: "GET", path: Object.resourceType.path(namespace: namespace),
            query: options.queryItems(watch: true))
        let raw = stream(request)
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await bytes in raw {
                        continuation.yield(try WatchEventDecoder.decode(Object.self, bytes))
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func jsonRequest<Object: KubernetesObject>(
        _ method: String, _ path: String, _ object: Object
    ) throws(KubernetesError) -> APIRequest {
        var object = object
        object.stampTypeMeta()
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = Array(try encoder.encode(object))
            return APIRequest(method: method, path: path, body: body, contentType: "application/json")
        } catch {
            throw .decoding("\(Object.resourceType.kind) could not be encoded: \(error)")
        }
    }

    func decode<Value: Decodable>(_ type: Value.Type, _ bytes: [UInt8]) throws(KubernetesError) -> Value {
        do {
            var value = try JSONDecoder().decode(Value.self, from: Data(bytes))
            if var object = value as? any KubernetesObject {
                object.stampTypeMeta()
                // Safe: `object` was cast from `value`, so it has the same type.
                value = object as! Value  // swift-format-ignore: NeverForceUnwrap
            }
            return value
        } catch {
            throw .decoding("expected \(Value.self): \(error)")
        }
    }
}

/// Reads one watch event line: `{"type": "ADDED", "object": {...}}`. An `ERROR` event carries a
/// `Status`, thrown as the `KubernetesError` it stands for (410 Gone: list again).
public enum WatchEventDecoder {
    public static func decode<Object: KubernetesObject>(
        _ type: Object.Type, _ bytes: [UInt8]
    ) throws(KubernetesError) -> WatchEvent<Object> {
        let data = Data(bytes)
        let kind: WatchEventKind
        do {
            kind = try JSONDecoder().decode(WatchEnvelope<JSONValue>.self, from: data).type
        } catch {
            throw .decoding("a watch event is not {type, object}: \(error)")
        }
        do {
            if kind == .error {
                let status = try JSONDecoder().decode(WatchEnvelope<Status>.self, from: data).object
                throw KubernetesError(code: status.code ?? 500, status: status)
            }
            var object = try JSONDecoder().decode(WatchEnvelope<Object>.self, from: data).object
            object.stampTypeMeta()
            return WatchEvent(type: kind, object: object)
        } catch let error as KubernetesError {
            throw error
        } catch {
            throw .decoding(
                "a \(kind.rawValue) event's object is not a \(Object.resourceType.kind): \(error)")
        }
    }
}

private struct WatchEnvelope<Body: Decodable>: Decodable {
    var type: WatchEventKind
    var object: Body
}

extension KubernetesAPI {
    /// Creates the namespace `name` unless it exists, as `kubectl create namespace` would.
    public func createNamespaceUnlessPresent(_ name: String) async throws(KubernetesError) {
        let body = JSONValue.object([
            ("apiVersion", .string("v1")), ("kind", .string("Namespace")),
            ("metadata", .object([("name", .string(name))])),
        ])
        do {
            _ = try await send(
                APIRequest(
                    method: "POST", path: ResourceType.namespaces.path(), body: body.encoded(),
                    contentType: "application/json"))
        } catch {
            guard case .alreadyExists = error else { throw error }
        }
    }
}
