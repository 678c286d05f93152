import Foundation
import JSON
import TestSupport
import Testing

/// Custom resources whose CRD is stored are pruned against its schema, and a write's
/// `fieldValidation` decides what becomes of the fields it drops: Strict refuses the write,
/// Warn (the default) stores it pruned with a Warning header per field, Ignore stores it pruned.
@Suite(.serialized) struct FieldValidationTests {
    static let users = "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/default/kafkausers"
    static let crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"

    static func user(_ name: String, extra: String = "") -> String {
        #"{"apiVersion":"kafka.banzaicloud.io/v1alpha1","kind":"KafkaUser","metadata":{"name":"\#(name)"\#(extra.isEmpty ? "" : ",\"colour\":\"red\"")},"spec":{"clusterRef":{"name":"kafka"},"secretName":"s"\#(extra),"topicGrants":[{"topicName":"t","accessType":"read"\#(extra)}]}}"#
    }

    static let unknown = #","foo":"bar""#

    /// Stores deploy/'s KafkaUser CRD, as `kubectl apply -f deploy/crd-kafkauser.yaml` does.
    static func applyUserCRD(_ cluster: TestCluster) async throws {
        let crd = try CRDManifest.json("crd-kafkauser.yaml")
        let stored = try await cluster.post(crds, String(decoding: crd.encoded(), as: UTF8.self))
        #expect(stored.status == 201, "\(stored.text)")
    }

