import JSON
import KubernetesAPITypes

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Every object of the local cluster, with the API's write semantics: a cluster-wide
/// resourceVersion bumped by each write, uid and creationTimestamp set on create, `generation`
/// bumped by spec changes, optimistic concurrency, the status subresource, deletion with
/// preconditions, finalizers and propagation, and watches fed from a bounded history.
actor ObjectStore {
    /// Where an object is kept: its resource and `namespace/name`.
    struct Reference: Hashable, Sendable {
        let resource: ResourceDefinition
        let namespace: String
        let name: String

        var key: String { "\(namespace)/\(name)" }
    }

    /// How a delete treats the object's dependents.
    enum Propagation: String, Sendable {
        case background = "Background"
        case foreground = "Foreground"
        case orphan = "Orphan"
    }

    struct DeleteRequest: Sendable {
        var uid: String?
        var resourceVersion: String?
        var propagation: Propagation = .background
        /// `gracePeriodSeconds` of the DeleteOptions: how long a pod may take to stop; nil takes
        /// the pod's `spec.terminationGracePeriodSeconds`.
        var gracePeriodSeconds: Int?
        /// `dryRun: ["All"]`: answered as the delete would be, nothing deleted.
        var dryRun = false
        /// `orphanDependents: false`, the one case where an object kept by finalizers or a
        /// grace period is answered 202 rather than 200.
        var cascadingAsked = false
    }

    /// A pod's default `terminationGracePeriodSeconds`.
    static let defaultGracePeriodSeconds = 30

    /// A page of a list.
    struct Page: Sendable {
        let items: [JSONValue]
        let resourceVersion: UInt64
        let continueToken: ContinueToken?
        let remaining: Int
    }

    let registry: ResourceRegistry
    private var objects: [ResourceDefinition: [String: JSONValue]] = [:]
    private var version: UInt64
    private var hub: WatchHub
    private var observers: [Int: AsyncStream<StoreChange>.Continuation] = [:]
    private var nextObserverID = 0
    /// Owner uid to the objects that name it in `ownerReferences`.
    private var dependents: [String: Set<Reference>] = [:]
    private var byUID: [String: Reference] = [:]
    private var clusterIPs = ClusterIPAllocator()
    private var nodePorts = NodePortAllocator()
    /// Set while a `dryRun=All` write is rehearsed: nothing is persisted or published.
    private var rehearsing = false
    private let persistence: Persistence?
    private let bookmarkInterval: Duration
    /// See `LocalClusterConfiguration.validation`.
    private let validating: Bool

    init(
        registry: ResourceRegistry, persistence: Persistence?, historyCapacity: Int,
        bookmarkInterval: Duration, validating: Bool = true
    ) async throws(LocalClusterError) {
        self.registry = registry
        self.validating = validating
        self.persistence = persistence
        self.bookmarkInterval = bookmarkInterval
        var loaded = Persistence.Loaded()
        if let persistence { loaded = try persistence.load() }
        version = loaded.resourceVersion
        hub = WatchHub(capacity: historyCapacity, floor: loaded.resourceVersion)
        for (storageKey, object) in loaded.objects {
            guard let resource = registry.definitions.first(where: { $0.storageKey == storageKey }) else {
                throw .corruptObjectFile(
                    path: "\(persistence?.directory ?? "")/objects/\(storageKey)", reason: "unknown resource")
            }
            let reference = Reference(
                resource: resource, namespace: Self.namespace(of: object), name: Self.name(of: object))
            objects[resource, default: [:]][reference.key] = object
            index(reference, old: nil, new: object)
            if resource.plural == "services", let ip = object.value(at: ["spec", "clusterIP"])?.stringValue {
                clusterIPs.reserve(ip)
            }
            if resource.plural == "services" { nodePorts.reserve(NodePortAllocator.ports(of: object)) }
        }
        for name in ["default", "kube-system", "kube-public"] where !namespaceExists(name) {
            let namespace = JSONValue.object([
                ("apiVersion", .string("v1")), ("kind", .string("Namespace")),
                ("metadata", .object([("name", .string(name))])),
            ])
            do { _ = try create(ResourceRegistry.namespaces, namespace: nil, body: namespace) } catch {
                throw .dataDirectory(path: persistence?.directory ?? "", reason: error.message)
            }
        }
        do {
            try seedDefaultStorageClass()
            try seedNode()
        } catch {
            throw .dataDirectory(path: persistence?.directory ?? "", reason: error.message)
        }
    }

    var resourceVersion: UInt64 { version }

    /// The StorageClass annotated as the default, which a claim naming no class gets.
    private var defaultStorageClassName: String? {
        guard let classes = registry.definition(for: .storageClasses).flatMap({ objects[$0] }) else {
            return nil
        }
        return classes.values.first {
            $0.value(at: ["metadata", "annotations", StorageClassAnnotation.isDefaultClass])
                == .string("true")
        }.map(Self.name(of:))
    }

    /// The StorageClass `name`, when the registry serves classes and one of that name exists.
    private func storageClass(named name: String) -> JSONValue? {
        registry.definition(for: .storageClasses).flatMap { objects[$0]?["/\(name)"] }
    }

    /// A fresh cluster has a default StorageClass, `standard`, whose claims may grow, as a kind
    /// or minikube cluster has: claims without a class are bound to it.
    private func seedDefaultStorageClass() throws(APIError) {
        guard let resource = registry.definition(for: .storageClasses),
            objects[resource]?.isEmpty ?? true
        else { return }
        let standard = JSONValue.object([
            ("apiVersion", .string("storage.k8s.io/v1")), ("kind", .string("StorageClass")),
            (
                "metadata",
                .object([
                    ("name", .string("standard")),
                    ("annotations", .object([(StorageClassAnnotation.isDefaultClass, .string("true"))])),
                ])
            ),
            ("provisioner", .string("local.kafka-operator.io/simulated")),
            ("allowVolumeExpansion", .bool(true)),
        ])
        _ = try create(resource, namespace: nil, body: standard)
    }

    /// The node the simulated kubelet runs every pod on (`Kubelet.nodeName`), registered with
    /// its addresses and Ready, as a kubelet registers its node: loopback is both its internal
    /// address and the address a NodePort listener advertises from it.
    private func seedNode() throws(APIError) {
        guard let resource = registry.definition(for: .nodes),
            objects[resource]?["/\(Kubelet.nodeName)"] == nil
        else { return }
        let node = JSONValue.object([
            ("apiVersion", .string("v1")), ("kind", .string("Node")),
            (
                "metadata",
                .object([
                    ("name", .string(Kubelet.nodeName)),
                    (
                        "labels",
                        .object([
                            ("kubernetes.io/hostname", .string(Kubelet.nodeName)),
                            ("kubernetes.io/os", .string("linux")),
                        ])
                    ),
                ])
            ),
        ])
        var registered = try create(resource, namespace: nil, body: node)
        registered.set(
            ["status"],
            .object([
                (
                    "addresses",
                    .array([
                        .object([("type", .string("InternalIP")), ("address", .string("127.0.0.1"))]),
                        .object([("type", .string("Hostname")), ("address", .string(Kubelet.nodeName))]),
                    ])
                ),
                (
                    "conditions",
                    .array([
                        .object([
                            ("type", .string("Ready")), ("status", .string("True")),
                            ("reason", .string("KubeletReady")),
                        ])
                    ])
                ),
                ("nodeInfo", .object([("kubeletVersion", .string("v1.37.0-local"))])),
            ]))
        _ = try update(resource, namespace: nil, name: Kubelet.nodeName, body: registered, status: true)
    }

    func namespaceExists(_ name: String) -> Bool {
        objects[ResourceRegistry.namespaces]?["/\(name)"] != nil
    }

    private func namespaceIsTerminating(_ name: String) -> Bool {
        objects[ResourceRegistry.namespaces]?["/\(name)"]?.value(at: ["metadata", "deletionTimestamp"]) != nil
    }

    // MARK: - Reading

    func get(_ resource: ResourceDefinition, namespace: String?, name: String) throws(APIError) -> JSONValue {
        guard let object = objects[resource]?["\(namespace ?? "")/\(name)"] else {
            throw .notFound(resource, name)
        }
        return object
    }

    /// A page of a list. A continued list is read at the resourceVersion of its first page,
    /// rebuilt from the watch history; once the history no longer reaches back that far, the
    /// answer is 410 Expired with a token that continues from the current state, as the real
    /// server answers a continue token older than its compaction.
    func list(
        _ resource: ResourceDefinition, namespace: String?, labels: LabelSelector, fields: FieldSelector,
        limit: Int? = nil, continuing token: ContinueToken? = nil
    ) throws(APIError) -> Page {
        var view = objects[resource] ?? [:]
        var readAt = version
        if let token {
            guard token.resourceVersion >= hub.floor else {
                var expired = APIError.expiredContinue
                expired.continueToken =
                    ContinueToken(resourceVersion: version, lastKey: token.lastKey).encoded
                throw expired
            }
            readAt = token.resourceVersion
            for change in hub.changes(after: readAt).reversed() where change.resource == resource {
                let key = "\(change.namespace)/\(Self.name(of: change.object))"
                view[key] = change.previous
            }
        }
        return page(
            of: view, readAt: readAt, namespace: namespace, labels: labels, fields: fields, limit: limit,
            after: token?.lastKey)
    }

    private func page(
        of view: [String: JSONValue], readAt: UInt64, namespace: String?, labels: LabelSelector,
        fields: FieldSelector, limit: Int? = nil, after: String? = nil
    ) -> Page {
        let prefix = namespace.map { "\($0)/" }
        var keys = view.keys.filter { prefix == nil || $0.hasPrefix(prefix!) }.sorted()
        if let after { keys = keys.filter { $0 > after } }
        var items: [JSONValue] = []
        var lastKey: String?
        var remaining = 0
        for key in keys {
            guard let object = view[key], matches(object, labels, fields) else { continue }
            if let limit, limit > 0, items.count >= limit {
                remaining += 1
                continue
            }
            items.append(object)
            lastKey = key
        }
        let next = remaining > 0 ? lastKey.map { ContinueToken(resourceVersion: readAt, lastKey: $0) } : nil
        return Page(items: items, resourceVersion: readAt, continueToken: next, remaining: remaining)
    }

    private func matches(_ object: JSONValue, _ labels: LabelSelector, _ fields: FieldSelector) -> Bool {
        labels.matches(object.value(at: ["metadata", "labels"])?.stringMap ?? [:]) && fields.matches(object)
    }

    /// Every object, for the simulated kubelet's start.
    func all(_ resource: ResourceDefinition) -> [JSONValue] {
        (objects[resource] ?? [:]).values.map { $0 }
    }

    func object(uid: String) -> (Reference, JSONValue)? {
        guard let reference = byUID[uid], let object = objects[reference.resource]?[reference.key] else {
            return nil
        }
        return (reference, object)
    }

    func dependents(of uid: String) -> [Reference] {
        Array(dependents[uid] ?? []).sorted { $0.key < $1.key }
    }

    // MARK: - Creating

    func create(_ resource: ResourceDefinition, namespace: String?, body: JSONValue) throws(APIError)
        -> JSONValue
    {
        var warnings: [String] = []
        return try create(
            resource, namespace: namespace, body: body, fields: .ignore, duplicates: [], warnings: &warnings)
    }

    /// Creates an object, first pruned as `fields` asks (see `checkFields`); `duplicates` are the
    /// body's repeated keys, and `warnings` gets what a `Warn` write says of them and of the
    /// fields it dropped.
    func create(
        _ resource: ResourceDefinition, namespace: String?, body: JSONValue, fields: FieldValidation,
        duplicates: [String], warnings: inout [String]
    ) throws(APIError) -> JSONValue {
        var object = body
        guard object.members != nil else { throw .badRequest("the request body must be a JSON object") }
        warnings += try checkFields(&object, resource, fields, duplicates, decoding: true)
        try checkTypeMeta(&object, resource)
        var name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
        if name.isEmpty, let prefix = object.value(at: ["metadata", "generateName"])?.stringValue,
            !prefix.isEmpty
        {
            name = String(prefix.prefix(58)) + Self.randomSuffix()
            object.set(["metadata", "name"], .string(name))
        }
        if let problem = resource.nameRule.problem(with: name) {
            throw .invalid(
                resource, name,
                [
                    Status.Cause(
                        reason: name.isEmpty ? "FieldValueRequired" : "FieldValueInvalid",
                        message: name.isEmpty
                            ? "Required value: name or generateName is required"
                            : "Invalid value: \"\(name)\": \(problem)",
                        field: "metadata.name")
                ])
        }
        let namespaceValue = try checkNamespace(&object, resource, path: namespace, name: name)
        if let namespaceValue, !namespaceExists(namespaceValue) { throw .namespaceNotFound(namespaceValue) }
        if let namespaceValue, namespaceIsTerminating(namespaceValue) {
            throw .forbidden(
                resource, name,
                "unable to create new content in namespace \(namespaceValue) because it is being terminated")
        }
        let reference = Reference(resource: resource, namespace: namespaceValue ?? "", name: name)
        if objects[resource]?[reference.key] != nil { throw .alreadyExists(resource, name) }
        try validateMetadata(object, resource, name)

        let uid = UUID().uuidString.lowercased()
        object.set(["metadata", "uid"], .string(uid))
        object.set(["metadata", "creationTimestamp"], .string(Timestamp.now()))
        object.set(["metadata", "generation"], .integer(1))
        object.set(["metadata", "deletionTimestamp"], nil)
        object.set(["metadata", "deletionGracePeriodSeconds"], nil)
        object.set(["metadata", "selfLink"], nil)
        if validating, resource.type == .deployments {
            try DeploymentRules.check(resource, name: name, old: nil, new: object)
        }
        if resource.hasStatus { object.set(["status"], Self.initialStatus(resource)) }
        try applyDefaults(&object, resource, name)
        Defaulting.apply(
            &object, kind: resource.kind, name: name, creating: true,
            defaultStorageClass: defaultStorageClassName)
        if validating { try PodSpecRules.check(resource, name: name, old: nil, new: object) }
        try admitCustomResource(&object, resource, name)
        if resource.type == .services {
            try nodePorts.assign(&object, old: nil, resource: resource, name: name)
        }
        return try commit(reference, object, kind: .added, previous: nil)
    }

    private func checkTypeMeta(_ object: inout JSONValue, _ resource: ResourceDefinition) throws(APIError) {
        let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
        var causes: [Status.Cause] = []
        if let kind = object["kind"], kind != .string(resource.kind) {
            causes.append(
                Status.Cause(
                    reason: "FieldValueInvalid",
                    message:
                        "Invalid value: \(String(decoding: kind.encoded(), as: UTF8.self)): must be \(resource.kind)",
                    field: "kind"))
        }
        if let apiVersion = object["apiVersion"], apiVersion != .string(resource.apiVersion) {
            causes.append(
                Status.Cause(
                    reason: "FieldValueInvalid",
                    message:
                        "Invalid value: \(String(decoding: apiVersion.encoded(), as: UTF8.self)): must be \(resource.apiVersion)",
                    field: "apiVersion"))
        }
        if let metadata = object["metadata"], metadata.members == nil {
            causes.append(
                Status.Cause(reason: "FieldValueInvalid", message: "must be an object", field: "metadata"))
        }
        if !causes.isEmpty { throw .invalid(resource, name, causes) }
        object.set(["kind"], .string(resource.kind))
        object.set(["apiVersion"], .string(resource.apiVersion))
    }

    /// The object's namespace: the path's, which the body may repeat but not contradict.
    private func checkNamespace(
        _ object: inout JSONValue, _ resource: ResourceDefinition, path: String?, name: String
    ) throws(APIError) -> String? {
        let body = object.value(at: ["metadata", "namespace"])?.stringValue ?? ""
        guard resource.namespaced else {
            object.set(["metadata", "namespace"], nil)
            return nil
        }
        guard let path else { throw .methodNotAllowed("a namespaced object needs a namespace in the path") }
        if !body.isEmpty && body != path {
            throw .invalid(
                resource, name,
                [
                    Status.Cause(
                        reason: "FieldValueInvalid",
                        message:
                            "Invalid value: \"\(body)\": the namespace of the provided object does not match "
                            + "the namespace sent on the request (\(path))",
                        field: "metadata.namespace")
                ])
        }
        object.set(["metadata", "namespace"], .string(path))
        return path
    }

    private func validateMetadata(_ object: JSONValue, _ resource: ResourceDefinition, _ name: String)
        throws(APIError)
    {
        var causes: [Status.Cause] = []
        for (field, value) in [
            ("labels", object.value(at: ["metadata", "labels"])),
            ("annotations", object.value(at: ["metadata", "annotations"])),
        ] {
            guard let value, value != .null else { continue }
            guard let members = value.members else {
                causes.append(
                    Status.Cause(
                        reason: "FieldValueInvalid", message: "must be an object", field: "metadata.\(field)")
                )
                continue
            }
            for (key, entry) in members {
                do { try LabelSelector.validateKey(Substring(key), in: key) } catch {
                    causes.append(
                        Status.Cause(
                            reason: "FieldValueInvalid",
                            message:
                                "Invalid value: \"\(key)\": name part must consist of alphanumeric characters, '-', '_' or '.'",
                            field: "metadata.\(field)"))
                }
                guard let text = entry.stringValue else {
                    causes.append(
                        Status.Cause(
                            reason: "FieldValueInvalid", message: "must be a string",
                            field: "metadata.\(field).\(key)"))
                    continue
                }
                if field == "labels" {
                    do { try LabelSelector.validateValue(Substring(text), in: text) } catch {
                        causes.append(
                            Status.Cause(
                                reason: "FieldValueInvalid",
                                message:
                                    "Invalid value: \"\(text)\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'",
                                field: "metadata.labels"))
                    }
                }
            }
        }
        if !causes.isEmpty { throw .invalid(resource, name, causes) }
    }

    /// A new object's status; nil leaves it out, as the server does for a custom resource with
    /// a status subresource (only that subresource writes it).
    private static func initialStatus(_ resource: ResourceDefinition) -> JSONValue? {
        switch resource.plural {
        case "cruisecontroloperations", "kafkatopics", "kafkausers": return nil
        case "pods": return .object([("phase", .string("Pending")), ("qosClass", .string("BestEffort"))])
        case "persistentvolumeclaims": return .object([("phase", .string("Pending"))])
        case "namespaces": return .object([("phase", .string("Active"))])
        case "services": return .object([("loadBalancer", .object([]))])
        default: return .object([])
        }
    }

    /// Drops what the kind does not have — a built-in kind's fields are its official schema's, a
    /// custom resource's those of its stored CustomResourceDefinition's schema — and returns the
    /// warnings `fields` asks for about that and the body's repeated keys (or refuses the write
    /// under `Strict`). A create or update refusal names the object's kind and version, as a
    /// decoding failure does; a patch's does not. A custom resource with no stored CRD is kept
    /// as sent: the local cluster serves its own custom resources even before their CRDs are
    /// applied.
    private func checkFields(
        _ object: inout JSONValue, _ resource: ResourceDefinition, _ fields: FieldValidation,
        _ duplicates: [String], decoding: Bool
    ) throws(APIError) -> [String] {
        guard validating else { return [] }
        let dropped = prune(&object, resource)
        return try fields.judge(duplicates: duplicates, unknown: dropped, decoding: decoding ? resource : nil)
    }

    /// Prunes an object as its kind's schema says (see `checkFields`); returns what went.
    private func prune(_ object: inout JSONValue, _ resource: ResourceDefinition) -> [String] {
        if let pruning = BuiltInFieldPruning(resource) { return pruning.prune(&object) }
        return fieldPruning(for: resource)?.prune(&object) ?? []
    }

    /// The structural schema of the served version in the stored CRD for `resource`, if any.
    private func fieldPruning(for resource: ResourceDefinition) -> FieldPruning? {
        guard !resource.group.isEmpty,
            let definitions = registry.definition(for: .customResourceDefinitions),
            let crd = objects[definitions]?["/\(resource.qualifiedName)"],
            let version = crd.value(at: ["spec", "versions"])?.items?.first(where: {
                $0["name"] == .string(resource.type.version)
            }),
            let schema = version.value(at: ["schema", "openAPIV3Schema"])
        else { return nil }
        return FieldPruning(schema: schema)
    }

    /// A custom resource's structural schema: defaults, then validation.
    private func admitCustomResource(
        _ object: inout JSONValue, _ resource: ResourceDefinition, _ name: String
    )
        throws(APIError)
    {
        if resource.type == .cruiseControlOperations {
            try CruiseControlOperationSchema.admit(&object, resource, name: name)
        } else if resource.type == .kafkaTopics {
            try KafkaTopicSchema.admit(&object, resource, name: name)
        } else if resource.type == .kafkaUsers {
            try KafkaUserSchema.admit(&object, resource, name: name)
        } else if resource.type == .customResourceDefinitions {
            try CustomResourceDefinitions.admit(&object, resource, name: name, served: registry)
        }
    }

    private func applyDefaults(_ object: inout JSONValue, _ resource: ResourceDefinition, _ name: String)
        throws(APIError)
    {
        if resource.type == .storageClasses {
            // As the API server defaults a class.
            if object["reclaimPolicy"] == nil { object.set(["reclaimPolicy"], .string("Delete")) }
            if object["volumeBindingMode"] == nil { object.set(["volumeBindingMode"], .string("Immediate")) }
            return
        }
        guard resource.plural == "services" else { return }
        if object.value(at: ["spec", "type"]) == nil { object.set(["spec", "type"], .string("ClusterIP")) }
        let requested = object.value(at: ["spec", "clusterIP"])?.stringValue ?? ""
        if requested == "None" {
            object.set(["spec", "clusterIPs"], .array([.string("None")]))
            return
        }
        let ip: String
        if requested.isEmpty {
            guard let next = clusterIPs.allocate() else {
                throw APIError(
                    code: 500, reason: "InternalError", message: "the service IP range is exhausted")
            }
            ip = next
        } else {
            guard clusterIPs.reserve(requested) else {
                throw .invalid(
                    resource, name,
                    [
                        Status.Cause(
                            reason: "FieldValueInvalid",
                            message: "Invalid value: \"\(requested)\": provided IP is already allocated",
                            field: "spec.clusterIPs")
                    ])
            }
            ip = requested
        }
        object.set(["spec", "clusterIP"], .string(ip))
        object.set(["spec", "clusterIPs"], .array([.string(ip)]))
    }

    // MARK: - Updating

    /// Replaces an object (PUT), or only its status (`status` true, PUT on `/status`).
    func update(
        _ resource: ResourceDefinition, namespace: String?, name: String, body: JSONValue, status: Bool
    ) throws(APIError) -> JSONValue {
        var warnings: [String] = []
        return try update(
            resource, namespace: namespace, name: name, body: body, status: status, fields: .ignore,
            duplicates: [], warnings: &warnings)
    }

    /// Replaces an object, or its status, with the body pruned as `fields` asks.
    func update(
        _ resource: ResourceDefinition, namespace: String?, name: String, body: JSONValue, status: Bool,
        fields: FieldValidation, duplicates: [String], warnings: inout [String]
    ) throws(APIError) -> JSONValue {
        let reference = Reference(resource: resource, namespace: namespace ?? "", name: name)
        var object = body
        guard object.members != nil else { throw .badRequest("the request body must be a JSON object") }
        // The body is decoded, and so pruned, before the object is looked up.
        warnings += try checkFields(&object, resource, fields, duplicates, decoding: true)
        guard let existing = objects[resource]?[reference.key] else { throw .notFound(resource, name) }
        try checkTypeMeta(&object, resource)
        let bodyName = object.value(at: ["metadata", "name"])?.stringValue ?? ""
        if bodyName != name {
            throw .badRequest(
                "the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        _ = try checkNamespace(&object, resource, path: namespace, name: name)
        let sent = object.value(at: ["metadata", "resourceVersion"])?.stringValue ?? ""
        if sent.isEmpty {
            if !resource.allowsUnconditionalUpdate {
                throw .invalid(
                    resource, name,
                    [
                        Status.Cause(
                            reason: "FieldValueInvalid",
                            message: "Invalid value: 0x0: must be specified for an update",
                            field: "metadata.resourceVersion")
                    ])
            }
        } else if sent != existing.value(at: ["metadata", "resourceVersion"])?.stringValue {
            throw .staleResourceVersion(resource, name)
        }
        try validateMetadata(object, resource, name)
        return try replace(reference, existing: existing, with: object, status: status)
    }

    /// The three patch types the API server takes.
    enum PatchKind: Sendable {
        /// RFC 7386.
        case merge
        /// RFC 6902.
        case json
        /// Kubernetes' own, with the kind's list strategies.
        case strategic(StrategicMergePatch)
    }

    /// Applies a patch to the object, or only to its status. A resourceVersion the patched
    /// object carries is a precondition, as in an update.
    func patch(
        _ resource: ResourceDefinition, namespace: String?, name: String, patch: JSONValue, kind: PatchKind,
        status: Bool
    ) throws(APIError) -> JSONValue {
        var warnings: [String] = []
        return try self.patch(
            resource, namespace: namespace, name: name, patch: patch, kind: kind, status: status,
            fields: .ignore, duplicates: [], warnings: &warnings)
    }

    /// Patches an object, or its status; the patched object is pruned as `fields` asks.
    func patch(
        _ resource: ResourceDefinition, namespace: String?, name: String, patch: JSONValue, kind: PatchKind,
        status: Bool, fields: FieldValidation, duplicates: [String], warnings: inout [String]
    ) throws(APIError) -> JSONValue {
        let reference = Reference(resource: resource, namespace: namespace ?? "", name: name)
        guard let existing = objects[resource]?[reference.key] else { throw .notFound(resource, name) }
        // The patch applies to the object as the server reads it: an object stored before its
        // CRD is pruned on the way, so only what the patch itself brings counts against it.
        var base = existing
        if validating { _ = prune(&base, resource) }
        var object: JSONValue
        switch kind {
        case .merge:
            guard patch.members != nil else { throw .badRequest("a merge patch must be a JSON object") }
            object = base.applyingMergePatch(patch)
        case .json:
            do { object = try base.applyingJSONPatch(patch) } catch {
                if case .malformed(let why) = error { throw .badRequest(why) }
                throw .invalid(
                    resource, name,
                    [
                        Status.Cause(
                            reason: "FieldValueInvalid", message: "Invalid value: \(error)", field: "patch")
                    ])
            }
        case .strategic(let schema):
            do { object = try schema.apply(patch, to: base) } catch {
                throw .badRequest(error.description)
            }
        }
        warnings += try checkFields(&object, resource, fields, duplicates, decoding: false)
        try checkTypeMeta(&object, resource)
        if object.value(at: ["metadata", "name"])?.stringValue != name {
            throw .badRequest("a patch may not change metadata.name")
        }
        if let sent = object.value(at: ["metadata", "resourceVersion"])?.stringValue, !sent.isEmpty,
            sent != existing.value(at: ["metadata", "resourceVersion"])?.stringValue
        {
            throw .staleResourceVersion(resource, name)
        }
        try validateMetadata(object, resource, name)
        return try replace(reference, existing: existing, with: object, status: status)
    }

    private func replace(
        _ reference: Reference, existing: JSONValue, with body: JSONValue, status: Bool
    ) throws(APIError) -> JSONValue {
        let resource = reference.resource
        var object: JSONValue
        if status {
            // The status subresource changes the status and nothing else.
            object = existing
            object.set(["status"], body["status"])
        } else {
            object = body
            if resource.hasStatus { object.set(["status"], existing["status"]) }
            // The server owns these; a client's copies are ignored.
            for field in [
                "uid", "creationTimestamp", "generation", "deletionTimestamp", "namespace", "resourceVersion",
            ] {
                object.set(["metadata", field], existing.value(at: ["metadata", field]))
            }
            if resource.plural == "services" {
                let previousIP = existing.value(at: ["spec", "clusterIP"])
                let sentIP = object.value(at: ["spec", "clusterIP"])?.stringValue ?? ""
                if sentIP.isEmpty {
                    object.set(["spec", "clusterIP"], previousIP)
                    object.set(["spec", "clusterIPs"], existing.value(at: ["spec", "clusterIPs"]))
                } else if .string(sentIP) != previousIP {
                    throw .invalid(
                        resource, reference.name,
                        [
                            Status.Cause(
                                reason: "FieldValueInvalid",
                                message: "Invalid value: \"\(sentIP)\": field is immutable",
                                field: "spec.clusterIPs[0]")
                        ])
                }
            }
            Defaulting.apply(
                &object, kind: resource.kind, name: reference.name, creating: false, defaultStorageClass: nil)
            if validating {
                try PodSpecRules.check(resource, name: reference.name, old: existing, new: object)
            }
            if validating, resource.type == .deployments {
                try DeploymentRules.check(resource, name: reference.name, old: existing, new: object)
            }
            if validating, resource.type == .persistentVolumeClaims {
                try ClaimUpdateRules.check(
                    resource, name: reference.name, old: existing, new: object,
                    storageClass: storageClass(named:))
            }
            let ignored: Set<String> = ["metadata", "status", "apiVersion", "kind"]
            if object.removingMembers(ignored) != existing.removingMembers(ignored) {
                let generation =
                    Int(existing.value(at: ["metadata", "generation"]).flatMap(Self.numberText) ?? "1") ?? 1
                object.set(["metadata", "generation"], .integer(generation + 1))
            }
        }
        try admitCustomResource(&object, resource, reference.name)
        if resource.type == .services, !status {
            try nodePorts.assign(&object, old: existing, resource: resource, name: reference.name)
        }
        object.set(["metadata", "resourceVersion"], existing.value(at: ["metadata", "resourceVersion"]))
        // A write that changes nothing is not a write: no new resourceVersion, no event.
        if object == existing { return existing }
        let finalizers = object.value(at: ["metadata", "finalizers"])
        // An object being deleted goes with its last finalizer, unless it is a pod its kubelet
        // is still stopping.
        let stopping = existing.value(at: ["metadata", "deletionGracePeriodSeconds"]).map {
            $0 != .integer(0)
        }
        if existing.value(at: ["metadata", "deletionTimestamp"]) != nil,
            finalizers == nil || finalizers == .array([]), stopping != true
        {
            return try remove(reference, existing: object)
        }
        return try commit(reference, object, kind: .modified, previous: existing)
    }

    /// Changes an object on behalf of the cluster itself (the kubelet binding a volume, the
    /// garbage collector dropping an owner reference): no validation, no generation bump.
    /// Returns false when the object is gone or is another one with the same name now.
    @discardableResult
    func mutate(_ reference: Reference, uid: String?, _ change: (inout JSONValue) -> Void) -> Bool {
        guard let existing = objects[reference.resource]?[reference.key] else { return false }
        if let uid, existing.value(at: ["metadata", "uid"])?.stringValue != uid { return false }
        var object = existing
        change(&object)
        if object == existing { return true }
        do { _ = try commit(reference, object, kind: .modified, previous: existing) } catch { return false }
        return true
    }

    // MARK: - Deleting

    /// Deletes an object; returns it and whether it is gone (false while finalizers hold it).
    func delete(
        _ resource: ResourceDefinition, namespace: String?, name: String, request: DeleteRequest
    ) throws(APIError) -> (object: JSONValue, gone: Bool) {
        let reference = Reference(resource: resource, namespace: namespace ?? "", name: name)
        guard let existing = objects[resource]?[reference.key] else { throw .notFound(resource, name) }
        let uid = existing.value(at: ["metadata", "uid"])?.stringValue ?? ""
        let current = existing.value(at: ["metadata", "resourceVersion"])?.stringValue ?? ""
        if let wanted = request.uid, wanted != uid {
            throw .conflict(
                resource, name,
                "Precondition failed: UID in precondition: \(wanted), UID in object meta: \(uid)")
        }
        if let wanted = request.resourceVersion, wanted != current {
            throw .conflict(
                resource, name,
                "Precondition failed: ResourceVersion in precondition: \(wanted), ResourceVersion in object meta: \(current)"
            )
        }
        if existing.value(at: ["metadata", "deletionTimestamp"]) != nil {
            // A pod already stopping may be deleted at once with a grace period of zero (a force
            // delete) once nothing else holds it.
            let held = existing.value(at: ["metadata", "finalizers"]).map { $0 != .array([]) } ?? false
            if resource.plural == "pods", request.gracePeriodSeconds == 0, !held {
                return (try remove(reference, existing: existing), true)
            }
            return (existing, false)
        }
        var finalizers =
            (existing.value(at: ["metadata", "finalizers"]).flatMap { value -> [JSONValue]? in
                if case .array(let items) = value { return items }
                return nil
            }) ?? []
        if request.propagation == .foreground && !(dependents[uid] ?? []).isEmpty {
            finalizers.append(.string("foregroundDeletion"))
        }
        let grace = Self.gracePeriod(resource, existing, requested: request.gracePeriodSeconds)
        if !finalizers.isEmpty || grace != nil {
            // Marked, not removed: finalizers hold the object, or a pod's kubelet stops its
            // containers and then removes it, by the deadline the deletionTimestamp sets.
            var marked = existing
            marked.set(["metadata", "deletionTimestamp"], .string(Timestamp.now(plus: grace ?? 0)))
            if let grace { marked.set(["metadata", "deletionGracePeriodSeconds"], .integer(grace)) }
            if !finalizers.isEmpty { marked.set(["metadata", "finalizers"], .array(finalizers)) }
            let held = try commit(reference, marked, kind: .modified, previous: existing)
            if resource.type == .persistentVolumeClaims, try releaseClaimIfUnused(reference) {
                return (held, true)
            }
            return (held, false)
        }
        if request.propagation == .orphan {
            for dependent in dependents(of: uid) {
                mutate(dependent, uid: nil) { object in
                    guard case .array(let owners)? = object.value(at: ["metadata", "ownerReferences"]) else {
                        return
                    }
                    let kept = owners.filter { $0["uid"]?.stringValue != uid }
                    object.set(["metadata", "ownerReferences"], kept.isEmpty ? nil : .array(kept))
                }
            }
        }
        if resource == ResourceRegistry.namespaces {
            return try terminate(namespace: reference, existing: existing)
        }
        return (try remove(reference, existing: existing), true)
    }

    /// Deletes a namespace as the namespace controller does: it is `Terminating` (no new
    /// content may be created in it) while every object in it is deleted, each as its own
    /// delete would go (finalizers and pods' grace periods hold them), and it goes with the last.
    private func terminate(namespace reference: Reference, existing: JSONValue) throws(APIError)
        -> (object: JSONValue, gone: Bool)
    {
        var marked = existing
        marked.set(["metadata", "deletionTimestamp"], .string(Timestamp.now()))
        marked.set(["status", "phase"], .string("Terminating"))
        let terminating = try commit(reference, marked, kind: .modified, previous: existing)
        for other in registry.definitions where other.namespaced {
            for (key, object) in objects[other] ?? [:] where key.hasPrefix("\(reference.name)/") {
                guard object.value(at: ["metadata", "deletionTimestamp"]) == nil else { continue }
                _ = try delete(
                    other, namespace: reference.name, name: Self.name(of: object), request: DeleteRequest())
            }
        }
        if try removeNamespaceIfEmpty(reference.name) { return (terminating, true) }
        return (terminating, false)
    }

    /// Removes a terminating namespace once nothing is left in it; whether it went.
    @discardableResult
    private func removeNamespaceIfEmpty(_ name: String) throws(APIError) -> Bool {
        let namespaces = ResourceRegistry.namespaces
        guard let namespace = objects[namespaces]?["/\(name)"],
            namespace.value(at: ["metadata", "deletionTimestamp"]) != nil
        else { return false }
        for other in registry.definitions where other.namespaced {
            if (objects[other] ?? [:]).keys.contains(where: { $0.hasPrefix("\(name)/") }) { return false }
        }
        _ = try remove(Reference(resource: namespaces, namespace: "", name: name), existing: namespace)
        return true
    }

    /// The grace period a deleted pod gets to stop, or nil when it goes at once: as the API
    /// server does, a pod not yet scheduled onto a node, one that has finished, or a delete
    /// with a grace period of zero, removes the pod without waiting for a kubelet.
    static func gracePeriod(_ resource: ResourceDefinition, _ pod: JSONValue, requested: Int?) -> Int? {
        guard resource.plural == "pods" else { return nil }
        let scheduled = !(pod.value(at: ["spec", "nodeName"])?.stringValue ?? "").isEmpty
        let phase = pod.value(at: ["status", "phase"])?.stringValue
        guard scheduled, phase != "Succeeded", phase != "Failed" else { return nil }
        let declared = pod.value(at: ["spec", "terminationGracePeriodSeconds"]).flatMap(numberText).flatMap {
            Int($0)
        }
        let grace = requested ?? declared ?? defaultGracePeriodSeconds
        return grace > 0 ? grace : nil
    }

    /// Removes a pod whose deletion was requested, once its kubelet has stopped it. Returns
    /// false when the pod is gone, is another one now, or was not being deleted.
    @discardableResult
    func finishTermination(_ reference: Reference, uid: String) -> Bool {
        guard let existing = objects[reference.resource]?[reference.key],
            existing.value(at: ["metadata", "uid"])?.stringValue == uid,
            existing.value(at: ["metadata", "deletionTimestamp"]) != nil
        else { return false }
        if case .array(let finalizers)? = existing.value(at: ["metadata", "finalizers"]), !finalizers.isEmpty
        {
            // Stopped, but held: it goes when the last finalizer does.
            var stopped = existing
            stopped.set(["metadata", "deletionGracePeriodSeconds"], .integer(0))
            return (try? commit(reference, stopped, kind: .modified, previous: existing)) != nil
        }
        return (try? remove(reference, existing: existing)) != nil
    }

    /// Takes a finalizer off an object; if that was the last one of an object being deleted,
    /// the object goes.
    func removeFinalizer(_ finalizer: String, uid: String) {
        guard let (reference, existing) = object(uid: uid) else { return }
        guard case .array(let finalizers)? = existing.value(at: ["metadata", "finalizers"]) else { return }
        let kept = finalizers.filter { $0 != .string(finalizer) }
        guard kept.count != finalizers.count else { return }
        var object = existing
        object.set(["metadata", "finalizers"], kept.isEmpty ? nil : .array(kept))
        let stopping = existing.value(at: ["metadata", "deletionGracePeriodSeconds"]).map {
            $0 != .integer(0)
        }
        if existing.value(at: ["metadata", "deletionTimestamp"]) != nil && kept.isEmpty && stopping != true {
            _ = try? remove(reference, existing: object)
        } else {
            _ = try? commit(reference, object, kind: .modified, previous: existing)
        }
    }

    private func remove(_ reference: Reference, existing: JSONValue) throws(APIError) -> JSONValue {
        if rehearsing {
            objects[reference.resource]?[reference.key] = nil
            index(reference, old: existing, new: nil)
            if reference.resource.namespaced { try removeNamespaceIfEmpty(reference.namespace) }
            return existing
        }
        version += 1
        var object = existing
        object.set(["metadata", "resourceVersion"], .string(String(version)))
        do {
            try persistence?.remove(
                storageKey: reference.resource.storageKey, namespace: reference.namespace,
                name: reference.name)
            try persistence?.saveResourceVersion(version)
        } catch {
            throw APIError(code: 500, reason: "InternalError", message: error.description)
        }
        objects[reference.resource]?[reference.key] = nil
        index(reference, old: existing, new: nil)
        if reference.resource.plural == "services",
            let ip = existing.value(at: ["spec", "clusterIP"])?.stringValue
        {
            clusterIPs.release(ip)
        }
        if reference.resource.plural == "services" {
            nodePorts.release(NodePortAllocator.ports(of: existing))
        }
        publish(
            StoreChange(
                kind: .deleted, resource: reference.resource, resourceVersion: version, object: object,
                previous: existing))
        if reference.resource.type == .pods {
            for claim in Self.claimNames(of: existing) {
                try releaseClaimIfUnused(
                    Reference(resource: reference.resource, namespace: reference.namespace, name: claim))
            }
        }
        if reference.resource.namespaced { try removeNamespaceIfEmpty(reference.namespace) }
        return object
    }

    // MARK: - Claim protection

    static let claimProtection = "kubernetes.io/pvc-protection"

    /// The claims a pod mounts.
    static func claimNames(of pod: JSONValue) -> [String] {
        (pod.value(at: ["spec", "volumes"])?.items ?? []).compactMap {
            $0.value(at: ["persistentVolumeClaim", "claimName"])?.stringValue
        }
    }

    /// The PVC protection controller: a deleted claim keeps its finalizer while a pod that has
    /// not finished mounts it, and goes once none does. `reference` names the claim (its
    /// resource is looked up); whether the claim went.
    @discardableResult
    private func releaseClaimIfUnused(_ reference: Reference) throws(APIError) -> Bool {
        guard let claims = registry.definition(for: .persistentVolumeClaims),
            let claim = objects[claims]?["\(reference.namespace)/\(reference.name)"],
            claim.value(at: ["metadata", "deletionTimestamp"]) != nil,
            case .array(let finalizers)? = claim.value(at: ["metadata", "finalizers"]),
            finalizers.contains(.string(Self.claimProtection))
        else { return false }
        let pods = registry.definition(for: .pods).flatMap { objects[$0] } ?? [:]
        let inUse = pods.values.contains { pod in
            Self.namespace(of: pod) == reference.namespace
                && !["Succeeded", "Failed"].contains(pod.value(at: ["status", "phase"])?.stringValue ?? "")
                && Self.claimNames(of: pod).contains(reference.name)
        }
        guard !inUse, let uid = claim.value(at: ["metadata", "uid"])?.stringValue else { return false }
        removeFinalizer(Self.claimProtection, uid: uid)
        return objects[claims]?["\(reference.namespace)/\(reference.name)"] == nil
    }

    // MARK: - Committing

    /// Runs a write (or several, as one step no other request comes between).
    func perform<Answer: Sendable>(
        _ write: @Sendable (isolated ObjectStore) throws(APIError) -> Answer
    ) throws(APIError) -> Answer {
        try write(self)
    }

    /// Runs a write as `dryRun=All` asks: validated, defaulted, checked for conflicts and
    /// answered as the real write would be, but nothing is stored, no resourceVersion is spent
    /// and no watch, kubelet or garbage collector hears of it (what the write changed in memory,
    /// a cluster IP included, is put back).
    func rehearse<Answer: Sendable>(
        _ write: @Sendable (isolated ObjectStore) throws(APIError) -> Answer
    ) throws(APIError) -> Answer {
        let saved = (objects, version, dependents, byUID, clusterIPs, nodePorts)
        rehearsing = true
        defer {
            (objects, version, dependents, byUID, clusterIPs, nodePorts) = saved
            rehearsing = false
        }
        return try write(self)
    }

    private func commit(
        _ reference: Reference, _ candidate: JSONValue, kind: StoreChange.Kind, previous: JSONValue?
    ) throws(APIError) -> JSONValue {
        var object = candidate
        if rehearsing {
            // The answer keeps the stored resourceVersion (none for a create), as the real
            // server's dry run does.
            object.set(
                ["metadata", "resourceVersion"], previous?.value(at: ["metadata", "resourceVersion"]))
            objects[reference.resource, default: [:]][reference.key] = object
            index(reference, old: previous, new: object)
            return object
        }
        object.set(["metadata", "resourceVersion"], .string(String(version + 1)))
        do {
            try persistence?.save(
                object, storageKey: reference.resource.storageKey, namespace: reference.namespace,
                name: reference.name)
        } catch {
            throw APIError(code: 500, reason: "InternalError", message: error.description)
        }
        version += 1
        objects[reference.resource, default: [:]][reference.key] = object
        index(reference, old: previous, new: object)
        publish(
            StoreChange(
                kind: kind, resource: reference.resource, resourceVersion: version, object: object,
                previous: previous))
        return object
    }

    private func publish(_ change: StoreChange) {
        hub.record(change)
        for observer in observers.values { observer.yield(change) }
    }

    private func index(_ reference: Reference, old: JSONValue?, new: JSONValue?) {
        if let old {
            if let uid = old.value(at: ["metadata", "uid"])?.stringValue { byUID[uid] = nil }
            for owner in Self.ownerUIDs(old) { dependents[owner]?.remove(reference) }
        }
        if let new {
            if let uid = new.value(at: ["metadata", "uid"])?.stringValue { byUID[uid] = reference }
            for owner in Self.ownerUIDs(new) { dependents[owner, default: []].insert(reference) }
        }
    }

    // MARK: - Watching

    /// Opens a watch: the current objects as ADDED when `since` is nil, empty or "0", otherwise
    /// the recorded changes after `since`; then every matching change until the watch ends.
    /// With `initialEventsEnd`, the current objects are followed by a BOOKMARK annotated
    /// `k8s.io/initial-events-end: "true"`, as a streaming list's are.
    func watch(
        _ filter: WatchFilter, since: String?, timeout: Duration?, bookmarks: Bool,
        initialEventsEnd: Bool = false
    ) throws(APIError) -> AsyncStream<[UInt8]> {
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        if let since, !since.isEmpty, since != "0" {
            guard let requested = UInt64(since) else {
                throw .badRequest("invalid resource version \"\(since)\"")
            }
            if requested < hub.floor {
                continuation.yield(
                    WatchFilter.line(
                        type: "ERROR", object: APIError.expired(requested, oldest: hub.floor + 1).jsonValue))
                continuation.finish()
                return stream
            }
            for change in hub.changes(after: requested) {
                if let event = filter.event(for: change) {
                    continuation.yield(filter.line(type: event.type, object: event.object))
                }
            }
        } else {
            let page = page(
                of: objects[filter.resource] ?? [:], readAt: version, namespace: filter.namespace,
                labels: filter.labels, fields: filter.fields)
            for object in page.items { continuation.yield(filter.line(type: "ADDED", object: object)) }
            if initialEventsEnd {
                let end = JSONValue.object([
                    ("kind", .string(filter.resource.kind)),
                    ("apiVersion", .string(filter.resource.apiVersion)),
                    (
                        "metadata",
                        .object([
                            ("resourceVersion", .string(String(version))),
                            ("annotations", .object([("k8s.io/initial-events-end", .string("true"))])),
                        ])
                    ),
                ])
                continuation.yield(WatchFilter.line(type: "BOOKMARK", object: end))
            }
        }
        let id = hub.add(filter, continuation: continuation)
        continuation.onTermination = { _ in Task { await self.endWatch(id) } }
        if let timeout {
            hub.attach(
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    if !Task.isCancelled { await self?.endWatch(id) }
                }, to: id)
        }
        if bookmarks {
            let interval = bookmarkInterval
            let resource = filter.resource
            hub.attach(
                Task { [weak self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        guard !Task.isCancelled else { return }
                        await self?.bookmark(id, resource)
                    }
                }, to: id)
        }
        return stream
    }

    private func bookmark(_ id: Int, _ resource: ResourceDefinition) {
        let object = JSONValue.object([
            ("kind", .string(resource.kind)), ("apiVersion", .string(resource.apiVersion)),
            ("metadata", .object([("resourceVersion", .string(String(version)))])),
        ])
        hub.yield(WatchFilter.line(type: "BOOKMARK", object: object), to: id)
    }

    func endWatch(_ id: Int) { hub.end(id) }

    /// Ends every open watch now.
    func dropWatches() { hub.endAll() }

    var openWatches: Int { hub.watcherCount }

    /// Every change from now on, for the cluster's own controllers.
    func changes() -> AsyncStream<StoreChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: StoreChange.self)
        nextObserverID += 1
        let id = nextObserverID
        observers[id] = continuation
        continuation.onTermination = { _ in Task { await self.removeObserver(id) } }
        return stream
    }

    private func removeObserver(_ id: Int) { observers[id] = nil }

    /// The objects of the resources named by `plurals` now, and every later change, taken in
    /// one turn of the store so no change falls between the two or shows in both.
    func observe(_ plurals: Set<String>) -> (existing: [StoreChange], changes: AsyncStream<StoreChange>) {
        let existing = registry.definitions.filter { plurals.contains($0.plural) }.flatMap { resource in
            all(resource).map {
                StoreChange(
                    kind: .added, resource: resource, resourceVersion: version, object: $0, previous: nil)
            }
        }
        return (existing, changes())
    }

    /// Ends every watch and observer stream.
    func shutdown() {
        hub.endAll()
        for observer in observers.values { observer.finish() }
        observers = [:]
    }

    // MARK: - Helpers

    static func name(of object: JSONValue) -> String {
        object.value(at: ["metadata", "name"])?.stringValue ?? ""
    }

    static func namespace(of object: JSONValue) -> String {
        object.value(at: ["metadata", "namespace"])?.stringValue ?? ""
    }

    static func ownerUIDs(_ object: JSONValue) -> [String] {
        guard case .array(let owners)? = object.value(at: ["metadata", "ownerReferences"]) else { return [] }
        return owners.compactMap { $0["uid"]?.stringValue }
    }

    static func numberText(_ value: JSONValue) -> String? {
        if case .number(let text) = value { return text }
        return nil
    }

    private static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }
}
