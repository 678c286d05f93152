import JSON

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The defaults the real API server fills in when it decodes an object, and those its default
/// admission plugins add on create, for the kinds the local cluster serves. A client that
/// compares what it wrote with what it reads back meets them here as it would on Kubernetes.
///
/// Not defaulted: node ports of NodePort and LoadBalancer Services (nothing here allocates
/// them), and what only a scheduler or a node would set.
enum Defaulting {
    /// Fills in defaults; `creating` adds what admission adds only on create (a pod's service
    /// account token volume and tolerations, a claim's protection finalizer and default class).
    static func apply(
        _ object: inout JSONValue, kind: String, name: String, creating: Bool, defaultStorageClass: String?
    ) {
        switch kind {
        case "Pod":
            podSpec(&object, at: ["spec"])
            if creating {
                podAdmission(&object)
                object.set(["status", "qosClass"], .string(qosClass(object)))
            }
        case "Deployment":
            deployment(&object)
        case "Service":
            service(&object)
        case "PersistentVolumeClaim":
            setIfMissing(&object, ["spec", "volumeMode"], .string("Filesystem"))
            if creating {
                if object.value(at: ["spec", "storageClassName"]) == nil, let defaultStorageClass {
                    object.set(["spec", "storageClassName"], .string(defaultStorageClass))
                }
                addFinalizer(&object, "kubernetes.io/pvc-protection")
            }
        case "Namespace":
            object.set(["metadata", "labels", "kubernetes.io/metadata.name"], .string(name))
            setIfMissing(&object, ["spec", "finalizers"], .array([.string("kubernetes")]))
        case "Secret":
            secret(&object)
        default:
            break
        }
    }

    // MARK: - Pods

    private static func podSpec(_ object: inout JSONValue, at path: [String]) {
        guard object.value(at: path) != nil else { return }
        setIfMissing(&object, path + ["restartPolicy"], .string("Always"))
        setIfMissing(&object, path + ["terminationGracePeriodSeconds"], .integer(30))
        setIfMissing(&object, path + ["dnsPolicy"], .string("ClusterFirst"))
        setIfMissing(&object, path + ["schedulerName"], .string("default-scheduler"))
        setIfMissing(&object, path + ["securityContext"], .object([]))
        setIfMissing(&object, path + ["enableServiceLinks"], .bool(true))
        for list in ["initContainers", "containers"] {
            mapItems(&object, path + [list], container)
        }
        mapItems(&object, path + ["volumes"]) { volume in
            for source in ["configMap", "secret"] where volume[source] != nil {
                setIfMissing(&volume, [source, "defaultMode"], .integer(420))
            }
        }
    }

