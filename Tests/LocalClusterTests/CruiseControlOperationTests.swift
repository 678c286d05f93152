import Foundation
import TestSupport
import Testing

/// CruiseControlOperation as the local cluster serves it: Koperator's resource, with its
/// CRD's defaults and validation, a status subresource, and columns kubectl shows.
@Suite(.serialized) struct CruiseControlOperationTests {
    static let collection = "/apis/kafka.banzaicloud.io/v1alpha1/namespaces/default/cruisecontroloperations"

    static func operation(_ name: String, spec: String = "{}") -> String {
        #"{"apiVersion":"kafka.banzaicloud.io/v1alpha1","kind":"CruiseControlOperation","metadata":{"name":"\#(name)"},"spec":\#(spec)}"#
    }

    @Test func theSpecIsDefaultedAndValidatedAsTheCRDSays() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let created = try await cluster.post(Self.collection, Self.operation("add-3"))
        #expect(created.status == 201, "\(created.text)")
        #expect(created.string("spec.errorPolicy") == "retry")
        // Only the status subresource writes a status: one sent on create is dropped.
        let withStatus = try await cluster.post(
            Self.collection,
            #"{"metadata":{"name":"sneaky"},"spec":{},"status":{"errorPolicy":"retry","retryCount":7}}"#)
        #expect(withStatus.status == 201, "\(withStatus.text)")
        #expect(withStatus.json["status"] == nil, "\(withStatus.text)")

        let refused = try await cluster.post(
            Self.collection,
            Self.operation("bad", spec: #"{"errorPolicy":"sometimes","ttlSecondsAfterFinished":-1}"#))
        #expect(refused.status == 422, "\(refused.text)")
        let causes = refused.json["details"]?["causes"]
        #expect(
            causes
                == .array([
                    .object([
                        ("reason", .string("FieldValueNotSupported")),
                        (
                            "message",
                            .string(#"Unsupported value: "sometimes": supported values: "ignore", "retry""#)
                        ),
                        ("field", .string("spec.errorPolicy")),
                    ]),
                    .object([
                        ("reason", .string("FieldValueInvalid")),
                        (
                            "message",
                            .string(
                                "Invalid value: -1: spec.ttlSecondsAfterFinished in body should be greater than or equal to 0"
                            )
                        ),
                        ("field", .string("spec.ttlSecondsAfterFinished")),
                    ]),
                ]), "\(refused.text)")
        let typed = try await cluster.post(
            Self.collection, Self.operation("typed", spec: #"{"ttlSecondsAfterFinished":"soon"}"#))
        #expect(typed.status == 422)
        #expect(
            typed.text.contains("spec.ttlSecondsAfterFinished in body must be of type integer"),
            "\(typed.text)")
        // Refused writes change nothing.
        #expect(try await cluster.get("\(Self.collection)/bad").status == 404)
        #expect(try await cluster.get(Self.collection).itemNames == ["add-3", "sneaky"])
    }

    @Test func theStatusIsASubresourceThatNamesItsTask() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        #expect(try await cluster.post(Self.collection, Self.operation("remove-1")).status == 201)
        let path = "\(Self.collection)/remove-1"
        let current = try await cluster.get(path)
        let version = try #require(current.string("metadata.resourceVersion"))

        let missing = try await cluster.put(
            "\(path)/status",
            #"{"metadata":{"name":"remove-1","resourceVersion":"\#(version)"},"status":{"currentTask":{"id":"t1"}}}"#
        )
        #expect(missing.status == 422, "\(missing.text)")
        for field in ["status.errorPolicy", "status.retryCount", "status.currentTask.operation"] {
            #expect(missing.text.contains(#""field":"\#(field)""#), "\(field): \(missing.text)")
        }

        let status = #"""
            {"metadata":{"name":"remove-1","resourceVersion":"\#(version)"},"spec":{"errorPolicy":"ignore"},
             "status":{"errorPolicy":"retry","retryCount":1,"currentTask":{"id":"5a1e","operation":"remove_broker",
             "state":"InExecution","parameters":{"brokerid":"1"}},
             "failedTasks":[{"id":"4f00","operation":"remove_broker","state":"CompletedWithError"}]}}
            """#
        let written = try await cluster.put("\(path)/status", status)
        #expect(written.status == 200, "\(written.text)")
        // The status subresource changes the status only.
        #expect(written.string("spec.errorPolicy") == "retry")
        #expect(written.string("status.currentTask.state") == "InExecution")
        #expect(written.string("status.retryCount") == "1")
    }

    @Test(.enabled(if: Peer.available("curl") && Kubectl.available))
    func kubectlShowsTheTaskOfEachOperation() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        #expect(try await cluster.post(Self.collection, Self.operation("remove-1")).status == 201)
        let path = "\(Self.collection)/remove-1"
        let version = try #require(try await cluster.get(path).string("metadata.resourceVersion"))
        let status = #"""
            {"metadata":{"name":"remove-1","resourceVersion":"\#(version)"},
             "status":{"errorPolicy":"retry","retryCount":1,"currentTask":{"id":"5a1e","operation":"remove_broker",
             "state":"InExecution"}}}
            """#
        #expect(try await cluster.put("\(path)/status", status).status == 200)
        let kubectl = try KubectlSession(cluster)
        defer { kubectl.remove() }
        let table = try await kubectl.run(["get", "cco", "-o", "wide"])
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdout.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        #expect(
            rows.first == ["NAME", "OPERATION", "STATE", "RETRIES", "TASK", "ID", "AGE"], "\(table.stdout)")
        #expect(
            rows.dropFirst().first?.prefix(5) == ["remove-1", "remove_broker", "InExecution", "1", "5a1e"])
        let plural = try await kubectl.run([
            "get", "cruisecontroloperations.kafka.banzaicloud.io", "-o", "name",
        ])
        #expect(plural.stdout == "cruisecontroloperation.kafka.banzaicloud.io/remove-1\n", "\(plural.stderr)")
    }

    /// deploy/'s CRD schema, applied by jsonschema, and the local cluster give the same verdict
    /// on each object: what one refuses, the other refuses.
    @Test(
        .enabled(if: Peer.available("python3")),
        arguments: [
            #"{}"#, #"{"errorPolicy":"ignore","ttlSecondsAfterFinished":0}"#, #"{"errorPolicy":"sometimes"}"#,
            #"{"ttlSecondsAfterFinished":-5}"#, #"{"ttlSecondsAfterFinished":1.5}"#, #"{"errorPolicy":3}"#,
            #"[]"#,
        ])
    func theLocalClusterAndTheCRDSchemaAgree(spec: String) async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        let answer = try await cluster.post(Self.collection, Self.operation("agree", spec: spec))
        let script = """
            import json, sys, yaml, jsonschema
            crd = yaml.safe_load(open(sys.argv[1]))
            schema = crd['spec']['versions'][0]['schema']['openAPIV3Schema']
            try:
                jsonschema.validate(json.loads(sys.argv[2]), schema)
                print('valid')
            except jsonschema.ValidationError as error:
                print('invalid')
            """
        let verdict = try await runOffPool(
            "python3",
            [
                "-c", script,
                repositoryRoot.appendingPathComponent("deploy/crd-cruisecontroloperation.yaml").path,
                Self.operation("agree", spec: spec),
            ])
        #expect(verdict.status == 0, "\(verdict.stderr)")
        let valid = verdict.stdout.hasPrefix("valid")
        #expect(
            answer.status == (valid ? 201 : 422),
            "\(spec): schema says \(verdict.stdout), server \(answer.text)")
    }
}
