import ActionEngine
import ClusterModel
import HTTPServer
import JSON
import Logging

/// The manual action API for people with curl:
///
/// - `POST /api/v1/namespaces/{namespace}/kafkaclusters/{name}/actions` with a JSON object
///   `{"command": "upScale", ...}` (the same parameters as alert annotations and labels);
///   `?dryRun=true` returns the planned change without making it; `dryRun` takes exactly
///   `true` or `false`, and any other value is refused with 400.
/// - `GET` on the same path lists the actions recorded with the cluster.
///
/// Both need `Authorization: Bearer <token>` with one of the configured API tokens.
public struct ActionsEndpoint: Sendable {
    static let path = "/api/v1/namespaces/{namespace}/kafkaclusters/{name}/actions"

    let runner: ActionRunner
    let credentials: WebhookCredentials
    let logger: Logger

    public init(runner: ActionRunner, credentials: WebhookCredentials, logger: Logger) {
        self.runner = runner
        self.credentials = credentials
        self.logger = logger
    }

    public func register(on router: inout Router) {
        router.add(.post, Self.path) { request in await self.post(request) }
        router.add(.get, Self.path) { request in await self.list(request) }
    }

    private func authorized(_ request: HTTPRequest) -> HTTPResponse? {
        guard !credentials.isOpen, credentials.accepts(authorization: request.headers["Authorization"]) else {
            var response = HTTPResponse.jsonError(
                .unauthorized,
                credentials.isOpen
                    ? "the action API is disabled: start the operator with --api-token"
                    : "missing or invalid bearer token")
            response.headers.add(name: "WWW-Authenticate", value: #"Bearer realm="kafka-operator""#)
            return response
        }
        return nil
    }

    func post(_ request: HTTPRequest) async -> HTTPResponse {
        if let refusal = authorized(request) { return refusal }
        let namespace = request.pathParameters["namespace"] ?? ""
        let name = request.pathParameters["name"] ?? ""
        let dryRun: Bool
        switch Self.dryRun(in: request.query) {
        case .success(let value): dryRun = value
        case .failure(let refusal): return .jsonError(.badRequest, refusal.message)
        }
        var parameters: [String: String] = [:]
        do {
            guard case .object(let members) = try JSONReader.parse(request.body) else {
                return .jsonError(
                    .badRequest, #"the body must be a JSON object such as {"command": "upScale"}"#)
            }
            for member in members {
                guard case .string(let value) = member.value else {
                    return .jsonError(
                        .badRequest, "\(member.key) should be a string, not \(member.value.kind)")
                }
                parameters[member.key] = value
            }
        } catch {
            return .jsonError(.badRequest, "the body is not JSON: \(error.description)")
        }
        guard let command = parameters.removeValue(forKey: "command"), !command.isEmpty else {
            return .jsonError(.badRequest, "command is missing")
        }
        let caller = "api-token"
        let actionRequest = ActionRequest(
            command: command, namespace: namespace, cluster: name, parameters: parameters,
            source: .manual(caller: caller), dryRun: dryRun)
        let outcome: ActionOutcome
        do {
            outcome = try await runner.run(actionRequest)
        } catch {
            // Only failures a retry may cure (or a cancelled request) reach here.
            logger.error("manual action failed", metadata: ["error": "\(error)"])
            return .jsonError(.serviceUnavailable, error.description)
        }
        logger.info(
            "manual action \(outcome.name)",
            metadata: [
                "cluster": "\(namespace)/\(name)", "command": "\(command)",
                "detail": "\(outcome.detail ?? "")",
            ])
        var members: [(key: String, value: JSONValue)] = [("outcome", .string(outcome.name))]
        if case .accepted(let id, _) = outcome { members.append(("id", .string(id))) }
        if let detail = outcome.detail { members.append(("detail", .string(detail))) }
        let status: HTTPStatus
        switch outcome {
        case .accepted: status = .accepted
        case .planned, .duplicate, .recorded: status = .ok
        case .deferred: status = .conflict
        case .rejected, .unknownClaim: status = .unprocessableContent
        case .unknownCluster: status = .notFound
        }
        return .json(status, .object(members))
    }

    func list(_ request: HTTPRequest) async -> HTTPResponse {
        if let refusal = authorized(request) { return refusal }
        let namespace = request.pathParameters["namespace"] ?? ""
        let name = request.pathParameters["name"] ?? ""
        do {
            let records = try await runner.actionLog(namespace: namespace, cluster: name)
            let actions: [JSONValue] = records.map { record in
                .object([
                    ("id", .string(record.id)), ("command", .string(record.command)),
                    ("source", .string(record.source)),
                    ("time", .string(record.time)), ("change", .string(record.change)),
                    ("outcome", .string(record.outcome)),
                ])
            }
            return .json(.ok, .object([("actions", .array(actions))]))
        } catch .notFound {
            return .jsonError(.notFound, "KafkaCluster \(namespace)/\(name) does not exist")
        } catch {
            return .jsonError(
                error.isRetryable ? .serviceUnavailable : .internalServerError, error.description)
        }
    }

    /// Why a query was refused.
    struct QueryRefusal: Error, Equatable {
        let message: String
    }

    /// The `dryRun` query parameter: absent, or exactly `true` or `false`. Anything else
    /// (`TRUE`, `yes`, `1`, an empty value, the parameter twice, another parameter) is refused
    /// rather than guessed at, because a mistyped dry run read as false would act for real.
    static func dryRun(in query: [(name: String, value: String)]) -> Result<Bool, QueryRefusal> {
        // A misspelt name (`dryrun`, `dry_run`) would otherwise be ignored and the action run.
        if let unknown = query.first(where: { $0.name != "dryRun" }) {
            return .failure(
                QueryRefusal(
                    message: "unknown query parameter '\(unknown.name.prefix(32))'; the only one is dryRun"))
        }
        let values = query.map(\.value)
        switch values {
        case []: return .success(false)
        case ["true"]: return .success(true)
        case ["false"]: return .success(false)
        case let values where values.count > 1:
            return .failure(QueryRefusal(message: "dryRun is given \(values.count) times; give it once"))
        default:
            return .failure(
                QueryRefusal(message: "dryRun is '\(values[0].prefix(32))'; expected true or false"))
        }
    }
}
