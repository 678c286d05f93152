import HTTPServer
import JSON
import KubernetesAPITypes
import Logging

/// Serves the Kubernetes REST API over the object store: parses the path and query, applies
/// injected faults, runs the verb, and answers JSON (a Table when kubectl asks for one, a
/// stream of events for a watch, a `Status` for every failure).
struct APIHandler: Sendable {
    let store: ObjectStore
    let registry: ResourceRegistry
    let discovery: Discovery
    let faults: FaultInjector
    let audit: RequestAudit
    let configuration: LocalClusterConfiguration
    let logger: Logger

    /// Every method on every path below `/api` and `/apis`, plus `/version`, comes here.
    func routes() -> Router {
        var router = Router()
        let handler: HTTPHandler = { request in await handle(request) }
        let methods: [HTTPMethod] = [.get, .post, .put, .patch, .delete]
        for method in methods {
            router.add(method, "/version", handler: handler)
            for probe in ["/healthz", "/livez", "/readyz"] { router.add(method, probe, handler: handler) }
            router.add(method, "/openapi/v3", handler: handler)
            router.add(method, "/openapi/v3/api/v1", handler: handler)
            router.add(method, "/openapi/v3/apis/{group}/{version}", handler: handler)
            for root in ["/api", "/apis"] {
                var pattern = root
                router.add(method, pattern, handler: handler)
                for depth in 1...8 {
                    pattern += "/{p\(depth)}"
                    router.add(method, pattern, handler: handler)
                }
            }
        }
        return router
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        if configuration.requireToken,
            request.headers["Authorization"] != "Bearer \(configuration.token)"
        {
            return Self.failure(.unauthorized())
        }
        if request.path.hasPrefix("/openapi/v3") {
            return await openAPI(request)
        }
        if ["/healthz", "/livez", "/readyz"].contains(request.path) {
            // The probes of a real API server: "ok" while it serves.
            guard request.method == .get else {
                return Self.failure(.methodNotAllowed(request.method.rawValue))
            }
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array("ok".utf8))
        }
        guard let path = APIPath(request.path) else { return Self.failure(.unknownPath(request.path)) }
        do {
            return try await serve(path, request)
        } catch {
            return Self.failure(error)
        }
    }

    private func openAPI(_ request: HTTPRequest) async -> HTTPResponse {
        guard request.method == .get else { return Self.failure(.methodNotAllowed(request.method.rawValue)) }
        var crds: [String: JSONValue] = [:]
        if let definition = registry.definition(for: .customResourceDefinitions) {
            for crd in await store.all(definition) {
                crds[ObjectStore.name(of: crd)] = crd
            }
        }
        let documents = OpenAPIDocuments(registry: registry, crds: crds)
        if request.path == "/openapi/v3" { return Self.json(.ok, documents.root) }
        let parts = request.path.split(separator: "/").map(String.init)
        let document: OpenAPIDocuments.Document?
        if parts.count == 4, parts[2] == "api" {
            document = documents.document(group: "", version: parts[3])
        } else if parts.count == 5, parts[2] == "apis" {
            document = documents.document(group: parts[3], version: parts[4])
        } else {
            document = nil
        }
        guard let document else { return Self.failure(.unknownPath(request.path)) }
        return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: document.bytes)
    }

    private func serve(_ path: APIPath, _ request: HTTPRequest) async throws(APIError) -> HTTPResponse {
        switch path {
        case .version: return try discoveryAnswer(discovery.version, request)
        case .coreVersions: return try discoveryAnswer(discovery.coreVersions, request)
        case .groupList: return try discoveryAnswer(discovery.groupList, request)
        case .group(let name):
            guard let document = discovery.group(named: name) else { throw .unknownPath(request.path) }
            return try discoveryAnswer(document, request)
        case .resourceList(let group, let version):
            guard let document = discovery.resourceList(group: group, version: version) else {
                throw .unknownPath(request.path)
            }
            return try discoveryAnswer(document, request)
        case .resource(let group, let version, let plural, let namespace, let name, let subresource):
            guard let resource = registry.find(group: group, version: version, plural: plural) else {
                if let review = ReviewResources.find(group: group, version: version, plural: plural),
                    namespace == nil, name == nil
                {
                    guard request.method == .post else { throw .methodNotAllowed(request.method.rawValue) }
                    // The answer does not depend on the body; its spec (JSON, or protobuf as
                    // kubectl sends reviews) is echoed.
                    let apiVersion = "\(review.group)/\(review.version)"
                    let body =
                        (try? objectBody(request, apiVersion: apiVersion, kind: review.kind, protobuf: true).0)
                        ?? .object([])
                    return Self.json(.created, ReviewResources.answer(review, body: body))
                }
                throw .unknownPath(request.path)
            }
            return try await serve(
                resource, namespace: namespace, name: name, subresource: subresource, request)
        }
    }

    private func discoveryAnswer(_ document: JSONValue, _ request: HTTPRequest) throws(APIError)
        -> HTTPResponse
    {
        guard request.method == .get else { throw .methodNotAllowed(request.method.rawValue) }
        return Self.json(.ok, document)
    }

    // MARK: - Resources

    private func serve(
        _ resource: ResourceDefinition, namespace: String?, name: String?, subresource: String?,
        _ request: HTTPRequest
    ) async throws(APIError) -> HTTPResponse {
        if let subresource, let name,
            Subresources.served(by: resource).contains(where: { $0.name == subresource })
        {
            return try await serve(
                resource, namespace: namespace, name: name, subresource: subresource, request)
        }
        if let subresource, subresource != "status" || !resource.hasStatus {
            throw .unknownPath(request.path)
        }
        if namespace != nil && !resource.namespaced { throw .unknownPath(request.path) }
        let watching = ["true", "1"].contains(request.queryValue("watch") ?? "")
        let verb = Self.verb(request.method, named: name != nil, watching: watching)
        audit.record(
            verb: verb, group: resource.type.group, resource: resource.plural, subresource: subresource,
            userAgent: request.headers["User-Agent"] ?? "")
        let decision = faults.decide(verb: verb, resource: resource.plural)
        if let delay = decision.delay { try? await Task.sleep(for: delay) }
        if let code = decision.failureCode { throw .injected(code: code) }
        if decision.conflict, let name { throw .staleResourceVersion(resource, name) }
        // A missing namespace only refuses creation (the store answers NotFound for the
        // namespace); reading there finds nothing, as on a real server: an empty list, a 404
        // for the object.
        let status = subresource == "status"
        let answer = try await perform(
            resource, namespace: namespace, name: name, status: status, watching: watching, request)
        if let code = decision.lateFailureCode { throw .injected(code: code) }
        return answer
    }

    /// A Deployment's scale, or a pod's container subresources (answered with why not).
    private func serve(
        _ resource: ResourceDefinition, namespace: String?, name: String, subresource: String,
        _ request: HTTPRequest
    ) async throws(APIError) -> HTTPResponse {
        let current = try await store.get(resource, namespace: namespace, name: name)
        guard subresource == "scale" else { throw Subresources.noContainers(resource, name, subresource) }
        let scale: JSONValue
        switch request.method {
        case .get:
            return Self.json(.ok, Subresources.scale(of: current))
        case .put:
            scale = try objectBody(request, apiVersion: "autoscaling/v1", kind: "Scale", protobuf: true).0
        case .patch:
            let patch = try parse(request.body)
            let existing = Subresources.scale(of: current)
            switch try patchKind(resource, request) {
            case .merge: scale = existing.applyingMergePatch(patch)
            case .json:
                do { scale = try existing.applyingJSONPatch(patch) } catch {
                    throw .badRequest(error.description)
                }
            case .strategic:
                do { scale = try StrategicMergePatch(lists: [:]).apply(patch, to: existing) } catch {
                    throw .badRequest(error.description)
                }
            }
        default:
            throw .methodNotAllowed(request.method.rawValue)
        }
        let change = try Subresources.deploymentPatch(from: scale, name: name)
        let updated = try await write(dryRun: try dryRun(request, options: "UpdateOptions")) {
            store throws(APIError) in
            try store.patch(
                resource, namespace: namespace, name: name, patch: change, kind: .merge, status: false)
        }
        return Self.json(.ok, Subresources.scale(of: updated))
    }

    private func perform(
        _ resource: ResourceDefinition, namespace: String?, name: String?, status: Bool, watching: Bool,
        _ request: HTTPRequest
    ) async throws(APIError) -> HTTPResponse {
        switch (request.method, name) {
        case (.get, nil):
            if watching { return try await watch(resource, namespace: namespace, request) }
            return try await list(resource, namespace: namespace, request)
        case (.get, let name?):
            let object = try await store.get(resource, namespace: namespace, name: name)
            if wantsTable(request) && !status {
                return Self.json(
                    .ok,
                    TableRenderer.table(
                        resource, items: [object], resourceVersion: await store.resourceVersion,
                        includeObject: try includeObject(request)))
            }
            return Self.json(.ok, object)
        case (.post, nil):
            let dryRun = try dryRun(request, options: "CreateOptions")
            let fields = try fieldValidation(request, options: "CreateOptions")
            let (body, duplicates) = try objectBody(resource, request)
            let (created, warnings) = try await write(dryRun: dryRun) { store throws(APIError) in
                var warnings: [String] = []
                let created = try store.create(
                    resource, namespace: namespace, body: body, fields: fields,
                    duplicates: FieldValidation.duplicates(duplicates), warnings: &warnings)
                return (created, warnings)
            }
            return Self.json(.created, created, warnings: warnings)
        case (.put, let name?):
            let dryRun = try dryRun(request, options: "UpdateOptions")
            let fields = try fieldValidation(request, options: "UpdateOptions")
            let (body, duplicates) = try objectBody(resource, request)
            let (updated, warnings) = try await write(dryRun: dryRun) { store throws(APIError) in
                var warnings: [String] = []
                let updated = try store.update(
                    resource, namespace: namespace, name: name, body: body, status: status, fields: fields,
                    duplicates: FieldValidation.duplicates(duplicates), warnings: &warnings)
                return (updated, warnings)
            }
            return Self.json(.ok, updated, warnings: warnings)
        case (.patch, let name?):
            let dryRun = try dryRun(request, options: "PatchOptions")
            let fields = try fieldValidation(request, options: "PatchOptions")
            let kind = try patchKind(resource, request)
            let (patch, repeated) = try parseReportingDuplicates(request.body)
            var duplicates = FieldValidation.duplicates(repeated)
            if case .json = kind {
                duplicates =
                    FieldValidation.duplicates(repeated, inJSONPatch: true)
                    + FieldValidation.unknownMembers(ofJSONPatch: patch)
            }
            let (patched, warnings) = try await write(dryRun: dryRun) { [duplicates] store throws(APIError) in
                var warnings: [String] = []
                let patched = try store.patch(
                    resource, namespace: namespace, name: name, patch: patch, kind: kind, status: status,
                    fields: fields, duplicates: duplicates, warnings: &warnings)
                return (patched, warnings)
            }
            return Self.json(.ok, patched, warnings: warnings)
        case (.delete, let name?):
            let options = try deleteRequest(request)
            let (object, gone) = try await write(dryRun: options.dryRun) { store throws(APIError) in
                try store.delete(resource, namespace: namespace, name: name, request: options)
            }
            // 200 even when finalizers or a grace period keep the object, as the real server
            // answers; 202 only for a delete that set `orphanDependents: false`.
            return Self.json(!gone && options.cascadingAsked ? .accepted : .ok, object)
        case (.delete, nil):
            let options = try deleteRequest(request)
            let page = try await list(resource, namespace: namespace, request, page: false)
            let deleted = try await write(dryRun: options.dryRun) { store throws(APIError) in
                var deleted: [JSONValue] = []
                for item in page.items {
                    let itemNamespace = resource.namespaced ? ObjectStore.namespace(of: item) : nil
                    if let (object, _) = try? store.delete(
                        resource, namespace: itemNamespace, name: ObjectStore.name(of: item), request: options
                    ) {
                        deleted.append(object)
                    }
                }
                return deleted
            }
            return Self.json(
                .ok,
                listDocument(
                    resource, deleted, resourceVersion: await store.resourceVersion, continueToken: nil))
        default:
            throw .methodNotAllowed(request.method.rawValue)
        }
    }

    /// Runs a write on the store, or rehearses it there when the request is a dry run.
    private func write<Answer: Sendable>(
        dryRun: Bool, _ body: @escaping @Sendable (isolated ObjectStore) throws(APIError) -> Answer
    ) async throws(APIError) -> Answer {
        if dryRun { return try await store.rehearse(body) }
        return try await store.perform(body)
    }

    /// Whether a write is a dry run: `dryRun=All`, the only value the API defines; any other
    /// value is refused as the real server refuses it, before anything is done.
    private func dryRun(_ request: HTTPRequest, options kind: String) throws(APIError) -> Bool {
        try Self.dryRun(request.query.filter { $0.name == "dryRun" }.map(\.value), options: kind)
    }

    /// The write's `fieldValidation`, checked as the write's options are, before its body.
    private func fieldValidation(_ request: HTTPRequest, options kind: String) throws(APIError)
        -> FieldValidation
    {
        try FieldValidation.parse(
            request.query.filter { $0.name == "fieldValidation" }.map(\.value), options: kind)
    }

    static func dryRun(_ values: [String], options kind: String) throws(APIError) -> Bool {
        guard let unsupported = values.first(where: { $0 != "All" }) else { return !values.isEmpty }
        var details = Status.Details(name: "", group: "meta.k8s.io", kind: kind)
        let message = "Unsupported value: \"\(unsupported)\": supported values: \"All\""
        details.causes = [Status.Cause(reason: "FieldValueNotSupported", message: message, field: "dryRun")]
        throw APIError(
            code: 422, reason: "Invalid", message: "\(kind).meta.k8s.io \"\" is invalid: dryRun: \(message)",
            details: details)
    }

    private static func verb(_ method: HTTPMethod, named: Bool, watching: Bool) -> String {
        switch method {
        case .get: return watching ? "watch" : named ? "get" : "list"
        case .post: return "create"
        case .put: return "update"
        case .patch: return "patch"
        case .delete: return named ? "delete" : "deletecollection"
        default: return method.rawValue.lowercased()
        }
    }

    private func selectors(_ resource: ResourceDefinition, _ request: HTTPRequest) throws(APIError) -> (
        LabelSelector, FieldSelector
    ) {
        do {
            let labels = try LabelSelector(parsing: request.queryValue("labelSelector") ?? "")
            let fields = try FieldSelector(
                parsing: request.queryValue("fieldSelector") ?? "",
                supportedFields: FieldSelector.supportedFields(for: resource.plural),
                resource: resource.qualifiedName)
            return (labels, fields)
        } catch {
            throw .badRequest(error.description)
        }
    }

    private func list(
        _ resource: ResourceDefinition, namespace: String?, _ request: HTTPRequest, page paged: Bool = true
    ) async throws(APIError) -> ObjectStore.Page {
        let (labels, fields) = try selectors(resource, request)
        var limit: Int?
        if paged, let text = request.queryValue("limit"), !text.isEmpty {
            guard let value = Int(text), value >= 0 else { throw .badRequest("invalid limit \"\(text)\"") }
            limit = value
        }
        var token: ContinueToken?
        if paged, let text = request.queryValue("continue"), !text.isEmpty {
            guard let decoded = ContinueToken(decoding: text) else {
                throw APIError(code: 400, reason: "BadRequest", message: "continue key is not valid")
            }
            token = decoded
        }
        return try await store.list(
            resource, namespace: namespace, labels: labels, fields: fields, limit: limit, continuing: token)
    }

    private func list(_ resource: ResourceDefinition, namespace: String?, _ request: HTTPRequest)
        async throws(APIError) -> HTTPResponse
    {
        let page: ObjectStore.Page = try await list(resource, namespace: namespace, request)
        if wantsTable(request) {
            return Self.json(
                .ok,
                TableRenderer.table(
                    resource, items: page.items, resourceVersion: page.resourceVersion,
                    continueToken: page.continueToken?.encoded, remaining: page.remaining,
                    includeObject: try includeObject(request)))
        }
        return Self.json(
            .ok,
            listDocument(
                resource, page.items, resourceVersion: page.resourceVersion,
                continueToken: page.continueToken?.encoded, remaining: page.remaining))
    }

    private func listDocument(
        _ resource: ResourceDefinition, _ items: [JSONValue], resourceVersion: UInt64, continueToken: String?,
        remaining: Int = 0
    ) -> JSONValue {
        var metadata: [(key: String, value: JSONValue)] = [
            ("resourceVersion", .string(String(resourceVersion)))
        ]
        if let continueToken {
            metadata.append(("continue", .string(continueToken)))
            metadata.append(("remainingItemCount", .integer(remaining)))
        }
        return .object([
            ("kind", .string("\(resource.kind)List")), ("apiVersion", .string(resource.apiVersion)),
            ("metadata", .object(metadata)), ("items", .array(items)),
        ])
    }

    private func watch(_ resource: ResourceDefinition, namespace: String?, _ request: HTTPRequest)
        async throws(APIError) -> HTTPResponse
    {
        let (labels, fields) = try selectors(resource, request)
        var timeout: Duration?
        if let text = request.queryValue("timeoutSeconds"), !text.isEmpty {
            guard let seconds = Int(text), seconds >= 0 else {
                throw .badRequest("invalid timeoutSeconds \"\(text)\"")
            }
            if seconds > 0 { timeout = .seconds(seconds) }
        }
        let bookmarks = request.queryValue("allowWatchBookmarks") == "true"
        // A streaming list (`sendInitialEvents=true`): the current objects first, whatever the
        // resourceVersion, which with `resourceVersionMatch=NotOlderThan` they are at least as
        // new as; then a bookmark saying the initial events are over.
        let initialEvents = request.queryValue("sendInitialEvents") == "true"
        if initialEvents && !bookmarks {
            throw .badRequest("sendInitialEvents requires allowWatchBookmarks=true")
        }
        let stream = try await store.watch(
            WatchFilter(
                resource: resource, namespace: namespace, labels: labels, fields: fields,
                asTable: wantsTable(request)),
            since: initialEvents ? nil : request.queryValue("resourceVersion"), timeout: timeout,
            bookmarks: bookmarks, initialEventsEnd: initialEvents)
        return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], bodyStream: stream)
    }

    private func includeObject(_ request: HTTPRequest) throws(APIError) -> TableRenderer.IncludeObject {
        guard let text = request.queryValue("includeObject"), !text.isEmpty else { return .metadata }
        guard let value = TableRenderer.IncludeObject(rawValue: text) else {
            throw .badRequest(
                "includeObject: Unsupported value: \"\(text)\": supported values: \"None\", \"Metadata\", \"Object\""
            )
        }
        return value
    }

    private func wantsTable(_ request: HTTPRequest) -> Bool {
        (request.headers["Accept"] ?? "").contains("as=Table")
    }

    // MARK: - Bodies

    /// The Content-Type's media type, lower-cased and without parameters; nil when none is sent.
    private static func mediaType(_ request: HTTPRequest) -> String? {
        request.headers["Content-Type"].map {
            String(LabelSelector.trim($0.split(separator: ";").first ?? "")).lowercased()
        }
    }

    /// The patch type the Content-Type names: JSON patch and merge patch on every resource,
    /// strategic merge patch only on the built-in kinds, whose schema says how lists merge.
    private func patchKind(_ resource: ResourceDefinition, _ request: HTTPRequest) throws(APIError)
        -> ObjectStore.PatchKind
    {
        let type = Self.mediaType(request) ?? ""
        let strategic = StrategicMergePatch.schema(for: resource.type)
        switch type {
        case "application/json-patch+json": return .json
        case "application/merge-patch+json": return .merge
        case "application/strategic-merge-patch+json":
            if let strategic { return .strategic(strategic) }
        default: break
        }
        var accepted = ["application/json-patch+json", "application/merge-patch+json"]
        if strategic != nil { accepted.append("application/strategic-merge-patch+json") }
        throw .unsupportedMediaType(accepted: accepted)
    }

    /// A create's or update's body: JSON, which may repeat a key (see
    /// `parseReportingDuplicates`), or, for the built-in kinds, Kubernetes protobuf, as
    /// client-go's typed clients (kubectl's `create` generators among them) send it. Custom
    /// resources have no protobuf form: 415, as on a real server.
    private func objectBody(_ resource: ResourceDefinition, _ request: HTTPRequest) throws(APIError) -> (
        JSONValue, duplicates: [String]
    ) {
        let protobuf =
            ProtobufSchema.builtIn.message(apiVersion: resource.apiVersion, kind: resource.kind) != nil
        return try objectBody(
            request, apiVersion: resource.apiVersion, kind: resource.kind, protobuf: protobuf)
    }

    private func objectBody(_ request: HTTPRequest, apiVersion: String, kind: String, protobuf: Bool)
        throws(APIError) -> (JSONValue, duplicates: [String])
    {
        let type = Self.mediaType(request) ?? "application/json"
        if type == Self.protobufMediaType && protobuf {
            return (try Self.protobufObject(request.body, apiVersion: apiVersion, kind: kind), [])
        }
        guard type == "application/json" || type.isEmpty else {
            throw .unsupportedMediaType(
                accepted: ["application/json"] + (protobuf ? [Self.protobufMediaType] : []))
        }
        return try parseReportingDuplicates(request.body)
    }

    private static let protobufMediaType = "application/vnd.kubernetes.protobuf"

    /// A protobuf body as the JSON object it carries; its envelope's apiVersion and kind default
    /// to the request's, as the server's decoder defaults them. A body that does not read is
    /// the decoder's 400, worded as the server words it.
    private static func protobufObject(_ body: [UInt8], apiVersion: String, kind: String) throws(APIError)
        -> JSONValue
    {
        let decoder = ProtobufObjectDecoder()
        var envelope: ProtobufObjectDecoder.Envelope
        do { envelope = try decoder.envelope(body) } catch {
            throw .badRequest("the object provided is unrecognized (must be of type \(kind)): \(error)")
        }
        if envelope.apiVersion.isEmpty { envelope.apiVersion = apiVersion }
        if envelope.kind.isEmpty { envelope.kind = kind }
        do { return try decoder.object(body, envelope).object } catch {
            let version = envelope.apiVersion.split(separator: "/").last.map(String.init) ?? ""
            throw .badRequest(
                "\(envelope.kind) in version \"\(version)\" cannot be handled as a \(kind): \(error)")
        }
    }

    /// A write's body as the server decodes it: a repeated key is not malformed JSON but a
    /// problem `fieldValidation` judges, and its last value is the one read.
    private func parseReportingDuplicates(_ body: [UInt8]) throws(APIError) -> (
        JSONValue, duplicates: [String]
    ) {
        guard !body.isEmpty else { throw .badRequest("the request has no body") }
        do {
            let read = try JSONReader.parseReportingDuplicateKeys(body)
            return (read.value, read.duplicates)
        } catch {
            throw .badRequest("the request body is not valid JSON: \(error)")
        }
    }

    private func parse(_ body: [UInt8]) throws(APIError) -> JSONValue {
        guard !body.isEmpty else { throw .badRequest("the request has no body") }
        do { return try JSONReader.parse(body) } catch {
            throw .badRequest("the request body is not valid JSON: \(error)")
        }
    }

    private func deleteRequest(_ request: HTTPRequest) throws(APIError) -> ObjectStore.DeleteRequest {
        var options = ObjectStore.DeleteRequest()
        var policy = request.queryValue("propagationPolicy")
        var grace = request.queryValue("gracePeriodSeconds")
        var dryRun = request.query.filter { $0.name == "dryRun" }.map(\.value)
        if !request.body.isEmpty {
            let body = try parse(request.body)
            guard body.members != nil else { throw .badRequest("DeleteOptions must be a JSON object") }
            if case .array(let values)? = body["dryRun"] {
                dryRun += values.map { $0.stringValue ?? "\($0)" }
            }
            options.uid = body.value(at: ["preconditions", "uid"])?.stringValue
            options.resourceVersion = body.value(at: ["preconditions", "resourceVersion"])?.stringValue
            if let text = body["propagationPolicy"]?.stringValue { policy = text }
            if body["orphanDependents"] == .bool(true) { policy = policy ?? "Orphan" }
            options.cascadingAsked = body["orphanDependents"] == .bool(false)
            if case .number(let text)? = body["gracePeriodSeconds"] { grace = text }
        }
        options.dryRun = try Self.dryRun(dryRun, options: "DeleteOptions")
        if let grace {
            guard let seconds = Int(grace), seconds >= 0 else {
                throw .badRequest("invalid gracePeriodSeconds \"\(grace)\"")
            }
            options.gracePeriodSeconds = seconds
        }
        if let policy {
            guard let value = ObjectStore.Propagation(rawValue: policy) else {
                throw .badRequest(
                    "propagationPolicy \"\(policy)\" is not one of Background, Foreground, Orphan")
            }
            options.propagation = value
        }
        return options
    }

    // MARK: - Answers

    static func json(_ status: HTTPStatus, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: value.encoded())
    }

    /// An answer with one `Warning` header per warning, in the form RFC 7234 gives them and
    /// the API server uses: code 299, no agent, the text quoted.
    static func json(_ status: HTTPStatus, _ value: JSONValue, warnings: [String]) -> HTTPResponse {
        var response = json(status, value)
        for warning in warnings {
            let quoted = warning.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
            response.headers.add(name: "Warning", value: "299 - \"\(quoted)\"")
        }
        return response
    }

    static func failure(_ error: APIError) -> HTTPResponse {
        HTTPResponse(
            status: HTTPStatus(code: error.code, reason: reasonPhrase(error.code)),
            headers: ["Content-Type": "application/json"], body: error.jsonValue.encoded())
    }

    private static func reasonPhrase(_ code: Int) -> String {
        switch code {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Entity"
        case 503: return "Service Unavailable"
        default: return code >= 500 ? "Internal Server Error" : "Error"
        }
    }
}
