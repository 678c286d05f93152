import Foundation
import TestSupport
import Testing

/// Real kubectl 1.37 against a local cluster holding deploy/'s CRDs: `kubectl apply` validates
/// fields on the server, strictly unless told otherwise, and the answers are the real server's.
@Suite(.serialized) struct KubectlFieldValidationTests {
    static let user = """
        apiVersion: kafka.banzaicloud.io/v1alpha1
        kind: KafkaUser
        metadata:
          name: alice
        spec:
          clusterRef:
            name: kafka
          secretName: alice-tls
          topicGrant:
            - topicName: orders
              accessType: read
        """

    /// Runs `body` with kubectl pointed at a fresh cluster to which deploy/'s CRDs were applied.
    static func withCRDs(_ body: (TestCluster, KubectlSession) async throws -> Void) async throws {
        try await TestCluster.with { cluster in
            let kubectl = try KubectlSession(cluster)
            defer { kubectl.remove() }
            for file in ["crd.yaml", "crd-kafkauser.yaml"] {
                let path = repositoryRoot.appendingPathComponent("deploy/\(file)").path
                let applied = try await kubectl.run(["apply", "-f", path])
                #expect(applied.status == 0, "\(applied.stderr)")
            }
            try await body(cluster, kubectl)
        }
    }

    static func write(_ text: String, in kubectl: KubectlSession) throws -> String {
        let file = kubectl.directory.file("manifest.yaml").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func applyRefusesAnUnknownFieldByDefault() async throws {
        try await Self.withCRDs { cluster, kubectl in
            let file = try Self.write(Self.user, in: kubectl)
            let refused = try await kubectl.run(["apply", "-f", file])
            #expect(refused.status != 0)
            #expect(
                refused.stderr.contains(
                    #"Error from server (BadRequest): error when creating "\#(file)": KafkaUser in version "v1alpha1" cannot be handled as a KafkaUser: strict decoding error: unknown field "spec.topicGrant""#
                ), "\(refused.stderr)")
            #expect(
                try await cluster.get("\(FieldValidationTests.users)/alice").status == 404,
                "nothing is stored")
        }
    }

    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func validateWarnStoresThePrunedUserAndPrintsTheWarning() async throws {
        try await Self.withCRDs { cluster, kubectl in
            let file = try Self.write(Self.user, in: kubectl)
            let applied = try await kubectl.run(["apply", "--validate=warn", "-f", file])
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(
                applied.stderr.contains(#"Warning: unknown field "spec.topicGrant""#), "\(applied.stderr)")
            #expect(
                applied.stdout.contains("kafkauser.kafka.banzaicloud.io/alice created"), "\(applied.stdout)")
            let stored = try await cluster.get("\(FieldValidationTests.users)/alice")
            #expect(stored.status == 200)
            #expect(stored.json["spec"]?["topicGrant"] == nil, "\(stored.text)")
            #expect(stored.string("spec.secretName") == "alice-tls")
        }
    }

    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func validateFalseStoresThePrunedUserSilently() async throws {
        try await Self.withCRDs { cluster, kubectl in
            let file = try Self.write(Self.user, in: kubectl)
            let applied = try await kubectl.run(["apply", "--validate=false", "-f", file])
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(!applied.stderr.contains("Warning"), "\(applied.stderr)")
            let stored = try await cluster.get("\(FieldValidationTests.users)/alice")
            #expect(stored.status == 200)
            #expect(stored.json["spec"]?["topicGrant"] == nil, "\(stored.text)")
        }
    }

    /// Applying again patches the object; the patch is validated as strictly.
    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func applyOfAChangedUserRefusesItsUnknownField() async throws {
        try await Self.withCRDs { cluster, kubectl in
            let valid = Self.user.replacing("topicGrant:", with: "topicGrants:")
            let file = try Self.write(valid, in: kubectl)
            #expect(try await kubectl.run(["apply", "-f", file]).status == 0)
            _ = try Self.write(valid + "\n  createCerts: false\n", in: kubectl)
            let refused = try await kubectl.run(["apply", "-f", file])
            #expect(refused.status != 0)
            #expect(
                refused.stderr.contains(#"strict decoding error: unknown field "spec.createCerts""#),
                "\(refused.stderr)")
            let stored = try await cluster.get("\(FieldValidationTests.users)/alice")
            #expect(stored.json["spec"]?["createCerts"] == nil, "\(stored.text)")
        }
    }

    /// KafkaCluster's spec keeps what its CRD does not list (x-kubernetes-preserve-unknown-fields,
    /// so Koperator manifests apply whole), but a misspelt top-level field is refused.
    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func aKafkaClusterKeepsItsSpecButNotAMisspeltSection() async throws {
        try await Self.withCRDs { cluster, kubectl in
            let manifest = """
                apiVersion: kafka.banzaicloud.io/v1beta1
                kind: KafkaCluster
                metadata:
                  name: kafka
                spec:
                  brokers:
                    - id: 0
                  ingressController: envoy
                """
            let file = try Self.write(manifest + "\nstatuss:\n  state: ClusterRunning\n", in: kubectl)
            let refused = try await kubectl.run(["apply", "-f", file])
            #expect(
                refused.stderr.contains(
                    #"KafkaCluster in version "v1beta1" cannot be handled as a KafkaCluster: strict decoding error: unknown field "statuss""#
                ), "\(refused.stderr)")
            _ = try Self.write(manifest, in: kubectl)
            let applied = try await kubectl.run(["apply", "-f", file])
            #expect(applied.status == 0, "\(applied.stderr)")
            let stored = try await cluster.get(
                "/apis/kafka.banzaicloud.io/v1beta1/namespaces/default/kafkaclusters/kafka")
            #expect(stored.string("spec.ingressController") == "envoy", "\(stored.text)")
        }
    }
}
