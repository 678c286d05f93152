import Foundation
import TestSupport
import Testing

/// deploy/rbac.yaml grants exactly what the operator uses: every request it makes through a
/// whole scaling story is allowed by its ClusterRole, and every verb the role grants was used.
@Suite struct RBACTests {
    /// `group resource verb` for every verb the ClusterRole grants, read by PyYAML.
    static func granted() throws -> Set<String> {
        let script = """
            import sys, yaml
            for doc in yaml.safe_load_all(open(sys.argv[1])):
                if doc['kind'] != 'ClusterRole': continue
                for rule in doc['rules']:
                    for group in rule['apiGroups']:
                        for resource in rule['resources']:
                            for verb in rule['verbs']:
                                print(group or 'core', resource, verb)
            """
        let output = try runProcess(
            "python3", ["-c", script, repositoryRoot.appendingPathComponent("deploy/rbac.yaml").path])
        return Set(output.stdout.split(separator: "\n").map(String.init))
    }

    /// Verbs the story above does not reach but the reconciler needs: reading an object back
    /// after its create answered AlreadyExists (a retried create whose answer was lost), and
    /// deleting the disruption budget or Cruise Control of a cluster that stops asking for one,
    /// and reading a claim's StorageClass before growing the claim (the story grows no disk); and
    /// watching the Lease, which only a replica waiting to lead does (the story's one replica
    /// leads at once, and a leader does not watch); and a KafkaUser's finalizer, which goes on
    /// only in a pass that reaches Kafka (the story's operator has no Kafka client).
    static let grantedForRarePaths: Set<String> = [
        "core pods get", "core configmaps get", "core persistentvolumeclaims get", "core services get",
        "policy poddisruptionbudgets get", "policy poddisruptionbudgets delete", "apps deployments get",
        "apps deployments delete", "storage.k8s.io storageclasses get", "coordination.k8s.io leases list",
        "coordination.k8s.io leases watch", "core secrets update", "kafka.banzaicloud.io kafkausers update",
    ]

