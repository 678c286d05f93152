import ClusterModel
import ClusterTestSupport
import Foundation
import HTTPClient
import JSON
import Kubernetes
import LocalCluster
import Logging
import TestSupport

@testable import Reconciler

/// A local cluster holding one KafkaCluster, with our client pointed at it and the reads a
/// test makes of what the reconciler left there: every check goes through the API.
struct ReconcilerCluster: Sendable {
    let fixture: LocalClusterFixture
    /// The client the reconciler uses, counting what it sends.
    let api: CountingKubernetesAPI
    let namespace = "kafka"
    let name = "kafka"

    var client: KubernetesClient { fixture.client }
    var faults: FaultInjector { fixture.cluster.faults }

    /// The types of every object the reconciler makes.
    static let ownedTypes = ManagedKinds.all.map { $0.resourceType }

    /// Starts a cluster holding the example KafkaCluster (with `brokers` when given, and then
    /// no disruption budget, so only broker objects change as brokers come and go; with its
    /// Cruise Control only when `cruiseControl`) whose status has the action log `actionLog`,
    /// as the action engine leaves it.
    static func start(
        brokers: [Int32]? = nil, cruiseControl: Bool = false, actionLog: [ActionRecord] = [],
        retryPolicy: RetryPolicy = .standard
    )
        async throws -> ReconcilerCluster
    {
        let fixture = try await LocalClusterFixture.start(retryPolicy: retryPolicy)
        let cluster = ReconcilerCluster(fixture: fixture, api: CountingKubernetesAPI(fixture.client))
        let yaml = try String(
            contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"), encoding: .utf8)
        var document = try ClusterDocument(yaml: yaml)
        if !cruiseControl {
            // Out of the document itself: a typed nil would leave the field as read.
            document = try ClusterDocument(
                value: Self.removing("cruiseControlConfig", fromSpecOf: document.value))
        }
        if let brokers {
            document.cluster.spec.brokers = brokers.map { Broker(id: $0, brokerConfigGroup: "default") }
            document.cluster.spec.disruptionBudget = DisruptionBudget(create: false)
        }
        _ = try await cluster.client.send(
            APIRequest(
                method: "POST", path: ResourceType.kafkaClusters.path(namespace: cluster.namespace),
                body: document.value.encoded(), contentType: "application/json"))
        if !actionLog.isEmpty {
            var status = KafkaClusterStatus()
            status.actionLog = actionLog
            // No status subresource: the status is written on the object itself.
            let body = JSONValue.object([
                ("status", try JSONReader.parse(Array(JSONEncoder().encode(status))))
            ])
            _ = try await cluster.client.send(
                APIRequest(
                    method: "PATCH",
                    path: ResourceType.kafkaClusters.path(namespace: cluster.namespace, name: cluster.name),
                    body: body.encoded(), contentType: PatchType.merge.rawValue))
        }
        return cluster
    }

    /// `document` without `spec.<field>`.
    static func removing(_ field: String, fromSpecOf document: JSONValue) -> JSONValue {
        guard case .object(var members) = document,
            let index = members.firstIndex(where: { $0.key == "spec" }),
            case .object(let spec) = members[index].value
        else { return document }
        members[index].value = .object(spec.filter { $0.key != field })
        return .object(members)
    }

    func stop() async { await fixture.stop() }

    func reconciler(_ configuration: ClusterReconciler.Configuration = .init()) -> ClusterReconciler {
        ClusterReconciler(api: api, configuration: configuration, logger: Self.quiet)
    }

    /// The reconciler's warnings are expected here: faults are injected on purpose.
    static let quiet: Logger = {
        var logger = Logger(label: "reconciler-test")
        logger.logLevel = .critical
        return logger
    }()

    func reconcile() async throws -> ReconcileResult {
        try await reconciler().reconcile(namespace: namespace, name: name)
    }

    // MARK: - Reading through the API

    func document() async throws -> ClusterDocument {
        try ClusterDocument(
            json: try await client.send(
                APIRequest(
                    method: "GET", path: ResourceType.kafkaClusters.path(namespace: namespace, name: name))))
    }

    /// Changes the stored cluster as the action engine does: read, modify spec and status,
    /// write both in one update with the resourceVersion read.
    func modify(_ body: (inout KafkaCluster) -> Void) async throws {
        var document = try await document()
        body(&document.cluster)
        _ = try await client.send(
            APIRequest(
                method: "PUT", path: ResourceType.kafkaClusters.path(namespace: namespace, name: name),
                body: document.json(), contentType: "application/json"))
    }

    func rendered() async throws -> DesiredState {
        let cluster = try await document().cluster
        return DesiredStateRenderer().render(cluster, uid: cluster.metadata.uid ?? "")
    }

    /// The list of `type` in the namespace, selected by labels and fields.
    func list(_ type: ResourceType, labels: String? = nil, fields: String? = nil) async throws -> (
        items: [JSONValue], resourceVersion: String
    ) {
        var query: [(name: String, value: String)] = []
        if let labels { query.append(("labelSelector", labels)) }
        if let fields { query.append(("fieldSelector", fields)) }
        let body = try JSONReader.parse(
            try await client.send(
                APIRequest(method: "GET", path: type.path(namespace: namespace), query: query)))
        guard case .array(let items)? = body["items"],
            case .string(let version)? = body["metadata"]?["resourceVersion"]
        else { return ([], "") }
        return (items, version)
    }

    func objects(_ type: ResourceType) async throws -> [JSONValue] { try await list(type).items }

    func names(_ type: ResourceType) async throws -> [String] {
        try await objects(type).compactMap { $0["metadata"]?["name"]?.text }.sorted()
    }

    /// Every object's `plural/name` in the namespace, events and the cluster included.
    func everything() async throws -> Set<String> {
        var all: Set<String> = []
        for type in Self.ownedTypes + [.events, .kafkaClusters] {
            for name in try await names(type) { all.insert("\(type.plural)/\(name)") }
        }
        return all
    }

    /// The Events about the KafkaCluster, selected on the server by the involved object.
    func events() async throws -> [JSONValue] {
        try await list(.events, fields: "involvedObject.name=\(name)").items
    }

    func eventReasons() async throws -> [String] {
        try await events().compactMap { $0["reason"]?.text }
    }

    /// The cluster-wide resourceVersion: it moves with every write anyone makes.
    func resourceVersion() async throws -> String { try await list(.configMaps).resourceVersion }

    /// Every pod Ready and every claim Bound, as the kubelet leaves them.
    func settled() async throws -> Bool {
        let pods = try await objects(.pods)
        let claims = try await objects(.persistentVolumeClaims)
        return pods.allSatisfy(Self.isReady) && claims.allSatisfy { $0["status"]?["phase"]?.text == "Bound" }
    }

    func waitUntilSettled() async throws {
        let settled = try await waitUntil(timeout: .seconds(10)) { try await self.settled() }
        guard settled else { throw ReconcilerClusterError.notSettled }
    }

    static func isReady(_ pod: JSONValue) -> Bool {
        guard case .array(let conditions)? = pod["status"]?["conditions"] else { return false }
        return conditions.contains { $0["type"]?.text == "Ready" && $0["status"]?.text == "True" }
    }
}

enum ReconcilerClusterError: Error, CustomStringConvertible {
    case notSettled

    var description: String { "the pods did not all become Ready and the claims Bound in time" }
}

extension JSONValue {
    var text: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