    @Test(.enabled(if: Peer.available("curl")))
    func strictRefusesACreateWithTheDecodersMessage() async throws {
        try await TestCluster.with { cluster in
            try await Self.applyUserCRD(cluster)
            let refused = try await cluster.post(
                "\(Self.users)?fieldValidation=Strict", Self.user("alice", extra: Self.unknown))
            #expect(refused.status == 400, "\(refused.text)")
            #expect(refused.string("reason") == "BadRequest")
            #expect(
                refused.string("message")
                    == #"KafkaUser in version "v1alpha1" cannot be handled as a KafkaUser: strict decoding error: unknown field "metadata.colour", unknown field "spec.foo", unknown field "spec.topicGrants[0].foo""#,
                "\(refused.text)")
            #expect(try await cluster.get("\(Self.users)/alice").status == 404)
            // A body the schema describes wholly is stored under Strict.
            let created = try await cluster.post("\(Self.users)?fieldValidation=Strict", Self.user("bob"))
            #expect(created.status == 201, "\(created.text)")
        }
    }

    @Test(.enabled(if: Peer.available("curl")), arguments: ["?fieldValidation=Warn", ""])
    func warnStoresPrunedAndSaysWhatItDropped(query: String) async throws {
        try await TestCluster.with { cluster in
            try await Self.applyUserCRD(cluster)
            let created = try await cluster.request(
                "POST", "\(Self.users)\(query)", body: Self.user("alice", extra: Self.unknown),
                includeHeaders: true)
            #expect(created.status == 201, "\(created.text)")
            #expect(
                created.warnings == [
                    #"unknown field "metadata.colour""#, #"unknown field "spec.foo""#,
                    #"unknown field "spec.topicGrants[0].foo""#,
                ], "\(created.headerLines)")
            let stored = try await cluster.get("\(Self.users)/alice")
            #expect(stored.json["spec"]?["foo"] == nil, "\(stored.text)")
            #expect(stored.json["metadata"]?["colour"] == nil, "\(stored.text)")
            #expect(
                stored.json["spec"]?["topicGrants"]
                    == (try JSONReader.parse(Array(#"[{"topicName":"t","accessType":"read"}]"#.utf8))))
            #expect(stored.string("spec.secretName") == "s")
        }
    }

    @Test(.enabled(if: Peer.available("curl")))
    func ignoreStoresPrunedSilently() async throws {
        try await TestCluster.with { cluster in
            try await Self.applyUserCRD(cluster)
            let created = try await cluster.request(
                "POST", "\(Self.users)?fieldValidation=Ignore", body: Self.user("alice", extra: Self.unknown),
                includeHeaders: true)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.warnings.isEmpty, "\(created.headerLines)")
            #expect(created.json["spec"]?["foo"] == nil, "\(created.text)")
        }
    }

    /// An update is decoded as a create is; a patch's refusal is the bare decoding error.
    @Test(.enabled(if: Peer.available("curl")))
    func updatesAndPatchesArePrunedToo() async throws {
        try await TestCluster.with { cluster in
            try await Self.applyUserCRD(cluster)
            let created = try await cluster.post(Self.users, Self.user("alice"))
            let version = try #require(created.string("metadata.resourceVersion"))
            let body = Self.user("alice", extra: Self.unknown).replacing(
                #""name":"alice""#, with: #""name":"alice","resourceVersion":"\#(version)""#)
            let put = try await cluster.put("\(Self.users)/alice?fieldValidation=Strict", body)
            #expect(put.status == 400, "\(put.text)")
            #expect(
                put.string("message")?.hasPrefix(
                    #"KafkaUser in version "v1alpha1" cannot be handled as a KafkaUser: strict decoding error: "#
                )
                    == true, "\(put.text)")

            let patch = #"{"spec":{"secretName":"t","foo":1}}"#
            let refused = try await cluster.request(
                "PATCH", "\(Self.users)/alice?fieldValidation=Strict", body: patch,
                contentType: "application/merge-patch+json")
            #expect(refused.status == 400, "\(refused.text)")
            #expect(refused.string("message") == #"strict decoding error: unknown field "spec.foo""#)
            let warned = try await cluster.request(
                "PATCH", "\(Self.users)/alice", body: patch, contentType: "application/merge-patch+json",
                includeHeaders: true)
            #expect(warned.status == 200, "\(warned.text)")
            #expect(warned.warnings == [#"unknown field "spec.foo""#])
            #expect(warned.string("spec.secretName") == "t")
            #expect(warned.json["spec"]?["foo"] == nil)
        }
    }

    /// The status subresource prunes the status it writes against the schema's status.
    @Test(.enabled(if: Peer.available("curl")))
    func statusWritesArePruned() async throws {
        try await TestCluster.with { cluster in
            try await Self.applyUserCRD(cluster)
            let created = try await cluster.post(Self.users, Self.user("alice"))
            let version = try #require(created.string("metadata.resourceVersion"))
            let status =
                #"{"metadata":{"name":"alice","resourceVersion":"\#(version)"},"status":{"state":"created","progress":"half"}}"#
            let refused = try await cluster.put("\(Self.users)/alice/status?fieldValidation=Strict", status)
            #expect(
                refused.status == 400 && refused.text.contains(#"unknown field \"status.progress\""#),
                "\(refused.text)")
            let written = try await cluster.request(
                "PUT", "\(Self.users)/alice/status", body: status, includeHeaders: true)
            #expect(written.status == 200, "\(written.text)")
            #expect(written.warnings == [#"unknown field "status.progress""#])
            #expect(written.string("status.state") == "created")
            #expect(written.json["status"]?["progress"] == nil)
        }
    }

    /// Without its CRD stored, the local cluster serves its own kinds as sent.
    @Test(.enabled(if: Peer.available("curl")))
    func withoutAStoredCRDNothingIsPruned() async throws {
        try await TestCluster.with { cluster in
            let created = try await cluster.post(
                "\(Self.users)?fieldValidation=Strict", Self.user("alice", extra: Self.unknown))
            #expect(created.status == 201, "\(created.text)")
            #expect(created.string("spec.foo") == "bar")
        }
    }

    /// An object stored before its CRD is patched as the server reads it, pruned: a strict
    /// patch is judged by what it brings, not by what the object held before.
    @Test(.enabled(if: Peer.available("curl")))
    func anObjectStoredBeforeItsCRDIsPatchedPruned() async throws {
        try await TestCluster.with { cluster in
            let created = try await cluster.post(Self.users, Self.user("alice", extra: Self.unknown))
            #expect(created.string("spec.foo") == "bar")
            try await Self.applyUserCRD(cluster)
            let patched = try await cluster.request(
                "PATCH", "\(Self.users)/alice?fieldValidation=Strict", body: #"{"spec":{"secretName":"t"}}"#,
                contentType: "application/merge-patch+json", includeHeaders: true)
            #expect(patched.status == 200, "\(patched.text)")
            #expect(patched.warnings.isEmpty)
            #expect(patched.string("spec.secretName") == "t")
            #expect(patched.json["spec"]?["foo"] == nil, "\(patched.text)")
        }
    }

    /// An unknown directive is an invalid CreateOptions, PatchOptions or UpdateOptions, checked
    /// before the body is read.
    @Test(.enabled(if: Peer.available("curl")))
    func anUnknownDirectiveIsRefused() async throws {
        try await TestCluster.with { cluster in
            let refused = try await cluster.post("\(Self.users)?fieldValidation=Loud", "not json")
            #expect(refused.status == 422, "\(refused.text)")
            #expect(refused.string("reason") == "Invalid")
            #expect(
                refused.string("message")
                    == #"CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn""#,
                "\(refused.text)")
            let patch = try await cluster.request(
                "PATCH", "\(Self.users)/alice?fieldValidation=strict", body: "{}",
                contentType: "application/merge-patch+json")
            #expect(patch.status == 422 && patch.text.contains("PatchOptions.meta.k8s.io"), "\(patch.text)")
        }
    }

    /// A repeated key is a problem of the write, before the unknown fields: refused under
    /// Strict, its last value stored with a warning under Warn.
    @Test(.enabled(if: Peer.available("curl")))
    func repeatedKeysAreJudgedWithTheUnknownFields() async throws {
        try await TestCluster.with { cluster in
            try await Self.applyUserCRD(cluster)
            let body = Self.user("alice", extra: Self.unknown).replacing(
                #""secretName":"s""#, with: #""secretName":"first","secretName":"s""#)
            let refused = try await cluster.post("\(Self.users)?fieldValidation=Strict", body)
            #expect(refused.status == 400, "\(refused.text)")
            #expect(
                refused.string("message")?.hasSuffix(
                    #"strict decoding error: duplicate field "spec.secretName", unknown field "metadata.colour", unknown field "spec.foo", unknown field "spec.topicGrants[0].foo""#
                ) == true, "\(refused.text)")
            let created = try await cluster.request("POST", Self.users, body: body, includeHeaders: true)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.warnings.first == #"duplicate field "spec.secretName""#, "\(created.headerLines)")
            #expect(created.warnings.count == 4)
            #expect(created.string("spec.secretName") == "s")

            let patch = #"[{"op":"replace","path":"/spec/clusterRef","path":"/spec/secretName","value":"t"}]"#
            let patched = try await cluster.request(
                "PATCH", "\(Self.users)/alice", body: patch, contentType: "application/json-patch+json",
                includeHeaders: true)
            #expect(patched.status == 200, "\(patched.text)")
            #expect(patched.warnings == [#"json patch duplicate field "[0].path""#])
            #expect(patched.string("spec.secretName") == "t")
        }
    }

    /// Every kind's body is decoded so, schema or not.
    @Test(.enabled(if: Peer.available("curl")))
    func aBuiltInKindsRepeatedKeyIsJudgedToo() async throws {
        try await TestCluster.with { cluster in
            let body = TestCluster.configMap("settings", data: #"{"a":"1","a":"2"}"#)
            let refused = try await cluster.post(
                "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", body)
            #expect(refused.status == 400, "\(refused.text)")
            #expect(
                refused.string("message")
                    == #"ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "data.a""#,
                "\(refused.text)")
            let ignored = try await cluster.request(
                "POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Ignore", body: body,
                includeHeaders: true)
            #expect(ignored.status == 201, "\(ignored.text)")
            #expect(ignored.warnings.isEmpty)
            #expect(ignored.string("data.a") == "2")
        }
    }
}