    /// A CA as OpenSSL makes one: its certificate and PKCS#8 key, PEM.
    static func openSSLCA(_ name: String, in directory: TemporaryDirectory) throws -> (
        certificate: String, key: String
    ) {
        let certificate = directory.file("\(name).crt").path
        let key = directory.file("\(name).key").path
        let made = try runProcess(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                key,
                "-out", certificate, "-subj", "/CN=\(name)", "-days", "30", "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        #expect(made.status == 0, "\(made.stderr)")
        return (
            try String(contentsOfFile: certificate, encoding: .utf8),
            try String(contentsOfFile: key, encoding: .utf8)
        )
    }

    @Test(
        .enabled(
            if: Peer.available("curl") && Peer.available("python3") && Peer.available("openssl"),
            "needs curl, python3 and openssl"))
    func theClusterRoleGrantsExactlyTheVerbsTheOperatorUses() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let audit = directory.file("audit.log")
        let api = try await StandaloneLocalCluster(
            directory: directory, extraArguments: ["--audit-log", audit.path])
        defer { api.stop() }
        let kubeconfig = api.kubeconfig
        let server = api.server

        let cruiseControl = try await SimulatedCruiseControlPeer.start()
        defer { cruiseControl.stop() }
        // Finished CruiseControlOperations are deleted at once.
        let manifest = try cruiseControl.exampleManifest(at: directory.file("kafkacluster.yaml").path, ttl: 0)
        let operatorProcess = try await OperatorProcess(
            arguments: [
                // No Kafka runs beside this cluster.
                "--kafka-connection", "off", "--cluster", manifest, "--cooldown", "0", "--api-token", "ops",
                "--cruise-control-poll-interval", "0.2", "--cruise-control-max-poll-interval", "0.5",
            ],
            environment: ["KUBECONFIG": kubeconfig], logDirectory: directory, apiServer: server)
        #expect(
            operatorProcess.process.log.contains("managing a Kubernetes cluster"),
            "KUBECONFIG was not used: \(operatorProcess.process.log)")
        defer { operatorProcess.process.stop() }
        #expect(await operatorProcess.waitUntilClusterRunning(), "\(operatorProcess.process.log)")
        _ = try operatorProcess.curl("/alerts", ["--data-binary", ReconcileFlowTests.upScaleAlert])
        #expect(await operatorProcess.waitUntilClusterRunning(), "\(operatorProcess.process.log)")
        _ = try operatorProcess.curl(
            "/alerts", ["--data-binary", ReconcileFlowTests.downScaleAlert(brokerID: 1)])
        #expect(
            await waitUntil(timeout: .seconds(30)) {
                (try? ReconcileFlowTests.names(operatorProcess, "pods", broker: 1).isEmpty) == true
            })
        // Its claims go next, then its status entry: until then an addPvc would be deferred.
        #expect(await operatorProcess.waitUntilClusterRunning(), "\(operatorProcess.process.log)")
        let added = try operatorProcess.curl(
            "/api/v1/namespaces/kafka/kafkaclusters/kafka/actions",
            [
                "-H", "Authorization: Bearer ops", "-H", "Content-Type: application/json", "--data-binary",
                #"{"command":"addPvc","brokerId":"0","diskSize":"20Gi"}"#,
            ])
        #expect(added.status == 202, "\(added.body)")
        #expect(
            await waitUntil(timeout: .seconds(30)) {
                (try? ReconcileFlowTests.names(operatorProcess, "persistentvolumeclaims", broker: 0).count)
                    == 2
            })
        #expect(await operatorProcess.waitUntilClusterRunning(), "\(operatorProcess.process.log)")

        // Drift and a grown disk: someone edits a Service's selector, and the spec asks for
        // larger claims; the reconciler updates both in place.
        func mergePatch(_ path: String, _ body: String) throws {
            let output = try runProcess(
                "curl",
                [
                    "-sS", "-X", "PATCH", "-H", "Content-Type: application/merge-patch+json", "--data", body,
                    server + path,
                ])
            #expect(output.stdout.contains("resourceVersion"), "\(path): \(output.stdout)")
        }
        try mergePatch("/api/v1/namespaces/kafka/services/kafka-0", #"{"spec":{"selector":{"app":"other"}}}"#)
        try mergePatch(
            "/apis/kafka.banzaicloud.io/v1beta1/namespaces/kafka/kafkaclusters/kafka",
            #"{"spec":{"brokerConfigGroups":{"default":{"storageConfigs":[{"mountPath":"/kafka-logs","pvcSpec":{"accessModes":["ReadWriteOnce"],"storageClassName":"standard","resources":{"requests":{"storage":"20Gi"}}}}]}}}}"#
        )
        let restored = await waitUntil(timeout: .seconds(30)) {
            let selector = (try? operatorProcess.api("/api/v1/namespaces/kafka/services/kafka-0"))
                .flatMap { ($0["spec"] as? [String: Any])?["selector"] as? [String: String] }
            let claims =
                (try? operatorProcess.items(
                    "/api/v1/namespaces/kafka/persistentvolumeclaims?labelSelector=brokerId%3D3")) ?? []
            let sizes = claims.compactMap {
                ((($0["spec"] as? [String: Any])?["resources"] as? [String: Any])?["requests"]
                    as? [String: String])?[
                        "storage"]
            }
            return selector?["app"] == "kafka" && sizes == ["20Gi"]
        }
        #expect(restored, "\(operatorProcess.process.log)")

        // Cruise Control from then on run by the operator (no endpoint elsewhere): its Deployment
        // is created, then rolled when its configuration changes.
        func deploymentHash() -> String? {
            let deployment = try? operatorProcess.api(
                "/apis/apps/v1/namespaces/kafka/deployments/kafka-cruisecontrol")
            let template = (deployment?["spec"] as? [String: Any])?["template"] as? [String: Any]
            let annotations = (template?["metadata"] as? [String: Any])?["annotations"] as? [String: String]
            return annotations?["kafka-operator.io/config-hash"]
        }
        try mergePatch(
            "/apis/kafka.banzaicloud.io/v1beta1/namespaces/kafka/kafkaclusters/kafka",
            #"{"spec":{"cruiseControlConfig":{"cruiseControlEndpoint":null}}}"#)
        let firstHash = await waitUntil(timeout: .seconds(30)) { deploymentHash() != nil }
        #expect(firstHash, "\(operatorProcess.process.log)")
        let before = deploymentHash()
        try mergePatch(
            "/apis/kafka.banzaicloud.io/v1beta1/namespaces/kafka/kafkaclusters/kafka",
            #"{"spec":{"cruiseControlConfig":{"config":"num.metric.fetchers=2\n"}}}"#)
        let rolled = await waitUntil(timeout: .seconds(30)) { deploymentHash().map { $0 != before } == true }
        #expect(rolled, "\(operatorProcess.process.log)")

        // A NodePort listener whose brokers advertise their node's address: the node is read.
        try mergePatch(
            "/apis/kafka.banzaicloud.io/v1beta1/namespaces/kafka/kafkaclusters/kafka",
            #"{"spec":{"listenersConfig":{"externalListeners":[{"name":"external","type":"plaintext","containerPort":9094,"externalStartingPort":0,"accessMethod":"NodePort"}]}}}"#
        )
        let advertised = await waitUntil(timeout: .seconds(30)) {
            let cluster = try? operatorProcess.api(
                "/apis/kafka.banzaicloud.io/v1beta1/namespaces/kafka/kafkaclusters/kafka")
            let statuses =
                ((cluster?["status"] as? [String: Any])?["listenerStatuses"] as? [String: Any])?[
                    "externalListeners"] as? [String: [[String: String]]]
            return statuses?["external"]?.contains { $0["address"]?.hasPrefix("127.0.0.1:") == true } == true
        }
        #expect(advertised, "\(operatorProcess.process.log)")

        // A KafkaTopic, created and deleted: without a Kafka client it waits (pending), with
        // the finalizer on; its delete takes the finalizer off again.
        let topics = server + "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/kafkatopics"
        let created = try runProcess(
            "curl",
            [
                "-sS", "-H", "Content-Type: application/json", "--data",
                #"{"apiVersion":"kafka.banzaicloud.io/v1alpha1","kind":"KafkaTopic","metadata":{"name":"orders"},"spec":{"clusterRef":{"name":"kafka"},"name":"orders","partitions":3,"replicationFactor":2}}"#,
                topics,
            ])
        #expect(created.stdout.contains("resourceVersion"), "\(created.stdout)")
        #expect(
            await waitUntil(timeout: .seconds(30)) {
                let topic = try? operatorProcess.api(
                    "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/kafkatopics/orders")
                return (topic?["status"] as? [String: Any])?["state"] as? String == "pending"
                    && ((topic?["metadata"] as? [String: Any])?["finalizers"] as? [String]) != nil
            }, "\(operatorProcess.process.log)")
        _ = try runProcess("curl", ["-sS", "-X", "DELETE", topics + "/orders"])
        #expect(
            await waitUntil(timeout: .seconds(30)) {
                (try? runProcess("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", topics + "/orders"]))?
                    .stdout
                    == "404"
            }, "\(operatorProcess.process.log)")

        // A KafkaUser of a cluster that names its CA: the CA Secret is read, the user's Secret
        // created, and updated when the CA Secret's trust bundle changes. Without a Kafka client
        // the user then waits (pending).
        let ca = try Self.openSSLCA("rbac-ca", in: directory)
        let next = try Self.openSSLCA("rbac-ca-next", in: directory)
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        let secrets = server + "/api/v1/namespaces/kafka/secrets"
        let caSecret = try runProcess(
            "curl",
            [
                "-sS", "-H", "Content-Type: application/json", "--data",
                #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"kafka-ca"},"data":{"caCert":"\#(base64(ca.certificate))","caKey":"\#(base64(ca.key))"}}"#,
                secrets,
            ])
        #expect(caSecret.stdout.contains("resourceVersion"), "\(caSecret.stdout)")
        try mergePatch(
            "/apis/kafka.banzaicloud.io/v1beta1/namespaces/kafka/kafkaclusters/kafka",
            #"{"spec":{"listenersConfig":{"sslSecrets":{"tlsSecretName":"kafka-ca","create":false}}}}"#)
        // The cluster's own certificates (brokers, operator, Cruise Control), signed by that CA,
        // are kept in Secrets too.
        let issued = await waitUntil(timeout: .seconds(30)) {
            let cluster = try? operatorProcess.api(
                "/apis/kafka.banzaicloud.io/v1beta1/namespaces/kafka/kafkaclusters/kafka")
            let expiry = (cluster?["status"] as? [String: Any])?["certificateExpiry"] as? [String: String]
            return expiry?.count == 4
        }
        #expect(issued, "\(operatorProcess.process.log)")
        let user = try runProcess(
            "curl",
            [
                "-sS", "-H", "Content-Type: application/json", "--data",
                #"{"apiVersion":"kafka.banzaicloud.io/v1alpha1","kind":"KafkaUser","metadata":{"name":"alice"},"spec":{"clusterRef":{"name":"kafka"},"secretName":"alice-tls","topicGrants":[{"topicName":"orders","accessType":"read"}]}}"#,
                server + "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/kafkausers",
            ])
        #expect(user.stdout.contains("resourceVersion"), "\(user.stdout)")
        func trustedCAs() -> Int? {
            let secret = try? operatorProcess.api("/api/v1/namespaces/kafka/secrets/alice-tls")
            return ((secret?["data"] as? [String: String])?["ca.crt"])
                .flatMap { Data(base64Encoded: $0) }
                .map {
                    String(decoding: $0, as: UTF8.self).components(separatedBy: "BEGIN CERTIFICATE").count - 1
                }
        }
        #expect(
            await waitUntil(timeout: .seconds(30)) { trustedCAs() == 1 }, "\(operatorProcess.process.log)")
        try mergePatch(
            "/api/v1/namespaces/kafka/secrets/kafka-ca",
            #"{"data":{"ca.crt":"\#(base64(next.certificate + ca.certificate))"}}"#)
        #expect(
            await waitUntil(timeout: .seconds(30)) { trustedCAs() == 2 }, "\(operatorProcess.process.log)")
        operatorProcess.process.stop()

        let used = Set(
            try String(contentsOf: audit, encoding: .utf8).split(separator: "\n")
                .filter { $0.contains(" kafka-operator/") }
                .map { line in
                    // `verb group resource user-agent` → `group resource verb`, as granted() says it.
                    let fields = line.split(separator: " ").map(String.init)
                    return "\(fields[1]) \(fields[2]) \(fields[0])"
                })
        let granted = try Self.granted()
        #expect(
            used.subtracting(granted).isEmpty, "used but not granted: \(used.subtracting(granted).sorted())")
        let unused = granted.subtracting(used).subtracting(Self.grantedForRarePaths)
        #expect(unused.isEmpty, "granted but never used: \(unused.sorted())\n\(operatorProcess.process.log)")
    }
}
