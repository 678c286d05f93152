import Foundation
import JSON
import LocalCluster
import TestSupport
import Testing

/// The local cluster plays the cloud's load-balancer controller: a LoadBalancer Service gets a
/// loopback ingress address after the configured delay, and kubectl shows it as for a real
/// cluster (`<pending>` until then; `<none>` for other Services).
@Suite(.enabled(if: Peer.available("curl") && Kubectl.available))
struct CloudLoadBalancerTests {
    static let collection = "/api/v1/namespaces/default/services"

    static func service(_ name: String, type: String) -> String {
        #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(name)"},"spec":{"type":"\#(type)","selector":{"app":"envoy"},"ports":[{"name":"broker-0","port":19090}]}}"#
    }

    /// `NAME → EXTERNAL-IP` from `kubectl get svc`.
    static func externalIPs(_ kubectl: KubectlSession) async throws -> [String: String] {
        let output = try await kubectl.run(["get", "svc", "--no-headers"])
        #expect(output.status == 0, "\(output.stderr)")
        var addresses: [String: String] = [:]
        for line in output.stdout.split(separator: "\n") {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if columns.count > 3 { addresses[columns[0]] = columns[3] }
        }
        return addresses
    }

    @Test func aLoadBalancerIsPendingUntilTheCloudProvisionsIt() async throws {
        let cluster = try await TestCluster.start(kubelet: .init(loadBalancerDelay: .seconds(3600)))
        let kubectl = try KubectlSession(cluster)
        #expect(
            try await cluster.post(Self.collection, Self.service("edge", type: "LoadBalancer")).status == 201)
        #expect(
            try await cluster.post(Self.collection, Self.service("inside", type: "ClusterIP")).status == 201)
        let shown = try await Self.externalIPs(kubectl)
        kubectl.remove()
        await cluster.stop()
        #expect(shown["edge"] == "<pending>", "\(shown)")
        #expect(shown["inside"] == "<none>", "\(shown)")
    }

    @Test func aLoadBalancerGetsALoopbackAddressOnlyWhenItIsOne() async throws {
        let cluster = try await TestCluster.start(kubelet: .init(loadBalancerDelay: .milliseconds(20)))
        let kubectl = try KubectlSession(cluster)
        #expect(
            try await cluster.post(Self.collection, Self.service("inside", type: "ClusterIP")).status == 201)
        #expect(
            try await cluster.post(Self.collection, Self.service("edge", type: "LoadBalancer")).status == 201)
        var shown: [String: String] = [:]
        let provisioned = try await waitUntil {
            shown = try await Self.externalIPs(kubectl)
            return shown["edge"] == "127.0.0.1"
        }
        let inside = try await cluster.get(Self.collection + "/inside")
        kubectl.remove()
        await cluster.stop()
        #expect(provisioned, "\(shown)")
        #expect(shown["inside"] == "<none>", "\(shown)")
        #expect(inside.json["status"]?["loadBalancer"]?["ingress"] == nil, "\(inside.text)")
    }
}
