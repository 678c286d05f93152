import HTTPServer
import Logging

/// `POST /alerts`: receives Alertmanager notifications.
///
/// This stage decodes and validates each notification and records every alert in the log; it
/// reports each alert's outcome as `recorded`. Turning alerts into actions is the action
/// engine's job and is wired in with it.
public struct AlertWebhookEndpoint: Sendable {
    let logger: Logger
    let decoder: WebhookDecoder
    let credentials: WebhookCredentials

    public init(
        logger: Logger, credentials: WebhookCredentials = WebhookCredentials(),
        decoder: WebhookDecoder = WebhookDecoder()
    ) {
        self.logger = logger
        self.credentials = credentials
        self.decoder = decoder
    }

    public func register(on router: inout Router) {
        router.add(.post, "/alerts") { request in self.handle(request) }
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard credentials.accepts(authorization: request.headers["Authorization"]) else {
            logger.warning("webhook refused: bad credentials", metadata: ["peer": "\(request.remoteAddress)"])
            var response = HTTPResponse.jsonError(
                .unauthorized, "missing or invalid credentials for POST /alerts")
            response.headers.add(name: "WWW-Authenticate", value: #"Bearer realm="kafka-operator""#)
            return response
        }
        let webhook: AlertmanagerWebhook
        do {
            webhook = try decoder.decode(request.body)
        } catch {
            logger.warning(
                "webhook refused", metadata: ["reason": "\(error)", "peer": "\(request.remoteAddress)"])
            return .jsonError(.badRequest, error.description)
        }
        var outcomes: [WebhookResponse.AlertOutcome] = []
        for alert in webhook.alerts {
            logger.info(
                "alert received",
                metadata: [
                    "fingerprint": "\(alert.fingerprint)", "status": "\(alert.status.rawValue)",
                    "alertname": "\(alert.labels["alertname"] ?? "")",
                    "command": "\(alert.annotations["command"] ?? "")",
                ])
            outcomes.append(
                .init(fingerprint: alert.fingerprint, status: alert.status.rawValue, outcome: "recorded"))
        }
        return .json(.ok, WebhookResponse(received: webhook.alerts.count, alerts: outcomes).json)
    }
}
