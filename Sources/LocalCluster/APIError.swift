import JSON
import KubernetesAPITypes

/// Why the local API server refused a request, in the shape of the real API's `Status`
/// answers: the HTTP code, the `reason`, and `details` naming the object and the causes.
struct APIError: Error, Sendable, CustomStringConvertible {
    let code: Int
    let reason: String
    let message: String
    var details: Status.Details?
    /// The `metadata.continue` of the Status: how to go on after an expired continue token.
    var continueToken: String?

    var description: String { message }

    var status: Status { Status(code: code, reason: reason, message: message, details: details) }

    static func notFound(_ resource: ResourceDefinition, _ name: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "\(resource.qualifiedName) \"\(name)\" not found",
            details: resource.details(name: name))
    }

    static func namespaceNotFound(_ namespace: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found",
            details: Status.Details(name: namespace, group: "", kind: "namespaces"))
    }

    static func unknownPath(_ path: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "the server could not find the requested resource",
            details: Status.Details(causes: [
                Status.Cause(reason: "UnexpectedServerResponse", message: "404 page not found", field: nil)
            ]))
    }

    static func alreadyExists(_ resource: ResourceDefinition, _ name: String) -> APIError {
        APIError(
            code: 409, reason: "AlreadyExists",
            message: "\(resource.qualifiedName) \"\(name)\" already exists",
            details: resource.details(name: name))
    }

    static func conflict(_ resource: ResourceDefinition, _ name: String, _ why: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(resource.qualifiedName) \"\(name)\": \(why)",
            details: resource.details(name: name))
    }

    static func staleResourceVersion(_ resource: ResourceDefinition, _ name: String) -> APIError {
        conflict(
            resource, name,
            "the object has been modified; please apply your changes to the latest version and try again")
    }

    static func invalid(_ resource: ResourceDefinition, _ name: String, _ causes: [Status.Cause]) -> APIError
    {
        let list = causes.map { "\($0.field ?? ""): \($0.message ?? "")" }.joined(separator: ", ")
        // Unlike the other answers, an Invalid one names the kind, as kubectl prints it.
        var details = Status.Details(name: name, group: resource.group, kind: resource.kind)
        details.causes = causes
        return APIError(
            code: 422, reason: "Invalid",
            message: "\(resource.kind) \"\(name)\" is invalid: \(list)", details: details)
    }

    /// A refusal by an admission plugin: `plural "name" is forbidden: why`.
    static func forbidden(_ resource: ResourceDefinition, _ name: String, _ why: String) -> APIError {
        APIError(
            code: 403, reason: "Forbidden",
            message: "\(resource.qualifiedName) \"\(name)\" is forbidden: \(why)",
            details: resource.details(name: name))
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static func methodNotAllowed(_ method: String) -> APIError {
        APIError(
            code: 405, reason: "MethodNotAllowed",
            message: "the server does not allow this method on the requested resource (\(method))")
    }

    /// A body of a type the verb does not take, with the types it does, as the real server
    /// lists them.
    static func unsupportedMediaType(accepted: [String]) -> APIError {
        APIError(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: "
                + accepted.joined(separator: ", "))
    }

    static func expired(_ requested: UInt64, oldest: UInt64) -> APIError {
        APIError(
            code: 410, reason: "Expired",
            message: "too old resource version: \(requested) (\(oldest))")
    }

    static let expiredContinue = APIError(
        code: 410, reason: "Expired",
        message:
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."
    )

    static func injected(code: Int) -> APIError {
        APIError(
            code: code, reason: code == 500 ? "InternalError" : "ServiceUnavailable",
            message: "an injected fault failed this request (\(code))")
    }

    static func unauthorized() -> APIError {
        APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")
    }

    /// The `Status` as the JSON value the API sends.
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("kind", .string("Status")), ("apiVersion", .string("v1")),
            ("metadata", .object(continueToken.map { [("continue", .string($0))] } ?? [])),
            ("status", .string("Failure")), ("message", .string(message)), ("reason", .string(reason)),
        ]
        if let details {
            var detail: [(key: String, value: JSONValue)] = []
            if let name = details.name { detail.append(("name", .string(name))) }
            if let group = details.group { detail.append(("group", .string(group))) }
            if let kind = details.kind { detail.append(("kind", .string(kind))) }
            if let causes = details.causes {
                detail.append(
                    (
                        "causes",
                        .array(
                            causes.map { cause in
                                var fields: [(key: String, value: JSONValue)] = []
                                if let reason = cause.reason { fields.append(("reason", .string(reason))) }
                                if let message = cause.message {
                                    fields.append(("message", .string(message)))
                                }
                                if let field = cause.field { fields.append(("field", .string(field))) }
                                return .object(fields)
                            })
                    ))
            }
            members.append(("details", .object(detail)))
        }
        members.append(("code", .integer(code)))
        return .object(members)
    }
}