    private static func container(_ container: inout JSONValue) {
        let image = container["image"].flatMap { value -> String? in
            if case .string(let text) = value { return text }
            return nil
        }
        setIfMissing(&container, ["imagePullPolicy"], .string(pullPolicy(image: image ?? "")))
        setIfMissing(&container, ["terminationMessagePath"], .string("/dev/termination-log"))
        setIfMissing(&container, ["terminationMessagePolicy"], .string("File"))
        mapItems(&container, ["ports"]) { port in setIfMissing(&port, ["protocol"], .string("TCP")) }
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] where container[probe] != nil {
            setIfMissing(&container, [probe, "timeoutSeconds"], .integer(1))
            setIfMissing(&container, [probe, "periodSeconds"], .integer(10))
            setIfMissing(&container, [probe, "successThreshold"], .integer(1))
            setIfMissing(&container, [probe, "failureThreshold"], .integer(3))
            if container.value(at: [probe, "httpGet"]) != nil {
                setIfMissing(&container, [probe, "httpGet", "scheme"], .string("HTTP"))
            }
        }
    }

    /// `Always` for `:latest` or no tag, else `IfNotPresent`; a digest pins the image.
    static func pullPolicy(image: String) -> String {
        if image.contains("@") { return "IfNotPresent" }
        let lastPart = image.split(separator: "/").last.map(String.init) ?? image
        guard let colon = lastPart.lastIndex(of: ":") else { return "Always" }
        return lastPart[lastPart.index(after: colon)...] == "latest" ? "Always" : "IfNotPresent"
    }

    /// The ServiceAccount and DefaultTolerationSeconds admission plugins.
    private static func podAdmission(_ pod: inout JSONValue) {
        setIfMissing(&pod, ["spec", "serviceAccountName"], .string("default"))
        setIfMissing(
            &pod, ["spec", "serviceAccount"], pod.value(at: ["spec", "serviceAccountName"]) ?? .null)
        var tolerations = pod.value(at: ["spec", "tolerations"])?.items ?? []
        for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]
        where !tolerations.contains(where: { $0["key"] == .string(key) }) {
            tolerations.append(
                .object([
                    ("key", .string(key)), ("operator", .string("Exists")), ("effect", .string("NoExecute")),
                    ("tolerationSeconds", .integer(300)),
                ]))
        }
        pod.set(["spec", "tolerations"], .array(tolerations))
        guard pod.value(at: ["spec", "automountServiceAccountToken"]) != .bool(false) else { return }
        let volumeName = "kube-api-access-\(String(UUID().uuidString.lowercased().prefix(5)))"
        var volumes = pod.value(at: ["spec", "volumes"])?.items ?? []
        volumes.append(
            .object([
                ("name", .string(volumeName)),
                (
                    "projected",
                    .object([
                        ("defaultMode", .integer(420)),
                        (
                            "sources",
                            .array([
                                .object([
                                    (
                                        "serviceAccountToken",
                                        .object([
                                            ("expirationSeconds", .integer(3607)), ("path", .string("token")),
                                        ])
                                    )
                                ]),
                                .object([
                                    (
                                        "configMap",
                                        .object([
                                            ("name", .string("kube-root-ca.crt")),
                                            (
                                                "items",
                                                .array([
                                                    .object([
                                                        ("key", .string("ca.crt")),
                                                        ("path", .string("ca.crt")),
                                                    ])
                                                ])
                                            ),
                                        ])
                                    )
                                ]),
                            ])
                        ),
                    ])
                ),
            ]))
        pod.set(["spec", "volumes"], .array(volumes))
        mapItems(&pod, ["spec", "containers"]) { container in
            var mounts = container["volumeMounts"]?.items ?? []
            mounts.append(
                .object([
                    ("name", .string(volumeName)), ("readOnly", .bool(true)),
                    ("mountPath", .string("/var/run/secrets/kubernetes.io/serviceaccount")),
                ]))
            container.set(["volumeMounts"], .array(mounts))
        }
    }

    /// Guaranteed when every container's CPU and memory limits equal their requests (requests
    /// default to limits); BestEffort when no container asks for any; Burstable otherwise.
    static func qosClass(_ pod: JSONValue) -> String {
        guard case .array(let containers)? = pod.value(at: ["spec", "containers"]) else {
            return "BestEffort"
        }
        var anySet = false
        var guaranteed = true
        for container in containers {
            let requests = container.value(at: ["resources", "requests"])
            let limits = container.value(at: ["resources", "limits"])
            for resource in ["cpu", "memory"] {
                let limit = limits?[resource]
                let request = requests?[resource] ?? limit
                if limit != nil || request != nil { anySet = true }
                if limit == nil || request != limit { guaranteed = false }
            }
        }
        return !anySet ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable"
    }

    // MARK: - Other kinds

    private static func deployment(_ object: inout JSONValue) {
        setIfMissing(&object, ["spec", "replicas"], .integer(1))
        setIfMissing(&object, ["spec", "revisionHistoryLimit"], .integer(10))
        setIfMissing(&object, ["spec", "progressDeadlineSeconds"], .integer(600))
        // Field by field, as the server defaults it: an empty strategy (which kubectl's
        // `create deployment` sends) is a rolling update of 25% both ways.
        let type = object.value(at: ["spec", "strategy", "type"])
        if type == nil || type == .string("") {
            object.set(["spec", "strategy", "type"], .string("RollingUpdate"))
        }
        if object.value(at: ["spec", "strategy", "type"]) == .string("RollingUpdate") {
            setIfMissing(&object, ["spec", "strategy", "rollingUpdate", "maxUnavailable"], .string("25%"))
            setIfMissing(&object, ["spec", "strategy", "rollingUpdate", "maxSurge"], .string("25%"))
        }
        podSpec(&object, at: ["spec", "template", "spec"])
    }

    private static func service(_ object: inout JSONValue) {
        setIfMissing(&object, ["spec", "sessionAffinity"], .string("None"))
        setIfMissing(&object, ["spec", "ipFamilies"], .array([.string("IPv4")]))
        setIfMissing(&object, ["spec", "ipFamilyPolicy"], .string("SingleStack"))
        setIfMissing(&object, ["spec", "internalTrafficPolicy"], .string("Cluster"))
        let type = object.value(at: ["spec", "type"])
        if type == .string("LoadBalancer") || type == .string("NodePort") {
            setIfMissing(&object, ["spec", "externalTrafficPolicy"], .string("Cluster"))
        }
        mapItems(&object, ["spec", "ports"]) { port in
            setIfMissing(&port, ["protocol"], .string("TCP"))
            if let number = port["port"] { setIfMissing(&port, ["targetPort"], number) }
        }
    }

    /// `stringData` is written into `data` (base64), where it wins, and is not stored.
    private static func secret(_ object: inout JSONValue) {
        setIfMissing(&object, ["type"], .string("Opaque"))
        guard case .object(let strings)? = object["stringData"] else { return }
        for (key, value) in strings {
            guard case .string(let text) = value else { continue }
            object.set(["data", key], .string(Data(text.utf8).base64EncodedString()))
        }
        object.set(["stringData"], nil)
    }

    // MARK: - Helpers

    private static func setIfMissing(_ object: inout JSONValue, _ path: [String], _ value: JSONValue) {
        if object.value(at: path) == nil { object.set(path, value) }
    }

    private static func addFinalizer(_ object: inout JSONValue, _ finalizer: String) {
        var finalizers: [JSONValue] = []
        if case .array(let existing)? = object.value(at: ["metadata", "finalizers"]) {
            finalizers = existing
        }
        if !finalizers.contains(.string(finalizer)) { finalizers.append(.string(finalizer)) }
        object.set(["metadata", "finalizers"], .array(finalizers))
    }

    private static func mapItems(
        _ object: inout JSONValue, _ path: [String], _ change: (inout JSONValue) -> Void
    ) {
        guard case .array(var items)? = object.value(at: path) else { return }
        for index in items.indices { change(&items[index]) }
        object.set(path, .array(items))
    }
}
