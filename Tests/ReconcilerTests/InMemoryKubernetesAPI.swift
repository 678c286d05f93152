import Foundation
import JSON
import Kubernetes
import Synchronization

/// A Kubernetes API server in memory, for executor tests, with the semantics the reconciler
/// relies on: server-assigned uid and resourceVersion, 409 AlreadyExists on a taken name,
/// 409 Conflict on a stale resourceVersion or a failed uid precondition, 404 NotFound with a
/// `Status` body, equality label selectors, the status subresource (PUT and merge patch), and
/// pods that linger with a deletionTimestamp until `finishTerminations()` when
/// `podsTerminateAtOnce` is false, and watches that replay every change after the
/// `resourceVersion` they name and then follow new ones.
final class InMemoryKubernetesAPI: KubernetesAPI {
    struct Watcher {
        var route: Route
        var selector: String?
        var continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    }

    struct State {
        /// Every change, oldest first, for watches to replay.
        var history: [(version: Int, collection: String, line: [UInt8], labels: JSONValue?)] = []
        var watchers: [Int: Watcher] = [:]
        var nextWatcher = 0
        /// collection path (`/api/v1/namespaces/kafka/pods`) → name → object
        var collections: [String: [String: JSONValue]] = [:]
        var version = 1000
        var nextUID = 1
        var requests: [String] = []
        /// Requests whose "METHOD path" contains the key fail once with the error.
        var faults: [(match: String, error: KubernetesError, afterApplying: Bool)] = []
    }

    let state = Mutex(State())
    let podsTerminateAtOnce: Bool

    init(podsTerminateAtOnce: Bool = true) { self.podsTerminateAtOnce = podsTerminateAtOnce }

    var requests: [String] { state.withLock { $0.requests } }
    var writes: [String] { requests.filter { !$0.hasPrefix("GET ") && !$0.hasPrefix("WATCH ") } }
    func resetLog() { state.withLock { $0.requests = [] } }

    /// The next request matching `match` fails with `error`; with `afterApplying`, only after
    /// the server did what it asked (a lost answer).
    func inject(_ error: KubernetesError, on match: String, afterApplying: Bool = false) {
        state.withLock { $0.faults.append((match, error, afterApplying)) }
    }

    func objects(_ type: ResourceType, namespace: String) -> [JSONValue] {
        state.withLock { state in
            (state.collections[type.path(namespace: namespace)] ?? [:]).sorted { $0.key < $1.key }.map(
                \.value)
        }
    }

    func names(_ type: ResourceType, namespace: String) -> [String] {
        objects(type, namespace: namespace).compactMap { $0["metadata"]?["name"]?.stringValue }
    }

    /// Stores an object as a client would create it.
    func seed(_ type: ResourceType, namespace: String, _ object: JSONValue) throws {
        _ = try state.withLock { state throws(KubernetesError) in
            try Self.create(&state, collection: type.path(namespace: namespace), type: type, object: object)
        }
    }

    /// Sets a pod's Ready condition, as a kubelet would.
    func markPodsReady(namespace: String) {
        state.withLock { state in
            let path = ResourceType.pods.path(namespace: namespace)
            for (name, pod) in state.collections[path] ?? [:] {
                let ready: JSONValue = .object([
                    ("phase", .string("Running")),
                    (
                        "conditions",
                        .array([.object([("type", .string("Ready")), ("status", .string("True"))])])
                    ),
                ])
                _ = Self.store(
                    &state, Route(collection: path, type: .pods), name, pod.setting("status", ready))
            }
        }
    }

    /// Removes pods whose deletion was requested.
    func finishTerminations() {
        state.withLock { state in
            for (path, objects) in state.collections {
                for (name, object) in objects where object["metadata"]?["deletionTimestamp"] != nil {
                    Self.remove(&state, path, name, object)
                }
            }
        }
    }

