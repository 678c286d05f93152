import Foundation
import JSON
import TestSupport
import Testing

@testable import LocalCluster

/// The defaults the real API server fills in and its default admission plugins add
/// (API reference for each kind's field defaults; admission controllers ServiceAccount,
/// DefaultTolerationSeconds, DefaultStorageClass, StorageObjectInUseProtection).
@Suite(.serialized, .enabled(if: Peer.available("curl"))) struct DefaultingTests {
    static func first(_ list: JSONValue?) -> JSONValue? {
        if case .array(let items)? = list { return items.first }
        return nil
    }

    @Test func aPodGetsTheServersDefaultsAndAdmission() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let pod = #"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[
              {"name":"a","image":"kafka:3.9","ports":[{"containerPort":9092}],
               "readinessProbe":{"httpGet":{"path":"/","port":8080}},
               "resources":{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"cpu":"2","memory":"1Gi"}}},
              {"name":"b","image":"busybox"}]}}
            """#
        let created = try await cluster.post("/api/v1/namespaces/default/pods", pod)
        #expect(created.status == 201, "\(created.text)")
        let spec = try #require(created.json["spec"])
        #expect(spec["schedulerName"] == .string("default-scheduler"))
        #expect(spec["serviceAccountName"] == .string("default"))
        #expect(spec["restartPolicy"] == .string("Always"))
        #expect(spec["dnsPolicy"] == .string("ClusterFirst"))
        #expect(created.string("spec.terminationGracePeriodSeconds") == "30")
        guard case .array(let containers)? = spec["containers"],
            case .array(let tolerations)? = spec["tolerations"],
            case .array(let volumes)? = spec["volumes"]
        else {
            Issue.record("\(created.text)")
            return
        }
        #expect(containers.map { $0["imagePullPolicy"] } == [.string("IfNotPresent"), .string("Always")])
        #expect(containers.allSatisfy { $0["terminationMessagePath"] == .string("/dev/termination-log") })
        #expect(containers[0].value(at: ["readinessProbe", "successThreshold"]) == .integer(1))
        #expect(containers[0].value(at: ["readinessProbe", "httpGet", "scheme"]) == .string("HTTP"))
        #expect(Self.first(containers[0]["ports"])?["protocol"] == .string("TCP"))
        #expect(tolerations.count == 2 && tolerations.allSatisfy { $0["tolerationSeconds"] == .integer(300) })
        #expect(volumes.contains { $0.value(at: ["projected", "sources"]) != nil })
        // Requests below the limits: Burstable, not BestEffort.
        #expect(created.string("status.qosClass") == "Burstable")
    }

    @Test(arguments: [
        (#"{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"cpu":"1","memory":"1Gi"}}"#, "Guaranteed"),
        (#"{"limits":{"cpu":"1","memory":"1Gi"}}"#, "Guaranteed"),
        (#"{"requests":{"memory":"1Gi"}}"#, "Burstable"),
        (#"{}"#, "BestEffort"),
    ])
    func qualityOfServiceFollowsRequestsAndLimits(resources: String, expected: String) throws {
        let pod = try JSONReader.parse(
            Array(#"{"spec":{"containers":[{"name":"a","resources":\#(resources)}]}}"#.utf8))
        #expect(Defaulting.qosClass(pod) == expected)
    }

    @Test(arguments: [
        ("kafka", "Always"), ("kafka:latest", "Always"), ("kafka:3.9", "IfNotPresent"),
        ("registry:5000/kafka", "Always"), ("registry:5000/kafka:3.9", "IfNotPresent"),
        ("kafka@sha256:abc", "IfNotPresent"),
    ])
    func pullPolicyFollowsTheTag(image: String, expected: String) {
        #expect(Defaulting.pullPolicy(image: image) == expected)
    }

    @Test func namespacesSecretsServicesAndDeploymentsGetTheirDefaults() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let namespace = try await cluster.createNamespace("kafka")
        #expect(
            namespace.json.value(at: ["metadata", "labels"])?["kubernetes.io/metadata.name"]
                == .string("kafka"))
        let secret = try await cluster.post(
            "/api/v1/namespaces/kafka/secrets",
            #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"password":"hunter2"}}"#
        )
        #expect(secret.status == 201, "\(secret.text)")
        #expect(secret.string("data.password") == "aHVudGVyMg==")
        #expect(secret.json["stringData"] == nil)
        #expect(secret.string("type") == "Opaque")
        let service = try await cluster.post(
            "/api/v1/namespaces/kafka/services",
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"port":9092}]}}"#)
        #expect(Self.first(service.json.value(at: ["spec", "ports"]))?["targetPort"] == .integer(9092))
        #expect(service.string("spec.sessionAffinity") == "None")
        let deployment = try await cluster.post(
            "/apis/apps/v1/namespaces/kafka/deployments", DeploymentRulesTests.deployment())
        #expect(deployment.string("spec.strategy.type") == "RollingUpdate")
        #expect(deployment.string("spec.revisionHistoryLimit") == "10")
        #expect(deployment.string("spec.template.spec.schedulerName") == "default-scheduler")
    }

    /// A Deployment's strategy is defaulted field by field, as the server's SetDefaults_Deployment
    /// does it: an empty one (kubectl's `create deployment` sends `strategy: {}`) is a rolling
    /// update of 25% both ways, a partial one is completed, and Recreate gets no rolling update.
    @Test(arguments: [
        (#"{}"#, #"{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}}"#),
        (
            #"{"rollingUpdate":{"maxSurge":1}}"#,
            #"{"rollingUpdate":{"maxSurge":1,"maxUnavailable":"25%"},"type":"RollingUpdate"}"#
        ),
        (#"{"type":"Recreate"}"#, #"{"type":"Recreate"}"#),
    ])
    func deploymentStrategiesAreDefaultedFieldByField(_ sent: String, _ stored: String) throws {
        var object = try JSONReader.parse(Array(#"{"spec":{"strategy":\#(sent)}}"#.utf8))
        Defaulting.apply(&object, kind: "Deployment", name: "d", creating: true, defaultStorageClass: nil)
        #expect(object.value(at: ["spec", "strategy"]) == (try JSONReader.parse(Array(stored.utf8))))
    }

    /// NodePort and LoadBalancer Services get node ports from 30000-32767; a requested one must
    /// be in the range and free; an update that leaves it out keeps it; a delete frees it.
    /// (Service reference: `spec.ports[].nodePort`, `allocateLoadBalancerNodePorts`.)
    @Test func nodePortsAreAllocatedKeptAndFreed() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let services = "/api/v1/namespaces/default/services"
        func service(_ name: String, type: String, nodePort: Int? = nil, extra: String = "") -> String {
            let port = nodePort.map { #","nodePort":\#($0)"# } ?? ""
            return
                #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(name)"},"spec":{"type":"\#(type)"\#(extra),"ports":[{"port":9094\#(port)}]}}"#
        }
        func nodePort(_ answer: TestCluster.Answer) -> Int? {
            guard case .number(let text)? = Self.first(answer.json.value(at: ["spec", "ports"]))?["nodePort"]
            else {
                return nil
            }
            return Int(text)
        }
        let balancer = try await cluster.post(services, service("lb", type: "LoadBalancer"))
        let assigned = try #require(nodePort(balancer), "\(balancer.text)")
        #expect(NodePortAllocator.range.contains(assigned))
        let unallocated = try await cluster.post(
            services, service("lb2", type: "LoadBalancer", extra: #","allocateLoadBalancerNodePorts":false"#))
        #expect(unallocated.status == 201 && nodePort(unallocated) == nil, "\(unallocated.text)")
        #expect(
            try await cluster.post(services, service("plain", type: "ClusterIP")).text.contains("nodePort")
                == false)

        let chosen = try await cluster.post(services, service("np", type: "NodePort", nodePort: 31_000))
        #expect(chosen.status == 201 && nodePort(chosen) == 31_000, "\(chosen.text)")
        let taken = try await cluster.post(services, service("np2", type: "NodePort", nodePort: 31_000))
        #expect(
            taken.status == 422 && taken.text.contains("provided port is already allocated"), "\(taken.text)")
        let outside = try await cluster.post(services, service("np3", type: "NodePort", nodePort: 80))
        #expect(outside.status == 422 && outside.text.contains("not in the valid range"), "\(outside.text)")

        // An update that leaves the node port out keeps it.
        let version = try #require(chosen.string("metadata.resourceVersion"))
        let updated = try await cluster.put(
            services + "/np",
            #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"np","resourceVersion":"\#(version)"},"spec":{"type":"NodePort","ports":[{"port":9094}]}}"#
        )
        #expect(updated.status == 200 && nodePort(updated) == 31_000, "\(updated.text)")
        #expect(try await cluster.delete(services + "/np").status == 200)
        #expect(
            try await cluster.post(services, service("np4", type: "NodePort", nodePort: 31_000)).status == 201
        )
    }

    /// A claim a running pod mounts is not deleted until the pod is gone; one nobody mounts
    /// goes at once. A claim naming no class gets the default class.
    @Test func aClaimInUseIsProtectedUntilItsPodIsGone() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let claims = "/api/v1/namespaces/default/persistentvolumeclaims"
        func claim(_ name: String) -> String {
            #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"\#(name)"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}"#
        }
        let used = try await cluster.post(claims, claim("used"))
        #expect(used.string("spec.storageClassName") == "standard")
        #expect(used.text.contains("kubernetes.io/pvc-protection"), "\(used.text)")
        #expect(try await cluster.post(claims, claim("free")).status == 201)
        let pod =
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"kafka:3.9"}],"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"used"}}]}}"#
        #expect(try await cluster.post("/api/v1/namespaces/default/pods", pod).status == 201)

        #expect(try await cluster.delete(claims + "/free").status == 200)
        #expect(try await cluster.get(claims + "/free").status == 404)
        #expect(try await cluster.delete(claims + "/used").status == 200)
        let held = try await cluster.get(claims + "/used")
        #expect(held.status == 200 && held.string("metadata.deletionTimestamp") != nil, "\(held.text)")
        #expect(
            try await cluster.delete("/api/v1/namespaces/default/pods/p", #"{"gracePeriodSeconds":0}"#).status
                == 200)
        #expect(try await cluster.get(claims + "/used").status == 404)
    }
}
