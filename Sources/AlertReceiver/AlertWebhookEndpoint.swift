import ActionEngine
import ClusterModel
import HTTPServer
import Logging

/// `POST /alerts` (Alertmanager's webhook) and `POST /api/v2/alerts` (Prometheus's own alert
/// push, for setups that point Prometheus straight at the operator as Koperator's do).
///
/// Each alert gets an outcome in the response. The status follows Alertmanager's retry rules:
/// 200 when every alert was handled (acted on, deduplicated, deferred, recorded or rejected for
/// good, a store's permanent refusal included), 503 only when the store failed for one of them
/// in a way a retry may cure, so Alertmanager sends the notification again; alerts already
/// acted on are then recognised as duplicates.
public struct AlertWebhookEndpoint: Sendable {
    let logger: Logger
    let decoder: WebhookDecoder
    let credentials: WebhookCredentials
    let runner: ActionRunner
    let metrics: ReceiverMetrics

    public init(
        runner: ActionRunner, logger: Logger, credentials: WebhookCredentials = WebhookCredentials(),
        decoder: WebhookDecoder = WebhookDecoder(), commands: [String] = ActionRegistry.builtIn.commands
    ) {
        self.runner = runner
        self.metrics = ReceiverMetrics(commands: commands)
        self.logger = logger
        self.credentials = credentials
        self.decoder = decoder
    }

    public func register(on router: inout Router) {
        router.add(.post, "/alerts") { request in await self.handle(request, prometheusPush: false) }
        router.add(.post, "/api/v2/alerts") { request in await self.handle(request, prometheusPush: true) }
    }

    func handle(_ request: HTTPRequest, prometheusPush: Bool) async -> HTTPResponse {
        guard credentials.accepts(authorization: request.headers["Authorization"]) else {
            logger.warning("webhook refused: bad credentials", metadata: ["peer": "\(request.remoteAddress)"])
            var response = HTTPResponse.jsonError(
                .unauthorized, "missing or invalid credentials for \(request.path)")
            response.headers.add(name: "WWW-Authenticate", value: #"Bearer realm="kafka-operator""#)
            return response
        }
        let alerts: [AlertmanagerWebhook.Alert]
        do {
            alerts =
                prometheusPush
                ? try decoder.decodePrometheusPush(request.body) : try decoder.decode(request.body).alerts
        } catch {
            logger.warning(
                "webhook refused", metadata: ["reason": "\(error)", "peer": "\(request.remoteAddress)"])
            return .jsonError(.badRequest, error.description)
        }
        var outcomes: [WebhookResponse.AlertOutcome] = []
        var storeFailed = false
        for alert in alerts {
            let outcome: ActionOutcome
            do {
                outcome = try await run(AlertActionMapper.decide(alert))
            } catch {
                // Only failures a retry may cure reach here (permanent refusals are outcomes),
                // so Alertmanager is asked to send the notification again.
                storeFailed = true
                logger.error(
                    "alert not handled: store failed",
                    metadata: ["fingerprint": "\(alert.fingerprint)", "error": "\(error)"])
                outcomes.append(
                    .init(
                        fingerprint: alert.fingerprint, status: alert.status.rawValue, outcome: "failed",
                        detail: error.description))
                continue
            }
            metrics.alert(outcome)
            // A re-send is not news: Alertmanager repeats every notification until the alert
            // resolves. alerts_total{outcome="duplicate"} counts them; the log names them only
            // at debug level.
            logger.log(
                level: outcome == .duplicate ? .debug : .info,
                "alert \(outcome.name)",
                metadata: [
                    "fingerprint": "\(alert.fingerprint)", "status": "\(alert.status.rawValue)",
                    "alertname": "\(alert.labels["alertname"] ?? "")",
                    "command": "\(alert.annotations["command"] ?? "")",
                    "detail": "\(outcome.detail ?? "")",
                ])
            outcomes.append(
                .init(
                    fingerprint: alert.fingerprint, status: alert.status.rawValue, outcome: outcome.name,
                    detail: outcome.detail))
        }
        let body = WebhookResponse(received: alerts.count, alerts: outcomes).json
        return .json(storeFailed ? .serviceUnavailable : .ok, body)
    }

    private func run(_ decision: AlertActionMapper.Decision) async throws(ClusterStoreError) -> ActionOutcome
    {
        switch decision {
        case .outcome(let outcome): return outcome
        case .countRollingUpgrade(let namespace, let cluster):
            return try await runner.countRollingUpgradeAlert(namespace: namespace, cluster: cluster)
        case .act(let request, let claim):
            // A re-send of an alert already acted on is answered here, without suspending, so a
            // storm of them is served on the I/O thread.
            var outcome = runner.isKnownDuplicate(request.source) ? .duplicate : try await runner.run(request)
            if let claim, case .unknownCluster(let reason) = outcome {
                outcome = .unknownCluster(
                    reason: "no KafkaCluster has the claim \(claim.prefix(64)): \(reason)")
            }
            metrics.action(command: request.command, outcome)
            return outcome
        }
    }
}
