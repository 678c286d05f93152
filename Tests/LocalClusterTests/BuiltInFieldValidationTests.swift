import Foundation
import JSON
import TestSupport
import Testing

@testable import LocalCluster

/// Objects of the built-in kinds are decoded as the API server decodes them into their Go types:
/// a field the type does not have is dropped, and `fieldValidation` decides what that leads to
/// (API concepts, "Field validation":
/// https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation): Strict refuses
/// the write with the decoder's 400, Warn (the default without the parameter) stores the object
/// without the field and says so in a Warning header, Ignore stores it silently. The fields are
/// those of the official schemas, and kubernetes-validate, which checks manifests against the
/// same schemas, is the oracle for which field is unknown.
@Suite(.serialized) struct BuiltInFieldValidationTests {
    static let pods = "/api/v1/namespaces/default/pods"
    static let pod =
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","colour":"red"},"spec":{"containers":[{"name":"c","image":"nginx","imagePullPolcy":"Always","ports":[{"containerPort":80,"nmae":"http"}]}]},"extra":true}"#

    @Test(.enabled(if: Peer.available("curl")))
    func fieldValidationDecidesWhatAnUnknownFieldDoes() async throws {
        try await TestCluster.with { cluster in
            let refused = try await cluster.post("\(Self.pods)?fieldValidation=Strict", Self.pod)
            #expect(refused.status == 400, "\(refused.text)")
            #expect(refused.string("reason") == "BadRequest")
            #expect(
                refused.string("message")
                    == #"Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "metadata.colour", unknown field "spec.containers[0].imagePullPolcy", unknown field "spec.containers[0].ports[0].nmae", unknown field "extra""#,
                "\(refused.text)")
            #expect(try await cluster.get("\(Self.pods)/p").status == 404)

            let warned = try await cluster.request("POST", Self.pods, body: Self.pod, includeHeaders: true)
            #expect(warned.status == 201, "\(warned.text)")
            #expect(
                warned.warnings == [
                    #"unknown field "metadata.colour""#,
                    #"unknown field "spec.containers[0].imagePullPolcy""#,
                    #"unknown field "spec.containers[0].ports[0].nmae""#, #"unknown field "extra""#,
                ], "\(warned.headerLines)")
            let stored = try await cluster.get("\(Self.pods)/p")
            #expect(stored.json["extra"] == nil)
            #expect(stored.json.value(at: ["metadata", "colour"]) == nil)
            #expect(
                !stored.text.contains("nmae") && !stored.text.contains("imagePullPolcy"), "\(stored.text)")
            // What the pod has is kept: the real image pull policy is defaulted as usual.
            #expect(stored.text.contains(#""imagePullPolicy":"Always""#))

            let ignored = try await cluster.request(
                "POST", "\(Self.pods)?fieldValidation=Ignore",
                body: Self.pod.replacing(#""name":"p""#, with: #""name":"q""#), includeHeaders: true)
            #expect(ignored.status == 201, "\(ignored.text)")
            #expect(ignored.warnings.isEmpty)
            #expect(ignored.json["extra"] == nil)

            // An update is decoded the same way.
            var update = stored.json
            update.set(["spec", "activeDeadlineSeconds"], .integer(60))
            update.set(["spec", "foo"], .bool(true))
            let put = try await cluster.put(
                "\(Self.pods)/p?fieldValidation=Strict", String(decoding: update.encoded(), as: UTF8.self))
            #expect(put.status == 400, "\(put.text)")
            #expect(
                put.string("message")?.hasSuffix(#"strict decoding error: unknown field "spec.foo""#) == true)
        }
    }

    /// A patch is judged by the object it makes, and its refusal is the bare decoding error; a
    /// strategic merge patch's directives are not fields.
    @Test(.enabled(if: Peer.available("curl")))
    func patchesAreJudgedByTheObjectTheyMake() async throws {
        try await TestCluster.with { cluster in
            let deployments = "/apis/apps/v1/namespaces/default/deployments"
            #expect(try await cluster.post(deployments, DeploymentRulesTests.deployment()).status == 201)
            let merge = try await cluster.request(
                "PATCH", "\(deployments)/web?fieldValidation=Strict",
                body: #"{"spec":{"replicas":2,"paused":false,"strategy":{"kind":"fast"}}}"#,
                contentType: "application/merge-patch+json")
            #expect(merge.status == 400, "\(merge.text)")
            #expect(merge.string("message") == #"strict decoding error: unknown field "spec.strategy.kind""#)
            let json = try await cluster.request(
                "PATCH", "\(deployments)/web?fieldValidation=Warn",
                body: #"[{"op":"add","path":"/spec/template/spec/nodeSelectr","value":{"a":"b"}}]"#,
                contentType: "application/json-patch+json", includeHeaders: true)
            #expect(json.status == 200, "\(json.text)")
            #expect(
                json.warnings == [#"unknown field "spec.template.spec.nodeSelectr""#], "\(json.headerLines)")
            let strategic = try await cluster.request(
                "PATCH", "\(deployments)/web?fieldValidation=Strict",
                body:
                    #"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],"containers":[{"name":"web","image":"nginx:2"}]}}}}"#,
                contentType: "application/strategic-merge-patch+json")
            #expect(strategic.status == 200, "\(strategic.text)")
        }
    }

    /// The server reads a JSON patch's operations strictly too: a member other than `op`,
    /// `path`, `from` and `value` is a `json patch unknown field` (apiserver's patch handler
    /// decodes the operations with a strict decoder under Strict and Warn).
    @Test(.enabled(if: Peer.available("curl")))
    func unknownMembersOfJSONPatchOperationsAreJudged() async throws {
        try await TestCluster.with { cluster in
            let configMaps = "/api/v1/namespaces/default/configmaps"
            #expect(try await cluster.post(configMaps, TestCluster.configMap("settings")).status == 201)
            let patch =
                #"[{"op":"replace","path":"/data/a","value":"2","vaule":"3"},{"op":"test","path":"/data/a","value":"2","comment":"why"}]"#
            let refused = try await cluster.request(
                "PATCH", "\(configMaps)/settings?fieldValidation=Strict", body: patch,
                contentType: "application/json-patch+json")
            #expect(refused.status == 400, "\(refused.text)")
            #expect(
                refused.string("message")
                    == #"strict decoding error: json patch unknown field "[0].vaule", json patch unknown field "[1].comment""#,
                "\(refused.text)")
            #expect(try await cluster.get("\(configMaps)/settings").string("data.a") == "1")
            let warned = try await cluster.request(
                "PATCH", "\(configMaps)/settings?fieldValidation=Warn", body: patch,
                contentType: "application/json-patch+json", includeHeaders: true)
            #expect(warned.status == 200, "\(warned.text)")
            #expect(
                warned.warnings == [
                    #"json patch unknown field "[0].vaule""#, #"json patch unknown field "[1].comment""#,
                ])
            #expect(warned.string("data.a") == "2")
            let ignored = try await cluster.request(
                "PATCH", "\(configMaps)/settings?fieldValidation=Ignore",
                body: #"[{"op":"replace","path":"/data/a","value":"4","note":1}]"#,
                contentType: "application/json-patch+json", includeHeaders: true)
            #expect(ignored.status == 200 && ignored.warnings.isEmpty, "\(ignored.text)")
        }
    }

    /// One unknown field per manifest, at every depth: kubernetes-validate --strict, checking
    /// the manifest against the official 1.37 schemas, names the same field the server refuses.
    static let oracleRows: [(String, String)] = [
        (
            "configmap",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"1\"\nbinaryDat: {}\n"
        ),
        (
            "service",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n    - port: 80\n      targetPrt: 8080\n"
        ),
        (
            "deployment",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: x
            spec:
              selector:
                matchLabels: {app: x}
              template:
                metadata:
                  labels: {app: x}
                spec:
                  containers:
                    - name: x
                      image: nginx
                      resources:
                        limit: {cpu: "1"}

            """
        ),
        (
            "pvc",
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: x\n  labls: {a: b}\nspec:\n  resources:\n    requests: {storage: 1Gi}\n"
        ),
        (
            "clusterrole",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: x\nrules:\n  - verbs: [get]\n    resource: [pods]\n"
        ),
        (
            "pdb",
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: x\nspec:\n  maxUnavailable: 1\n  selectr: {}\n"
        ),
    ]

    @Test(
        .enabled(if: Peer.available("kubernetes-validate") && Kubectl.available),
        arguments: oracleRows.indices)
    func theUnknownFieldIsTheOneTheOfficialSchemasFind(_ row: Int) async throws {
        let (name, manifest) = Self.oracleRows[row]
        try await TestCluster.with { cluster in
            let kubectl = try KubectlSession(cluster)
            defer { kubectl.remove() }
            let file = kubectl.directory.file("\(name).yaml").path
            try manifest.write(toFile: file, atomically: true, encoding: .utf8)
            let oracle = try await runOffPool("kubernetes-validate", ["--strict", "-k", "1.37.0", file])
            // "spec.template.spec.containers.0.resources: Additional properties are not allowed ('limit' ..."
            guard
                let found = oracle.stdout.firstMatch(
                    of:
                        /against version [0-9.]+: (?:([^ ]*): )?Additional properties are not allowed \('([^']+)'/
                )
            else {
                Issue.record(
                    "\(name): kubernetes-validate found no unknown field: \(oracle.stdout)\(oracle.stderr)")
                return
            }
            let parent = found.1.map { String($0).replacing(/\.([0-9]+)/) { "[\($0.1)]" } } ?? ""
            let field = parent.isEmpty ? String(found.2) : "\(parent).\(found.2)"
            let applied = try await kubectl.run(["apply", "-f", file])
            #expect(applied.status != 0)
            #expect(
                applied.stderr.contains(#"strict decoding error: unknown field "\#(field)""#),
                "\(name): expected \(field): \(applied.stderr)")
            let warned = try await kubectl.run(["apply", "--validate=warn", "-f", file])
            #expect(warned.status == 0, "\(warned.stderr)")
            #expect(warned.stderr.contains(#"Warning: unknown field "\#(field)""#), "\(warned.stderr)")
        }
    }

    /// With validation off (only to measure what it costs) a write is stored as sent: unknown
    /// fields kept, a pod without containers accepted.
    @Test(.enabled(if: Peer.available("curl")))
    func validationOffStoresWritesAsSent() async throws {
        let cluster = try await TestCluster.start(validation: false)
        let created = try await cluster.post("\(Self.pods)?fieldValidation=Strict", Self.pod)
        let empty = try await cluster.post(
            Self.pods,
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"empty"},"spec":{"containers":[]}}"#)
        await cluster.stop()
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["extra"] == .bool(true))
        #expect(empty.status == 201, "\(empty.text)")
    }

    /// deploy/ applies under kubectl's default strict validation without a warning: every field
    /// of its Namespace, RBAC objects, operator Deployment and Service and CRDs is a real one.
    @Test(.enabled(if: Kubectl.available))
    func deployAppliesStrictlyWithoutWarnings() async throws {
        try await TestCluster.with { cluster in
            let kubectl = try KubectlSession(cluster)
            defer { kubectl.remove() }
            let files = [
                "namespace.yaml", "crd.yaml", "crd-cruisecontroloperation.yaml", "crd-kafkatopic.yaml",
                "crd-kafkauser.yaml", "rbac.yaml", "operator.yaml",
            ].flatMap { ["-f", repositoryRoot.appendingPathComponent("deploy/\($0)").path] }
            let applied = try await kubectl.run(["apply"] + files)
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stderr.isEmpty, "\(applied.stderr)")
        }
    }

    /// What the local cluster writes itself (defaults, a running pod's status, a bound claim, a
    /// Deployment's status, its node and storage class) is all fields a real server has: a
    /// stored object of a built-in kind has nothing to prune.
    @Test(.enabled(if: Peer.available("curl")))
    func whatTheLocalClusterStoresHasOnlyRealFields() async throws {
        try await TestCluster.with { cluster in
            #expect(try await cluster.post(Self.pods, TestCluster.pod("kafka-0")).status == 201)
            let claim =
                #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}"#
            #expect(
                try await cluster.post("/api/v1/namespaces/default/persistentvolumeclaims", claim).status
                    == 201)
            #expect(
                try await cluster.post(
                    "/apis/apps/v1/namespaces/default/deployments", DeploymentRulesTests.deployment()
                )
                .status == 201)
            let service =
                #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","ports":[{"port":9092}]}}"#
            #expect(try await cluster.post("/api/v1/namespaces/default/services", service).status == 201)
            #expect(
                try await cluster.waitFor("\(Self.pods)/kafka-0") {
                    $0.text.contains(#""type":"Ready","status":"True""#)
                })
            #expect(
                try await cluster.waitFor("/api/v1/namespaces/default/services/lb") {
                    $0.json.value(at: ["status", "loadBalancer", "ingress"]) != nil
                })
            for definition in ResourceRegistry.standard.definitions {
                guard let pruning = BuiltInFieldPruning(definition) else { continue }
                let list = try await cluster.get(definition.type.path(namespace: nil, name: nil))
                for var item in list.items {
                    // A list's items carry no kind; a stored object does.
                    item.set(["kind"], .string(definition.kind))
                    item.set(["apiVersion"], .string(definition.apiVersion))
                    let dropped = pruning.prune(&item)
                    #expect(dropped.isEmpty, "\(definition.kind): \(dropped)")
                }
            }
        }
    }
}
