import Foundation
import TestSupport
import Testing

/// The API server's validation of the built-in kinds the operator writes: what it refuses, with
/// which code and field, and that a refused write changes nothing. (API reference for each
/// kind; "Validation" in the API conventions: 422 Invalid with a cause per field, 400 for a
/// body that cannot be decoded.)
@Suite(.serialized, .enabled(if: Peer.available("curl"))) struct ValidationTests {
    static let pods = "/api/v1/namespaces/default/pods"

    static func pod(_ name: String, spec: String) -> String {
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)"},"spec":\#(spec)}"#
    }

    @Test(arguments: [
        (#"{"containers":[]}"#, 422, "spec.containers"),
        (
            #"{"containers":[{"name":"a","image":"i","ports":[{"containerPort":70000}]}]}"#, 422,
            "spec.containers[0].ports[0].containerPort"
        ),
        (
            #"{"containers":[{"name":"a","image":"i","ports":[{"containerPort":1,"name":"x"},{"containerPort":2,"name":"x"}]}]}"#,
            422, "spec.containers[0].ports[1].name"
        ),
        (
            #"{"containers":[{"name":"a","image":"i"},{"name":"a","image":"j"}]}"#, 422,
            "spec.containers[1].name"
        ),
        (
            #"{"containers":[{"name":"a","image":"i","volumeMounts":[{"name":"data","mountPath":"/d"}]}]}"#,
            422, "spec.containers[0].volumeMounts[0].name"
        ),
        (
            #"{"containers":[{"name":"a","image":"i","resources":{"requests":{"cpu":"2"},"limits":{"cpu":"1"}}}]}"#,
            422, "spec.containers[0].resources.requests"
        ),
        (#"{"containers":[{"name":"a","image":"i","resources":{"limits":{"memory":"10Gb"}}}]}"#, 400, ""),
    ])
    func aPodSpecTheServerRefusesIsRefused(spec: String, code: Int, field: String) async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let answer = try await cluster.post(Self.pods, Self.pod("p", spec: spec))
        #expect(answer.status == code, "\(answer.text)")
        if !field.isEmpty {
            #expect(answer.text.contains(#""field":"\#(field)""#), "\(answer.text)")
        } else {
            #expect(
                answer.string("message")?.contains("quantities must match the regular expression") == true)
        }
        #expect(try await cluster.get(Self.pods + "/p").status == 404)
    }

    @Test func aPodsSpecIsImmutableButForItsImages() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let created = try await cluster.post(
            Self.pods,
            Self.pod("p", spec: #"{"restartPolicy":"Never","containers":[{"name":"a","image":"kafka:1"}]}"#))
        #expect(created.status == 201)
        let image = try await cluster.request(
            "PATCH", Self.pods + "/p", body: #"{"spec":{"containers":[{"name":"a","image":"kafka:2"}]}}"#,
            contentType: "application/strategic-merge-patch+json")
        #expect(image.status == 200, "\(image.text)")
        for patch in [
            #"{"spec":{"restartPolicy":"Always"}}"#, #"{"spec":{"nodeName":"elsewhere"}}"#,
            #"{"spec":{"containers":[{"name":"b","image":"x"}]}}"#,
        ] {
            let refused = try await cluster.mergePatch(Self.pods + "/p", patch)
            #expect(refused.status == 422, "\(patch): \(refused.text)")
            #expect(refused.text.contains("pod updates may not change fields"), "\(refused.text)")
        }
        let stored = try await cluster.get(Self.pods + "/p")
        #expect(stored.string("spec.restartPolicy") == "Never")
    }

    @Test func configMapKeysAndSecretDataAreChecked() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let badKey = try await cluster.post(
            "/api/v1/namespaces/default/configmaps", TestCluster.configMap("c", data: #"{"bad key!":"1"}"#))
        #expect(badKey.status == 422, "\(badKey.text)")
        #expect(badKey.text.contains("a valid config key must consist of alphanumeric characters"))
        let badData = try await cluster.post(
            "/api/v1/namespaces/default/secrets",
            #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"not base64!"}}"#)
        #expect(badData.status == 400, "\(badData.text)")
        #expect(badData.string("message")?.contains("illegal base64 data") == true, "\(badData.text)")
        #expect(try await cluster.get("/api/v1/namespaces/default/secrets/s").status == 404)
    }
}
