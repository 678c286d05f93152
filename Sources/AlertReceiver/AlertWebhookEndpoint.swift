import ActionEngine
import ClusterModel
import HTTPServer
import Logging

/// `POST /alerts` (Alertmanager's webhook) and `POST /api/v2/alerts` (Prometheus's own alert
/// push, for setups that point Prometheus straight at the operator as Koperator's do).
///
/// Each alert gets an outcome in the response. The status follows Alertmanager's retry rules:
/// 200 when every alert was handled (acted on, deduplicated, deferred, recorded or rejected for
/// good, a store's permanent refusal included), 503 only when the store, or reading a disk
/// alert's claim, failed for one of them in a way a retry may cure, so Alertmanager sends the
/// notification again; alerts already acted on are then recognised as duplicates.
public struct AlertWebhookEndpoint: Sendable {
    let logger: Logger
    let decoder: WebhookDecoder
    let credentials: WebhookCredentials
    let runner: ActionRunner
    let metrics: ReceiverMetrics
    let fallback: ClaimLabelFallback

    /// `claims` reads a disk alert's claim when its name does not say its cluster and disk;
    /// without it such alerts are rejected.
    public init(
        runner: ActionRunner, logger: Logger, credentials: WebhookCredentials = WebhookCredentials(),
        decoder: WebhookDecoder = WebhookDecoder(), commands: [String] = ActionRegistry.builtIn.commands,
        claims: (any ClaimLookup)? = nil
    ) {
        self.runner = runner
        self.fallback = ClaimLabelFallback(claims: claims, runner: runner)
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
                let run = try await run(AlertActionMapper.decide(alert))
                outcome = run.outcome
                if run.retry { storeFailed = true }
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

    /// The alert's outcome; `retry` when it was deferred because reading its claim failed in a
    /// way a retry may cure.
    private func run(_ decision: AlertActionMapper.Decision) async throws(ClusterStoreError)
        -> (outcome: ActionOutcome, retry: Bool)
    {
        switch decision {
        case .outcome(let outcome): return (outcome, false)
        case .countRollingUpgrade(let namespace, let cluster, let alert, let firing):
            return (
                try await runner.countRollingUpgradeAlert(
                    namespace: namespace, cluster: cluster, alert: alert, firing: firing), false
            )
        case .act(let request, let claim):
            // A re-send of an alert already acted on is answered here, without suspending, so a
            // storm of them is served on the I/O thread.
            var run = (outcome: ActionOutcome.duplicate, retry: false)
            if !runner.isKnownDuplicate(request.source) {
                run.outcome = try await runner.run(request)
            }
            if let claim {
                switch run.outcome {
                case .unknownCluster(let reason):
                    run = try await fallback.run(
                        request, claim: claim,
                        byName: .unknownCluster(
                            reason: "no KafkaCluster has the claim \(claim.prefix(64)): \(reason)"))
                case .unknownClaim: run = try await fallback.run(request, claim: claim, byName: run.outcome)
                default: break
                }
            }
            metrics.action(command: request.command, run.outcome)
            return run
        case .findClaim(let request, let claim):
            var run = (outcome: ActionOutcome.duplicate, retry: false)
            if !runner.isKnownDuplicate(request.source) {
                run = try await fallback.run(request, claim: claim, byName: nil)
            }
            metrics.action(command: request.command, run.outcome)
            return run
        }
    }
}
