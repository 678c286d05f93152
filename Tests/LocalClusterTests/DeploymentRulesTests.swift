import Foundation
import JSON
import TestSupport
import Testing

/// Deployments as the API server validates them (422 with the field at fault), and as the
/// simulated kubelet rolls them out: a new template is a new generation, observed once rolled.
@Suite struct DeploymentRulesTests {
    static let path = "/apis/apps/v1/namespaces/apps/deployments"

    static func deployment(
        name: String = "web", selector: String? = #"{"matchLabels":{"app":"web"}}"#,
        labels: String = #"{"app":"web"}"#, containers: String = #"[{"name":"web","image":"nginx"}]"#,
        replicas: String = "1", annotations: String = "{}"
    ) -> String {
        let selectorPart = selector.map { #""selector":\#($0),"# } ?? ""
        return #"""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"\#(name)"},
             "spec":{"replicas":\#(replicas),\#(selectorPart)
              "template":{"metadata":{"labels":\#(labels),"annotations":\#(annotations)},"spec":{"containers":\#(containers)}}}}
            """#
    }

    @Test func aValidDeploymentRollsOutAndANewTemplateIsANewGeneration() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createNamespace("apps")
        let created = try await cluster.post(Self.path, Self.deployment())
        #expect(created.status == 201, "\(created.text)")
        #expect(created.string("metadata.generation") == "1")
        #expect(
            try await cluster.waitFor("\(Self.path)/web") {
                $0.string("status.observedGeneration") == "1" && $0.string("status.readyReplicas") == "1"
            })

        let live = try await cluster.get("\(Self.path)/web")
        let version = try #require(live.string("metadata.resourceVersion"))
        var changed = Self.deployment(annotations: #"{"config-hash":"2"}"#)
        changed = changed.replacingOccurrences(
            of: #""name":"web"},"#, with: #""name":"web","resourceVersion":"\#(version)"},"#)
        let updated = try await cluster.put("\(Self.path)/web", changed)
        #expect(updated.status == 200, "\(updated.text)")
        #expect(updated.string("metadata.generation") == "2")
        #expect(
            try await cluster.waitFor("\(Self.path)/web") { $0.string("status.observedGeneration") == "2" })
    }

    @Test(arguments: [
        ("no selector", deployment(selector: nil), "spec.selector", "Required value"),
        ("an empty selector", deployment(selector: "{}"), "spec.selector", "empty selector is invalid"),
        (
            "labels the selector does not select", deployment(labels: #"{"app":"other"}"#),
            "spec.template.metadata.labels", "`selector` does not match template `labels`"
        ),
        ("no containers", deployment(containers: "[]"), "spec.template.spec.containers", "Required value"),
        (
            "negative replicas", deployment(replicas: "-1"), "spec.replicas",
            "must be greater than or equal to 0"
        ),
    ])
    func anInvalidDeploymentIsRefusedNamingTheField(
        _ name: String, _ body: String, _ field: String, _ message: String
    )
        async throws
    {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createNamespace("apps")
        let answer = try await cluster.post(Self.path, body)
        #expect(answer.status == 422, "\(name): \(answer.text)")
        #expect(answer.string("reason") == "Invalid")
        guard case .array(let causes)? = answer.json["details"]?["causes"] else {
            Issue.record("\(name): no causes in \(answer.text)")
            return
        }
        #expect(
            causes.contains {
                $0["field"] == .string(field)
                    && ($0["message"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? "")
                        .contains(message)
            }, "\(name): \(answer.text)")
        #expect(try await cluster.get("\(Self.path)/web").status == 404, "nothing was stored")
    }

    @Test func theSelectorCannotChange() async throws {
        let cluster = try await TestCluster.start()
        defer { Task { await cluster.stop() } }
        try await cluster.createNamespace("apps")
        #expect(try await cluster.post(Self.path, Self.deployment()).status == 201)
        let patched = try await cluster.mergePatch(
            "\(Self.path)/web",
            #"{"spec":{"selector":{"matchLabels":{"app":"web","tier":"a"}},"template":{"metadata":{"labels":{"app":"web","tier":"a"}}}}}"#
        )
        #expect(patched.status == 422, "\(patched.text)")
        #expect(patched.text.contains("field is immutable"))
        #expect(try await cluster.get("\(Self.path)/web").string("metadata.generation") == "1")
    }
}
