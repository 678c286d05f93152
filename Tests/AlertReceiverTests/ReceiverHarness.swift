import ActionEngine
import ClusterModel
import Foundation
import HTTPServer
import Logging
import Synchronization
import TestSupport

@testable import AlertReceiver

/// The alert and action endpoints in process, over the example cluster in a store the test
/// can make fail, with the log lines they write.
struct ReceiverHarness {
    let store: FaultyClusterStore
    /// The claims a disk alert's claim is read from when its name does not say its disk.
    let claims = InMemoryClaimLookup()
    let runner: ActionRunner
    let alerts: AlertWebhookEndpoint
    let actions: ActionsEndpoint
    let log = LogRecorder()

    static let token = "ops"

    init(cooldown: Duration = .seconds(300)) async throws {
        store = FaultyClusterStore()
        let yaml = try String(
            contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"), encoding: .utf8)
        _ = try await store.create(try ClusterDocument(yaml: yaml))
        try await store.settle()
        var policy = ActionPolicy()
        policy.cooldown = cooldown
        runner = ActionRunner(store: store, policy: policy)
        let recorder = log
        var logger = Logger(label: "receiver-test") { _ in recorder }
        logger.logLevel = .debug
        var credentials = WebhookCredentials()
        credentials.allowBearer(token: Self.token)
        alerts = AlertWebhookEndpoint(runner: runner, logger: logger, claims: claims)
        actions = ActionsEndpoint(runner: runner, credentials: credentials, logger: logger)
    }

    /// `POST /alerts` (an Alertmanager notification) or `POST /api/v2/alerts` (a Prometheus push).
    func postAlerts(_ body: String, prometheusPush: Bool = false) async -> (status: Int, body: String) {
        let path = prometheusPush ? "/api/v2/alerts" : "/alerts"
        let request = HTTPRequest(method: .post, target: path, path: path, body: Array(body.utf8))
        let response = await alerts.handle(request, prometheusPush: prometheusPush)
        return (response.status.code, String(decoding: response.body, as: UTF8.self))
    }

    /// `POST .../kafkaclusters/kafka/actions` with `query` as sent (not yet decoded).
    func postAction(_ body: String, query: [(name: String, value: String)] = []) async -> (
        status: Int, body: String
    ) {
        let path = "/api/v1/namespaces/kafka/kafkaclusters/kafka/actions"
        let request = HTTPRequest(
            method: .post, target: path, path: path, query: query,
            headers: ["Authorization": "Bearer \(Self.token)"], body: Array(body.utf8),
            pathParameters: ["namespace": "kafka", "name": "kafka"])
        let response = await actions.post(request)
        return (response.status.code, String(decoding: response.body, as: UTF8.self))
    }

    func cluster() async throws -> StoredCluster { try await store.get(namespace: "kafka", name: "kafka") }

    /// An Alertmanager notification of one firing alert.
    static func notification(labels: String, annotations: String, fingerprint: String = "0123456789abcdef")
        -> String
    {
        #"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"#
            + labels + #"},"annotations":{"# + annotations
            + #"},"startsAt":"2026-11-24T17:00:17.451Z","fingerprint":""# + fingerprint + #""}]}"#
    }
}

/// An in-memory store whose next writes can be made to fail with a chosen error.
actor FaultyClusterStore: ClusterStore {
    private let inner = InMemoryClusterStore()
    private var failures: [ClusterStoreError] = []

    /// The next `count` updates throw `error`.
    func failUpdates(_ count: Int, with error: ClusterStoreError) {
        failures += Array(repeating: error, count: count)
    }

    func get(namespace: String, name: String) async throws(ClusterStoreError) -> StoredCluster {
        try await inner.get(namespace: namespace, name: name)
    }

    func list() async throws(ClusterStoreError) -> [StoredCluster] { await inner.list() }

    func create(_ document: ClusterDocument) async throws(ClusterStoreError) -> StoredCluster {
        try await inner.create(document)
    }

    func update(_ document: ClusterDocument, expectedRevision: String) async throws(ClusterStoreError)
        -> StoredCluster
    {
        if !failures.isEmpty { throw failures.removeFirst() }
        return try await inner.update(document, expectedRevision: expectedRevision)
    }
}

/// Keeps every log line written through it.
struct LogRecorder: LogHandler {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
    }

    private let shared: SharedLines

    final class SharedLines: Sendable {
        let lines = Mutex<[Line]>([])
    }

    init() { shared = SharedLines() }

    var lines: [Line] { shared.lines.withLock { $0 } }

    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        shared.lines.withLock { $0.append(Line(level: event.level, message: "\(event.message)")) }
    }
}
