import Foundation
import TestSupport
import Testing

/// Real kubectl 1.37 against the local cluster: discovery, server-side tables, describe, delete.
@Suite(.serialized) struct KubectlTests {
    @Test func getListsCreatedPodsWithTheirReadiness() async throws {
        guard Peer.available("curl"), Kubectl.available else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        try await cluster.createNamespace("kafka")
        for name in ["kafka-0", "kafka-1"] {
            #expect(
                try await cluster.post(
                    "/api/v1/namespaces/kafka/pods", TestCluster.pod(name, labels: ["app": "kafka"])
                ).status == 201)
        }
        #expect(
            try await cluster.waitFor("/api/v1/namespaces/kafka/pods/kafka-1") {
                $0.text.contains(#""type":"Ready","status":"True""#)
            })
        let output = try await kubectl.run(["get", "pods", "-n", "kafka"])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true)
        }
        #expect(
            lines.first?.map(String.init) == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            "\(output.stdout)")
        #expect(lines.dropFirst().map { String($0[0]) } == ["kafka-0", "kafka-1"])
        #expect(
            lines.dropFirst().allSatisfy { $0.count > 2 && $0[1] == "1/1" && $0[2] == "Running" },
            "\(output.stdout)")
        let selected = try await kubectl.run(["get", "pods", "-n", "kafka", "-l", "app=kafka", "-o", "name"])
        #expect(selected.stdout == "pod/kafka-0\npod/kafka-1\n", "\(selected.stderr)")
        let json = try await kubectl.run([
            "get", "pod", "kafka-0", "-n", "kafka", "-o", "jsonpath={.status.phase}",
        ])
        #expect(json.stdout == "Running", "\(json.stderr)")
    }

    /// kubectl sends set-based selectors form-encoded (`brokerId+in+(0,2)`), as every Go client
    /// does; the server reads `+` as a space (API concepts: label selectors, set-based).
    @Test func setBasedSelectorsFromKubectlSelect() async throws {
        guard Peer.available("curl"), Kubectl.available else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        try await cluster.createNamespace("kafka")
        for id in 0..<3 {
            #expect(
                try await cluster.post(
                    "/api/v1/namespaces/kafka/pods",
                    TestCluster.pod("kafka-\(id)", labels: ["brokerId": "\(id)"])
                ).status == 201)
        }
        let selected = try await kubectl.run([
            "get", "pods", "-n", "kafka", "-l", "brokerId in (0,2)", "-o", "name",
        ])
        #expect(selected.stdout == "pod/kafka-0\npod/kafka-2\n", "\(selected.stderr)")
        let excluded = try await kubectl.run([
            "get", "pods", "-n", "kafka", "-l", "brokerId notin (0,2)", "-o", "name",
        ])
        #expect(excluded.stdout == "pod/kafka-1\n", "\(excluded.stderr)")
    }

    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func getKafkaClustersByPluralShortNameAndCategory() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        #expect(
            try await cluster.post(
                "/apis/kafka.banzaicloud.io/v1beta1/namespaces/default/kafkaclusters",
                TestCluster.kafkaCluster("kafka")
            ).status == 201)
        #expect(
            try await cluster.request(
                "PATCH", "/apis/kafka.banzaicloud.io/v1beta1/namespaces/default/kafkaclusters/kafka",
                body: #"{"status":{"state":"ClusterRunning","brokerCount":3}}"#,
                contentType: "application/merge-patch+json"
            ).status == 200)
        // The columns deploy/crd.yaml declares, filled from the fields the operator writes; the
        // CRD's categories make `kubectl get kafka` and `get all` list it.
        for resource in ["kafkaclusters", "kc", "kafkacluster.kafka.banzaicloud.io", "kafka"] {
            let output = try await kubectl.run(["get", resource])
            #expect(output.status == 0, "\(resource): \(output.stderr)")
            let lines = output.stdout.split(separator: "\n").map {
                $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            }
            #expect(lines.first == ["NAME", "STATE", "BROKERS", "AGE"], "\(resource): \(output.stdout)")
            #expect(
                lines.dropFirst().first?.prefix(3) == ["kafka", "ClusterRunning", "3"], "\(output.stdout)")
        }
        let all = try await kubectl.run(["get", "all", "-o", "name"])
        #expect(all.stdout.contains("kafkacluster.kafka.banzaicloud.io/kafka"), "\(all.stdout)\(all.stderr)")
        let yaml = try await kubectl.run(["get", "kc", "kafka", "-o", "yaml"])
        #expect(yaml.stdout.contains("kind: KafkaCluster"), "\(yaml.stderr)")
        let described = try await kubectl.run(["describe", "kc", "kafka"])
        #expect(described.status == 0, "\(described.stderr)")
        #expect(described.stdout.contains("Kind:         KafkaCluster"), "\(described.stdout)")
    }

    @Test func describeShowsAPodAndItsEvents() async throws {
        guard Peer.available("curl"), Kubectl.available else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        let pod = try await cluster.post(
            "/api/v1/namespaces/default/pods", TestCluster.pod("kafka-0", labels: ["app": "kafka"]))
        let uid = pod.string("metadata.uid") ?? ""
        let event =
            #"{"apiVersion":"v1","kind":"Event","metadata":{"name":"kafka-0.1"},"involvedObject":{"kind":"Pod","name":"kafka-0","namespace":"default","uid":"\#(uid)","apiVersion":"v1"},"reason":"BrokerCreated","message":"broker 0 created","type":"Normal","source":{"component":"kafka-operator"},"count":1,"firstTimestamp":"2026-01-01T00:00:00Z","lastTimestamp":"2026-01-01T00:00:00Z"}"#
        #expect(try await cluster.post("/api/v1/namespaces/default/events", event).status == 201)
        #expect(
            try await cluster.waitFor("/api/v1/namespaces/default/pods/kafka-0") {
                $0.string("status.phase") == "Running"
            })
        let output = try await kubectl.run(["describe", "pod", "kafka-0"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Name:"), "\(output.stdout)")
        #expect(output.stdout.contains("kafka-0"))
        #expect(output.stdout.contains("app=kafka"))
        #expect(output.stdout.contains("BrokerCreated"), "\(output.stdout)")
    }

    @Test func deleteRemovesAPod() async throws {
        guard Peer.available("curl"), Kubectl.available else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        #expect(
            try await cluster.post("/api/v1/namespaces/default/pods", TestCluster.pod("kafka-0")).status
                == 201)
        let output = try await kubectl.run(["delete", "pod", "kafka-0"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains(#"pod "kafka-0" deleted"#), "\(output.stdout)")
        #expect(try await cluster.get("/api/v1/namespaces/default/pods/kafka-0").status == 404)
        let missing = try await kubectl.run(["delete", "pod", "kafka-0"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("NotFound"), "\(missing.stderr)")
    }

    @Test func getSeveralResourceTypesAtOnce() async throws {
        guard Peer.available("curl"), Kubectl.available else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        #expect(
            try await cluster.post(
                "/api/v1/namespaces/default/configmaps", TestCluster.configMap("kafka-config-0")
            ).status == 201)
        #expect(
            try await cluster.post(
                "/api/v1/namespaces/default/persistentvolumeclaims",
                #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"kafka-0-storage-0"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"10Gi"}}}}"#
            ).status == 201)
        #expect(
            try await cluster.post(
                "/api/v1/namespaces/default/services",
                #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"kafka-0"},"spec":{"ports":[{"port":9092,"protocol":"TCP"}]}}"#
            ).status == 201)
        #expect(
            try await cluster.waitFor("/api/v1/namespaces/default/persistentvolumeclaims/kafka-0-storage-0") {
                $0.string("status.phase") == "Bound"
            })
        let output = try await kubectl.run(["get", "configmaps,pvc,services"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("configmap/kafka-config-0"), "\(output.stdout)")
        #expect(output.stdout.contains("persistentvolumeclaim/kafka-0-storage-0"))
        #expect(output.stdout.contains("Bound"))
        #expect(output.stdout.contains("10Gi"))
        #expect(output.stdout.contains("service/kafka-0"))
        #expect(output.stdout.contains("9092/TCP"))
        let namespaces = try await kubectl.run(["get", "ns"])
        #expect(namespaces.stdout.contains("kube-system"), "\(namespaces.stderr)")
    }

    /// Server-side tables page as lists do (`--chunk-size`, 500 by default) and carry whole
    /// objects when asked (`--sort-by` asks for `includeObject=Object`).
    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func tablesPageAndSortByAnyField() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        let count = 24
        for index in 0..<count {
            // Names sort one way, the data the other.
            let created = try await cluster.post(
                "/api/v1/namespaces/default/configmaps",
                TestCluster.configMap(
                    "cm-\(String(index + 10))", data: #"{"rank":"\#(String(99 - index))"}"#))
            #expect(created.status == 201)
        }
        let paged = try await kubectl.run(["get", "cm", "--chunk-size=5", "-o", "name"])
        #expect(paged.status == 0, "\(paged.stderr)")
        #expect(paged.stdout.split(separator: "\n").count == count, "\(paged.stdout)")
        let table = try await kubectl.run(["get", "cm", "--chunk-size=5", "--no-headers"])
        #expect(table.stdout.split(separator: "\n").count == count, "\(table.stdout)")
        let sorted = try await kubectl.run(["get", "cm", "--sort-by=.data.rank", "--no-headers"])
        #expect(sorted.status == 0, "\(sorted.stderr)")
        let names = sorted.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first }
        #expect(names.first == "cm-33" && names.last == "cm-10", "\(sorted.stdout)")
        #expect(names.count == count)
    }

    /// The kubectl commands that need more than objects: `scale` and `rollout status` through a
    /// Deployment's scale subresource, `auth whoami` and `auth can-i` through the review APIs,
    /// the API server's probes; `logs` and `exec` say the local cluster runs no containers.
    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func scaleRolloutAuthProbesAndContainerCommands() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        #expect(
            try await cluster.post(
                "/apis/apps/v1/namespaces/default/deployments", DeploymentRulesTests.deployment()
            ).status == 201)
        let scaled = try await kubectl.run(["scale", "deployment/web", "--replicas=3"])
        #expect(scaled.status == 0, "\(scaled.stderr)")
        #expect(scaled.stdout.contains("scaled"), "\(scaled.stdout)")
        let replicas = try await kubectl.run(["get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"])
        #expect(replicas.stdout == "3", "\(replicas.stdout)\(replicas.stderr)")
        let rollout = try await kubectl.run(["rollout", "status", "deployment/web", "--timeout=20s"])
        #expect(rollout.status == 0, "\(rollout.stdout)\(rollout.stderr)")
        #expect(rollout.stdout.contains("successfully rolled out"), "\(rollout.stdout)")
        let negative = try await cluster.request(
            "PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale",
            body: #"{"spec":{"replicas":-1}}"#,
            contentType: "application/merge-patch+json")
        #expect(negative.status == 422, "\(negative.text)")

        let whoami = try await kubectl.run(["auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"])
        #expect(whoami.status == 0 && whoami.stdout == "local-admin", "\(whoami.stdout)\(whoami.stderr)")
        let canI = try await kubectl.run(["auth", "can-i", "delete", "pods"])
        #expect(canI.status == 0 && canI.stdout == "yes\n", "\(canI.stdout)\(canI.stderr)")
        for probe in ["/healthz", "/livez", "/readyz"] {
            let answer = try await cluster.get(probe)
            #expect(answer.status == 200 && answer.text == "ok", "\(probe): \(answer.text)")
        }

        #expect(
            try await cluster.post("/api/v1/namespaces/default/pods", TestCluster.pod("kafka-0")).status
                == 201)
        let logs = try await kubectl.run(["logs", "kafka-0"])
        #expect(logs.status != 0)
        #expect(logs.stderr.contains("the local cluster runs no containers"), "\(logs.stderr)")
        let missing = try await kubectl.run(["logs", "kafka-9"])
        #expect(missing.stderr.contains("not found"), "\(missing.stderr)")
    }

    /// `kubectl get pdb` shows a budget's columns as for a real cluster.
    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func aDisruptionBudgetIsListedWithItsColumns() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        #expect(
            try await cluster.post(
                "/apis/policy/v1/namespaces/default/poddisruptionbudgets",
                #"{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"kafka-pdb"},"spec":{"minAvailable":2,"selector":{"matchLabels":{"app":"kafka"}}}}"#
            ).status == 201)
        let output = try await kubectl.run(["get", "pdb"])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        #expect(
            lines.first == [
                "NAME", "MIN", "AVAILABLE", "MAX", "UNAVAILABLE", "ALLOWED", "DISRUPTIONS", "AGE",
            ],
            "\(output.stdout)")
        #expect(lines.dropFirst().first?.prefix(4) == ["kafka-pdb", "2", "N/A", "0"], "\(output.stdout)")
    }

    /// The simulated kubelet's node is registered, Ready, with the addresses a NodePort
    /// listener may advertise; the pods it runs name it.
    @Test(.enabled(if: Kubectl.available))
    func theKubeletsNodeIsListedWithItsAddresses() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        for resource in ["nodes", "no"] {
            let output = try await kubectl.run(["get", resource])
            #expect(output.status == 0, "\(output.stderr)")
            let lines = output.stdout.split(separator: "\n").map {
                $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            }
            #expect(lines.first == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"], "\(output.stdout)")
            #expect(
                lines.dropFirst().first?.prefix(3) == ["local-node", "Ready", "<none>"], "\(output.stdout)")
        }
        let addresses = try await kubectl.run([
            "get", "node", "local-node", "-o",
            "jsonpath={range .status.addresses[*]}{.type}={.address} {end}",
        ])
        #expect(addresses.stdout == "InternalIP=127.0.0.1 Hostname=local-node ", "\(addresses.stderr)")
    }

    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func theDefaultStorageClassIsListedAndAShrinkingPatchFails() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        for resource in ["storageclasses", "sc"] {
            let output = try await kubectl.run(["get", resource])
            #expect(output.status == 0, "\(output.stderr)")
            let lines = output.stdout.split(separator: "\n").map {
                $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            }
            #expect(
                lines.first == [
                    "NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION",
                    "AGE",
                ], "\(output.stdout)")
            #expect(
                lines.dropFirst().first?.prefix(6) == [
                    "standard", "(default)", "local.kafka-operator.io/simulated", "Delete", "Immediate",
                    "true",
                ], "\(output.stdout)")
        }
        #expect(
            try await cluster.post(
                "/api/v1/namespaces/default/persistentvolumeclaims",
                #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"10Gi"}}}}"#
            ).status == 201)
        #expect(
            try await cluster.waitFor("/api/v1/namespaces/default/persistentvolumeclaims/data") {
                $0.string("status.phase") == "Bound"
            })
        let shrink = try await kubectl.run([
            "patch", "pvc", "data", "-p", #"{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}"#,
        ])
        #expect(shrink.status != 0)
        #expect(
            shrink.stderr.contains(
                #"The PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than previous value"#
            ), "\(shrink.stderr)")
        let grow = try await kubectl.run([
            "patch", "pvc", "data", "-p", #"{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}"#,
        ])
        #expect(grow.status == 0, "\(grow.stderr)")
        let size = try await kubectl.run([
            "get", "pvc", "data", "-o", "jsonpath={.spec.resources.requests.storage}",
        ])
        #expect(size.stdout == "20Gi", "\(size.stderr)")
    }

    @Test func applyCreatesThenUpdatesAndLabelsAKafkaCluster() async throws {
        guard Peer.available("curl"), Kubectl.available else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        let file = kubectl.directory.file("kafka.yaml").path
        func write(brokers: Int) throws {
            let list = (0..<brokers).map { "  - id: \($0)" }.joined(separator: "\n")
            try """
            apiVersion: kafka.banzaicloud.io/v1beta1
            kind: KafkaCluster
            metadata:
              name: kafka
            spec:
              brokers:
            \(list)
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              brokers: "\(brokers)"
            """.write(toFile: file, atomically: true, encoding: .utf8)
        }
        try write(brokers: 1)
        let created = try await kubectl.run(["apply", "-f", file])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(
            created.stdout.contains("kafkacluster.kafka.banzaicloud.io/kafka created"), "\(created.stdout)")
        #expect(created.stdout.contains("configmap/settings created"))
        try write(brokers: 2)
        let updated = try await kubectl.run(["apply", "-f", file])
        #expect(updated.status == 0, "\(updated.stderr)")
        #expect(
            updated.stdout.contains("kafkacluster.kafka.banzaicloud.io/kafka configured"), "\(updated.stdout)"
        )
        let object = try await cluster.get(
            "/apis/kafka.banzaicloud.io/v1beta1/namespaces/default/kafkaclusters/kafka")
        #expect(object.string("metadata.generation") == "2")
        #expect(
            try await cluster.get("/api/v1/namespaces/default/configmaps/settings").string("data.brokers")
                == "2")
        let labelled = try await kubectl.run(["label", "kc", "kafka", "team=data"])
        #expect(labelled.status == 0, "\(labelled.stderr)")
        let wide = try await kubectl.run(["get", "kc", "-l", "team=data"])
        #expect(wide.stdout.contains("kafka "), "\(wide.stdout)")
        let deleted = try await kubectl.run(["delete", "-f", file])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(
            try await cluster.get("/apis/kafka.banzaicloud.io/v1beta1/namespaces/default/kafkaclusters/kafka")
                .status == 404)
    }

    @Test func watchShowsAPodBecomingReady() async throws {
        guard Peer.available("curl"), Kubectl.available else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        let creator = Task {
            try await Task.sleep(for: .milliseconds(700))
            _ = try await cluster.post("/api/v1/namespaces/default/pods", TestCluster.pod("kafka-0"))
        }
        let output = try await kubectl.run(["get", "pods", "--watch", "--request-timeout", "3s"])
        try await creator.value
        let rows = output.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(
            rows.first == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"], "\(output.stdout) \(output.stderr)")
        #expect(
            rows.contains { $0.count > 2 && $0[0] == "kafka-0" && $0[2] == "Pending" }, "\(output.stdout)")
        #expect(
            rows.last.map { $0.count > 2 && $0[1] == "1/1" && $0[2] == "Running" } == true, "\(output.stdout)"
        )
    }
}
