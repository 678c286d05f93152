import Foundation
import JSON
import LocalCluster
import TestSupport
import Testing

/// The simulated kubelet, garbage collection, persistence and injected faults.
@Suite(.serialized) struct ClusterBehaviourTests {
    static let pods = "/api/v1/namespaces/default/pods"
    static let configMaps = "/api/v1/namespaces/default/configmaps"
    static let kafkaClusters = "/apis/kafka.banzaicloud.io/v1beta1/namespaces/default/kafkaclusters"

    @Test func aPodGoesFromPendingToReady() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start(
            kubelet: .init(
                scheduleDelay: .milliseconds(100), startDelay: .milliseconds(100),
                readyDelay: .milliseconds(100),
                bindDelay: .milliseconds(10)))
        defer { Task { await cluster.stop() } }
        let created = try await cluster.post(Self.pods, TestCluster.pod("kafka-0"))
        #expect(created.string("status.phase") == "Pending")
        #expect(
            try await cluster.waitFor(Self.pods + "/kafka-0") { $0.string("spec.nodeName") == "local-node" })
        #expect(try await cluster.waitFor(Self.pods + "/kafka-0") { $0.string("status.phase") == "Running" })
        #expect(
            try await cluster.waitFor(Self.pods + "/kafka-0") {
                $0.text.contains(#""type":"Ready","status":"True""#)
            })
        let ready = try await cluster.get(Self.pods + "/kafka-0")
        #expect(ready.string("status.podIP")?.hasPrefix("10.244.") == true)
        #expect(ready.text.contains(#""type":"ContainersReady","status":"True""#))
        #expect(ready.text.contains(#""type":"Initialized","status":"True""#))
        #expect(ready.text.contains(#""type":"PodScheduled","status":"True""#))
        #expect(ready.text.contains(#""name":"kafka","image":"ghcr.io/banzaicloud/kafka:2.13-3.4.1""#))
        // The kubelet's writes are status: generation stays.
        #expect(ready.string("metadata.generation") == "1")
        #expect(try await cluster.delete(Self.pods + "/kafka-0", #"{"gracePeriodSeconds":0}"#).status == 200)
        #expect(try await cluster.get(Self.pods + "/kafka-0").status == 404)
    }

    /// As the API server and a kubelet do: a scheduled pod is marked with a deletionTimestamp
    /// its grace period away and stays, terminating, until its containers have stopped; a pod
    /// not yet on a node, or a delete with a grace period of zero, goes at once.
    /// A crashed container restarts in place under `restartPolicy: Always` (the default); under
    /// `Never` the pod ends `Failed`, unready, and the kubelet never runs it again.
    @Test(.enabled(if: Peer.available("curl"))) func aCrashFollowsTheRestartPolicy() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let never = TestCluster.pod("never-0").replacingOccurrences(
            of: #""spec":{"#, with: #""spec":{"restartPolicy":"Never","#)
        _ = try await cluster.post(Self.pods, TestCluster.pod("always-0"))
        _ = try await cluster.post(Self.pods, never)
        for name in ["always-0", "never-0"] {
            #expect(
                try await cluster.waitFor(Self.pods + "/" + name) {
                    $0.text.contains(#""type":"Ready","status":"True""#)
                })
        }
        #expect(await cluster.cluster.faults.crashContainers(podNamePrefix: "always-") == 1)
        #expect(await cluster.cluster.faults.crashContainers(podNamePrefix: "never-") == 1)
        #expect(await cluster.cluster.faults.crashContainers(podNamePrefix: "absent-") == 0)

        let restarted = try await cluster.get(Self.pods + "/always-0")
        #expect(restarted.string("status.phase") == "Running")
        #expect(restarted.text.contains(#""restartCount":1"#))
        #expect(restarted.text.contains(#""type":"Ready","status":"True""#))

        let ended = try await cluster.get(Self.pods + "/never-0")
        #expect(ended.string("status.phase") == "Failed")
        #expect(ended.text.contains(#""type":"Ready","status":"False""#))
        #expect(ended.text.contains(#""exitCode":1"#))
        // A crash of an ended pod is no crash, and the kubelet leaves it ended.
        #expect(await cluster.cluster.faults.crashContainers(podNamePrefix: "never-") == 0)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await cluster.get(Self.pods + "/never-0").string("status.phase") == "Failed")
    }

    @Test func aDeletedPodTerminatesGracefully() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        cluster.cluster.faults.ignoreTermination(podNamePrefix: "stubborn-")
        for name in ["kafka-0", "stubborn-0", "forced-0"] {
            _ = try await cluster.post(Self.pods, TestCluster.pod(name))
            #expect(try await cluster.waitFor(Self.pods + "/\(name)") { $0.string("spec.nodeName") != nil })
        }
        let deleting = try await cluster.delete(Self.pods + "/kafka-0")
        #expect(deleting.status == 200)
        #expect(deleting.string("metadata.deletionGracePeriodSeconds") == "30")
        #expect(deleting.string("metadata.deletionTimestamp") != nil)
        #expect(try await cluster.waitFor(Self.pods + "/kafka-0") { $0.status == 404 })

        let stubborn = try await cluster.delete(Self.pods + "/stubborn-0", #"{"gracePeriodSeconds":60}"#)
        #expect(stubborn.status == 200 && stubborn.string("metadata.deletionGracePeriodSeconds") == "60")
        // A terminating pod is listed and updated like any other; it keeps stopping.
        let patched = try await cluster.mergePatch(
            Self.pods + "/stubborn-0", #"{"metadata":{"labels":{"seen":"yes"}}}"#)
        #expect(patched.status == 200 && patched.string("metadata.deletionTimestamp") != nil)
        let again = try await cluster.delete(Self.pods + "/stubborn-0")
        #expect(again.status == 200)
        #expect(try await cluster.get(Self.pods).itemNames.contains("stubborn-0"))
        cluster.cluster.faults.reset()
        #expect(try await cluster.waitFor(Self.pods + "/stubborn-0") { $0.status == 404 })

        #expect(try await cluster.delete(Self.pods + "/forced-0", #"{"gracePeriodSeconds":0}"#).status == 200)
        #expect(try await cluster.get(Self.pods + "/forced-0").status == 404)
        // Not yet scheduled: nothing runs, so nothing waits.
        let slow = try await TestCluster.start(
            kubelet: .init(
                scheduleDelay: .seconds(60), startDelay: .zero, readyDelay: .zero, bindDelay: .zero))
        defer { Task { await slow.stop() } }
        _ = try await slow.post(Self.pods, TestCluster.pod("pending-0"))
        #expect(try await slow.delete(Self.pods + "/pending-0").status == 200)
        #expect(try await slow.get(Self.pods + "/pending-0").status == 404)
    }

    @Test func aLostAnswerFailsARequestThatWasServed() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        cluster.cluster.faults.failNextAnswers(1, verb: "create", resource: "configmaps")
        #expect(try await cluster.post(Self.configMaps, TestCluster.configMap("lost")).status == 500)
        #expect(try await cluster.get(Self.configMaps + "/lost").status == 200)
        #expect(try await cluster.post(Self.configMaps, TestCluster.configMap("kept")).status == 201)
        #expect(cluster.cluster.faults.injectedCount == 1)
    }

    @Test func aClaimIsBound() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let path = "/api/v1/namespaces/default/persistentvolumeclaims"
        let created = try await cluster.post(
            path,
            #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"10Gi"}}}}"#
        )
        #expect(created.string("status.phase") == "Pending")
        #expect(try await cluster.waitFor(path + "/data") { $0.string("status.phase") == "Bound" })
        let bound = try await cluster.get(path + "/data")
        #expect(bound.string("status.capacity.storage") == "10Gi")
        #expect(bound.string("spec.volumeName") == "pvc-\(created.string("metadata.uid") ?? "")")
    }

    /// The API server's rules for changing a claim: validation first (422), then the resize
    /// admission plugin (403), each with the real server's message.
    @Test(.enabled(if: Peer.available("curl"))) func aClaimGrowsOnlyWhereItsClassAllowsAndNeverShrinks()
        async throws
    {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let path = "/api/v1/namespaces/default/persistentvolumeclaims"
        #expect(
            try await cluster.post(
                "/apis/storage.k8s.io/v1/storageclasses",
                #"{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"fixed"},"provisioner":"example.com/fixed"}"#
            ).status == 201)
        for (name, storageClass) in [("grows", "standard"), ("fixed", "fixed")] {
            _ = try await cluster.post(
                path,
                #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"\#(name)"},"spec":{"accessModes":["ReadWriteOnce"],"storageClassName":"\#(storageClass)","resources":{"requests":{"storage":"10Gi"}}}}"#
            )
            #expect(try await cluster.waitFor(path + "/\(name)") { $0.string("status.phase") == "Bound" })
        }
        func resize(_ name: String, to size: String) async throws -> TestCluster.Answer {
            try await cluster.mergePatch(
                path + "/\(name)", #"{"spec":{"resources":{"requests":{"storage":"\#(size)"}}}}"#)
        }
        let grown = try await resize("grows", to: "20Gi")
        #expect(grown.status == 200, "\(grown.text)")
        #expect(grown.string("spec.resources.requests.storage") == "20Gi")

        let shrunk = try await resize("grows", to: "15Gi")
        #expect(shrunk.status == 422)
        #expect(
            shrunk.string("message")
                == #"PersistentVolumeClaim "grows" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than previous value"#
        )
        let refused = try await resize("fixed", to: "20Gi")
        #expect(refused.status == 403)
        #expect(refused.string("reason") == "Forbidden")
        #expect(
            refused.string("message")
                == #"persistentvolumeclaims "fixed" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"#
        )
        let immutable = try await cluster.mergePatch(
            path + "/grows", #"{"spec":{"accessModes":["ReadWriteMany"]}}"#)
        #expect(immutable.status == 422)
        #expect(
            immutable.string("message")?.hasSuffix(
                "spec: Forbidden: spec is immutable after creation except resources.requests and "
                    + "volumeAttributesClassName for bound claims") == true, "\(immutable.text)")
        let malformed = try await resize("grows", to: "lots")
        #expect(malformed.status == 422)
        #expect(try await cluster.get(path + "/grows").string("spec.resources.requests.storage") == "20Gi")
        #expect(try await cluster.get(path + "/fixed").string("spec.resources.requests.storage") == "10Gi")
    }

    @Test func aPodThatIsToldNeverToBeReadyStaysRunningUnready() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        cluster.cluster.faults.neverReady(podNamePrefix: "stuck-")
        cluster.cluster.faults.neverReady(podLabel: "brokerId", value: "7")
        _ = try await cluster.post(Self.pods, TestCluster.pod("stuck-0"))
        _ = try await cluster.post(Self.pods, TestCluster.pod("kafka-7", labels: ["brokerId": "7"]))
        _ = try await cluster.post(Self.pods, TestCluster.pod("healthy"))
        #expect(
            try await cluster.waitFor(Self.pods + "/healthy") {
                $0.text.contains(#""type":"Ready","status":"True""#)
            })
        for name in ["stuck-0", "kafka-7"] {
            #expect(
                try await cluster.waitFor(Self.pods + "/\(name)") { $0.string("status.phase") == "Running" })
            #expect(
                try await cluster.get(Self.pods + "/\(name)").text.contains(
                    #""type":"Ready","status":"False""#))
        }
        cluster.cluster.faults.reset()
        #expect(
            try await cluster.waitFor(Self.pods + "/stuck-0") {
                $0.text.contains(#""type":"Ready","status":"True""#)
            })
    }

    /// A KafkaCluster owning a pod and a configmap; returns the owner's uid.
    private func makeOwnedObjects(_ cluster: TestCluster) async throws -> String {
        let owner = try await cluster.post(Self.kafkaClusters, TestCluster.kafkaCluster("kafka"))
        let uid = owner.string("metadata.uid") ?? ""
        #expect(
            try await cluster.post(
                Self.pods, TestCluster.pod("kafka-0", owner: ("KafkaCluster", "kafka", uid))
            ).status == 201)
        let configMap =
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kafka-config-0","ownerReferences":[{"apiVersion":"kafka.banzaicloud.io/v1beta1","kind":"KafkaCluster","name":"kafka","uid":"\#(uid)"}]}}"#
        #expect(try await cluster.post(Self.configMaps, configMap).status == 201)
        #expect(try await cluster.post(Self.configMaps, TestCluster.configMap("unowned")).status == 201)
        return uid
    }

    @Test func deletingAnOwnerDeletesItsDependents() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        _ = try await makeOwnedObjects(cluster)
        #expect(try await cluster.delete(Self.kafkaClusters + "/kafka").status == 200)
        #expect(try await cluster.waitFor(Self.pods) { $0.items.isEmpty })
        #expect(try await cluster.waitFor(Self.configMaps) { $0.itemNames == ["unowned"] })
    }

    @Test func orphanDeletionKeepsDependentsWithoutTheReference() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        _ = try await makeOwnedObjects(cluster)
        #expect(
            try await cluster.delete(Self.kafkaClusters + "/kafka", #"{"propagationPolicy":"Orphan"}"#).status
                == 200)
        try await Task.sleep(for: .milliseconds(200))
        let pod = try await cluster.get(Self.pods + "/kafka-0")
        #expect(pod.status == 200)
        #expect(pod.json["metadata"]?["ownerReferences"] == nil)
        #expect(try await cluster.get(Self.configMaps).itemNames == ["kafka-config-0", "unowned"])
    }

    @Test func foregroundDeletionRemovesDependentsBeforeTheOwner() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let uid = try await makeOwnedObjects(cluster)
        // A finalizer on the dependent holds the owner in foreground deletion.
        _ = try await cluster.mergePatch(
            Self.configMaps + "/kafka-config-0", #"{"metadata":{"finalizers":["example.com/hold"]}}"#)
        let deleting = try await cluster.delete(
            Self.kafkaClusters + "/kafka", #"{"propagationPolicy":"Foreground"}"#)
        #expect(deleting.status == 200, "\(deleting.text)")
        #expect(deleting.string("metadata.deletionTimestamp") != nil)
        #expect(deleting.text.contains("foregroundDeletion"))
        #expect(try await cluster.waitFor(Self.pods) { $0.items.isEmpty })
        let held = try await cluster.get(Self.kafkaClusters + "/kafka")
        #expect(held.status == 200)
        #expect(held.string("metadata.uid") == uid)
        #expect(
            try await cluster.get(Self.configMaps + "/kafka-config-0").string("metadata.deletionTimestamp")
                != nil)
        _ = try await cluster.mergePatch(
            Self.configMaps + "/kafka-config-0", #"{"metadata":{"finalizers":null}}"#)
        #expect(try await cluster.waitFor(Self.kafkaClusters + "/kafka") { $0.status == 404 })
        #expect(try await cluster.get(Self.configMaps).itemNames == ["unowned"])
    }

    @Test func objectsAndTheResourceVersionSurviveARestart() async throws {
        guard Peer.available("curl") else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try await TestCluster.start(dataDirectory: directory.path)
        try await first.createNamespace("kafka")
        let created = try await first.post(
            "/api/v1/namespaces/kafka/configmaps", TestCluster.configMap("kept"))
        _ = try await first.post("/api/v1/namespaces/kafka/configmaps", TestCluster.configMap("gone"))
        let deleted = try await first.delete("/api/v1/namespaces/kafka/configmaps/gone")
        _ = try await first.post(Self.kafkaClusters, TestCluster.kafkaCluster("kafka"))
        _ = try await first.mergePatch(
            Self.kafkaClusters + "/kafka", #"{"status":{"state":"ClusterRunning"}}"#)
        let lastVersion = UInt64(deleted.string("metadata.resourceVersion") ?? "") ?? 0
        let before = try await first.get("/api/v1/namespaces/kafka/configmaps/kept")
        await first.stop()

        let second = try await TestCluster.start(dataDirectory: directory.path)
        defer { Task { await second.stop() } }
        let after = try await second.get("/api/v1/namespaces/kafka/configmaps/kept")
        #expect(after.status == 200)
        #expect(after.json == before.json)
        #expect(after.string("metadata.uid") == created.string("metadata.uid"))
        #expect(try await second.get("/api/v1/namespaces/kafka/configmaps/gone").status == 404)
        #expect(
            try await second.get(Self.kafkaClusters + "/kafka").string("status.state") == "ClusterRunning")
        let next = try await second.post("/api/v1/namespaces/kafka/configmaps", TestCluster.configMap("new"))
        #expect(UInt64(next.string("metadata.resourceVersion") ?? "") ?? 0 > lastVersion)
    }

    @Test func aCorruptObjectFileStopsTheStartWithItsPath() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try await TestCluster.start(dataDirectory: directory.path)
        await first.stop()
        let folder = directory.path + "/objects/configmaps/default"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(#"{"metadata":{"name":"broken","#.utf8).write(
            to: URL(fileURLWithPath: folder + "/broken.json"))
        do {
            _ = try await TestCluster.start(dataDirectory: directory.path)
            Issue.record("a corrupt file must stop the start")
        } catch let error as LocalClusterError {
            guard case .corruptObjectFile(let path, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path.hasSuffix("configmaps/default/broken.json"))
            #expect(error.description.contains("broken.json"))
        }
    }

    @Test func injectedServerErrorsHitTheChosenRequests() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let faults = cluster.cluster.faults
        faults.failNextRequests(2, verb: "create", resource: "configmaps")
        #expect(try await cluster.get(Self.configMaps).status == 200)
        let failed = try await cluster.post(Self.configMaps, TestCluster.configMap("a"))
        #expect(failed.status == 500)
        #expect(failed.string("reason") == "InternalError")
        #expect(try await cluster.post(Self.configMaps, TestCluster.configMap("a")).status == 500)
        #expect(try await cluster.post(Self.configMaps, TestCluster.configMap("a")).status == 201)
        #expect(faults.injectedCount == 2)

        faults.failFraction(1, code: 503, verb: "list")
        #expect(try await cluster.get(Self.configMaps).status == 503)
        #expect(try await cluster.get(Self.configMaps + "/a").status == 200)
        faults.reset()
        #expect(try await cluster.get(Self.configMaps).status == 200)

        faults.conflictNextUpdates(1)
        #expect(try await cluster.mergePatch(Self.configMaps + "/a", #"{"data":{"x":"1"}}"#).status == 409)
        #expect(try await cluster.mergePatch(Self.configMaps + "/a", #"{"data":{"x":"1"}}"#).status == 200)

        faults.addLatency(.milliseconds(300), verb: "get")
        let started = ContinuousClock.now
        #expect(try await cluster.get(Self.configMaps + "/a").status == 200)
        #expect(ContinuousClock.now - started >= .milliseconds(300))
    }

    @Test func droppingWatchesEndsEveryOpenWatch() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let first = try WatchClient(cluster, Self.configMaps + "?watch=true")
        let second = try WatchClient(cluster, Self.pods + "?watch=true")
        #expect(await waitUntil(timeout: .seconds(5)) { await cluster.cluster.openWatchCount() == 2 })
        await cluster.cluster.faults.dropAllWatches()
        #expect(await waitUntil(timeout: .seconds(5)) { !first.isRunning && !second.isRunning })
        #expect(await cluster.cluster.openWatchCount() == 0)
    }

    @Test func aTokenIsRequiredWhenConfigured() async throws {
        guard Peer.available("curl") else { return }
        let cluster = try await TestCluster.start(requireToken: true)
        defer { Task { await cluster.stop() } }
        #expect(try await cluster.get(Self.configMaps).status == 401)
        let kubeconfig = try cluster.cluster.kubeconfig()
        #expect(kubeconfig.contains("server: \(cluster.base)"))
        #expect(kubeconfig.contains("current-context: local-cluster"))
        let token = cluster.cluster.configuration.token
        #expect(kubeconfig.contains("token: \(token)"))
        #expect(
            try await cluster.request("GET", Self.configMaps, headers: ["Authorization: Bearer \(token)"])
                .status == 200)
    }

    @Test func runsAsAServiceUntilCancelled() async throws {
        guard Peer.available("curl") else { return }
        let cluster = LocalCluster(configuration: LocalClusterConfiguration())
        let task = Task { try await cluster.run() }
        #expect(await waitUntil(timeout: .seconds(10)) { (try? cluster.port) != nil })
        let answer = try await runOffPool("curl", ["-s", "\(try cluster.baseURL)/api/v1/namespaces/default"])
        #expect(answer.stdout.contains(#""name":"default""#))
        task.cancel()
        try await task.value
        #expect((try? cluster.port) == nil)
    }
}