    func stream(_ request: APIRequest) -> AsyncThrowingStream<[UInt8], any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: [UInt8].self, throwing: (any Error).self)
        let id: Int? = state.withLock { state in
            state.requests.append("WATCH \(request.path)")
            guard let route = try? Self.route(request.path) else {
                continuation.finish(
                    throwing: KubernetesError.notFound(Self.status(404, "NotFound", request.path)))
                return nil
            }
            let selector = request.query.first { $0.name == "labelSelector" }?.value
            let since = request.query.first { $0.name == "resourceVersion" }.flatMap { Int($0.value) } ?? 0
            let watcher = Watcher(route: route, selector: selector, continuation: continuation)
            for change in state.history
            where change.version > since && Self.sees(watcher, change.collection, change.labels) {
                continuation.yield(change.line)
            }
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id] = watcher
            return id
        }
        if let id {
            // Not under the lock: termination may be reported while a change is being published.
            continuation.onTermination = { [weak self] _ in
                Task { self?.state.withLock { _ = $0.watchers.removeValue(forKey: id) } }
            }
        }
        return stream
    }

    static func sees(_ watcher: Watcher, _ collection: String, _ labels: JSONValue?) -> Bool {
        let everywhere = watcher.route.collection == watcher.route.type.path()
        let inScope =
            collection == watcher.route.collection
            || (everywhere && route(ofCollection: collection)?.type == watcher.route.type)
        return inScope && matches(watcher.selector, labels)
    }

    static func publish(_ state: inout State, _ type: String, _ collection: String, _ object: JSONValue) {
        let line = JSONValue.object([("type", .string(type)), ("object", object)]).encoded()
        let labels = object["metadata"]?["labels"]
        state.history.append((state.version, collection, line, labels))
        for watcher in state.watchers.values where sees(watcher, collection, labels) {
            watcher.continuation.yield(line)
        }
    }

    static func remove(_ state: inout State, _ collection: String, _ name: String, _ object: JSONValue) {
        state.collections[collection]?[name] = nil
        state.version += 1
        publish(
            &state, "DELETED", collection,
            object.setting(path: ["metadata", "resourceVersion"], .string(String(state.version))))
    }

    func send(_ request: APIRequest) async throws(KubernetesError) -> [UInt8] {
        try state.withLock { state throws(KubernetesError) in
            let line = "\(request.method) \(request.path)"
            state.requests.append(line)
            let fault = state.faults.firstIndex { line.contains($0.match) }.map {
                state.faults.remove(at: $0)
            }
            if let fault, !fault.afterApplying { throw fault.error }
            let answer = try Self.handle(&state, request, podsTerminateAtOnce: podsTerminateAtOnce).encoded()
            if let fault { throw fault.error }
            return answer
        }
    }

    // MARK: - The server

    struct Route {
        var collection: String
        var type: ResourceType
        var name: String? = nil
        var subresource: String? = nil
    }

    static let types: [ResourceType] = [
        .pods, .configMaps, .persistentVolumeClaims, .services, .events, .kafkaClusters,
    ]

    static func route(_ path: String) throws(KubernetesError) -> Route {
        let parts = path.split(separator: "/").map(String.init)
        // api/v1/namespaces/NS/PLURAL[/NAME[/SUB]] or apis/G/V/namespaces/NS/PLURAL[...]
        let base = parts.first == "api" ? 2 : 3
        if parts.count == base + 1, let type = types.first(where: { $0.plural == parts[base] }) {
            // Every namespace: the collection path without one.
            return Route(collection: type.path(), type: type, name: nil, subresource: nil)
        }
        guard parts.count >= base + 3, parts[base] == "namespaces",
            let type = types.first(where: { $0.plural == parts[base + 2] })
        else { throw .notFound(status(404, "NotFound", "the server could not find \(path)")) }
        let namespace = parts[base + 1]
        return Route(
            collection: type.path(namespace: namespace), type: type,
            name: parts.count > base + 3 ? parts[base + 3] : nil,
            subresource: parts.count > base + 4 ? parts[base + 4] : nil)
    }

    static func handle(_ state: inout State, _ request: APIRequest, podsTerminateAtOnce: Bool)
        throws(KubernetesError)
        -> JSONValue
    {
        let route = try route(request.path)
        let body: JSONValue? = try request.body.map { bytes throws(KubernetesError) in
            do { return try JSONReader.parse(bytes) } catch {
                throw .invalid(status(400, "BadRequest", "unreadable body"))
            }
        }
        switch (request.method, route.name) {
        case ("GET", nil):
            let selector = request.query.first { $0.name == "labelSelector" }?.value
            // A collection path without a namespace lists every namespace's objects of the type.
            let everywhere = route.collection == route.type.path()
            let items = state.collections.filter { path, _ in
                path == route.collection || (everywhere && Self.route(ofCollection: path)?.type == route.type)
            }
            .values.flatMap { $0 }.sorted { $0.key < $1.key }.map(\.value)
            .filter { matches(selector, $0["metadata"]?["labels"]) }
            return .object([
                ("apiVersion", .string(route.type.apiVersion)), ("kind", .string(route.type.kind + "List")),
                ("metadata", .object([("resourceVersion", .string(String(state.version)))])),
                ("items", .array(items)),
            ])
        case ("GET", let name?):
            return try existing(state, route, name)
        case ("POST", nil):
            guard let body else { throw .invalid(status(422, "Invalid", "no body")) }
            return try create(&state, collection: route.collection, type: route.type, object: body)
        case ("PUT", let name?):
            guard let body else { throw .invalid(status(422, "Invalid", "no body")) }
            let current = try existing(state, route, name)
            guard body["metadata"]?["resourceVersion"] == current["metadata"]?["resourceVersion"] else {
                throw .conflict(
                    status(
                        409, "Conflict",
                        "Operation cannot be fulfilled on \(route.type.plural) \"\(name)\": the object has been modified"
                    ))
            }
            var next: JSONValue
            if route.subresource == "status" {
                next = current.setting("status", body["status"] ?? .null)
            } else {
                next = body.setting(path: ["metadata", "uid"], current["metadata"]?["uid"] ?? .null)
                if route.type == .kafkaClusters { next = next.setting("status", current["status"] ?? .null) }
            }
            return store(&state, route, name, next)
        case ("PATCH", let name?):
            guard let body, request.contentType == PatchType.merge.rawValue else {
                throw .invalid(status(415, "UnsupportedMediaType", "merge patches only"))
            }
            let current = try existing(state, route, name)
            var patch = body
            if route.subresource == "status" { patch = .object([("status", body["status"] ?? .null)]) }
            return store(&state, route, name, current.mergePatched(with: patch))
        case ("DELETE", let name?):
            let current = try existing(state, route, name)
            if let uid = body?["preconditions"]?["uid"], uid != .null, uid != current["metadata"]?["uid"] {
                throw .conflict(status(409, "Conflict", "Precondition failed: UID in precondition: \(uid)"))
            }
            if route.type == .pods && !podsTerminateAtOnce {
                if current["metadata"]?["deletionTimestamp"] == nil {
                    _ = store(
                        &state, route, name,
                        current.setting(
                            path: ["metadata", "deletionTimestamp"], .string("2026-12-01T00:00:00Z")))
                }
            } else {
                remove(&state, route.collection, name, current)
            }
            return .object([("kind", .string("Status")), ("status", .string("Success"))])
        default:
            throw .server(code: 405, status(405, "MethodNotAllowed", "\(request.method) is not allowed here"))
        }
    }

    static func route(ofCollection path: String) -> Route? { try? route(path) }

    static func existing(_ state: State, _ route: Route, _ name: String) throws(KubernetesError) -> JSONValue
    {
        guard let object = state.collections[route.collection]?[name] else {
            throw .notFound(status(404, "NotFound", "\(route.type.plural) \"\(name)\" not found"))
        }
        return object
    }

    static func store(_ state: inout State, _ route: Route, _ name: String, _ object: JSONValue) -> JSONValue
    {
        state.version += 1
        let stored = object.setting(path: ["metadata", "resourceVersion"], .string(String(state.version)))
        state.collections[route.collection]?[name] = stored
        publish(&state, "MODIFIED", route.collection, stored)
        return stored
    }

    static func create(_ state: inout State, collection: String, type: ResourceType, object: JSONValue)
        throws(KubernetesError) -> JSONValue
    {
        guard let name = object["metadata"]?["name"]?.stringValue, !name.isEmpty else {
            throw .invalid(status(422, "Invalid", "metadata.name: Required value"))
        }
        if state.collections[collection]?[name] != nil {
            throw .alreadyExists(status(409, "AlreadyExists", "\(type.plural) \"\(name)\" already exists"))
        }
        state.version += 1
        state.nextUID += 1
        let stored = object.setting(path: ["metadata", "uid"], .string("uid-\(state.nextUID)"))
            .setting(path: ["metadata", "resourceVersion"], .string(String(state.version)))
            .setting(path: ["metadata", "creationTimestamp"], .string("2026-12-01T00:00:00Z"))
        state.collections[collection, default: [:]][name] = stored
        publish(&state, "ADDED", collection, stored)
        return stored
    }

    static func matches(_ selector: String?, _ labels: JSONValue?) -> Bool {
        guard let selector, !selector.isEmpty else { return true }
        return selector.split(separator: ",").allSatisfy { term in
            let pair = term.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return false }
            return labels?[pair[0]]?.stringValue == pair[1]
        }
    }

    static func status(_ code: Int, _ reason: String, _ message: String) -> Status {
        Status(code: code, reason: reason, message: message)
    }
}

extension JSONValue {
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return .object([(key, value)]) }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }

    func setting(path: [String], _ value: JSONValue) -> JSONValue {
        guard let first = path.first else { return value }
        return setting(first, (self[first] ?? .object([])).setting(path: Array(path.dropFirst()), value))
    }

    /// RFC 7386.
    func mergePatched(with patch: JSONValue) -> JSONValue {
        guard case .object(let members) = patch else { return patch }
        var result: JSONValue = if case .object = self { self } else { .object([]) }
        for member in members {
            if member.value == .null {
                if case .object(var existing) = result {
                    existing.removeAll { $0.key == member.key }
                    result = .object(existing)
                }
            } else {
                result = result.setting(
                    member.key, (result[member.key] ?? .null).mergePatched(with: member.value))
            }
        }
        return result
    }
}
