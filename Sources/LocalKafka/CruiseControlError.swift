import HTTPServer
import JSON

/// A refusal as Cruise Control words it: the status it answers with and the `errorMessage`
/// of its error response (`{"version":1,"stackTrace":"","errorMessage":...}`).
public struct CruiseControlError: Error, Equatable, Sendable, CustomStringConvertible {
    public var status: HTTPStatus
    public var message: String

    public var description: String { message }

    /// 400, for a request Cruise Control cannot parse (`UserRequestException`).
    static func badRequest(_ method: HTTPMethod, _ endpoint: CruiseControlEndpoint, _ reason: String) -> Self
    {
        Self(
            status: .badRequest, message: "Bad \(method) request '/\(endpoint.rawValue)' due to '\(reason)'.")
    }

    /// 400, for parameters the endpoint does not have.
    static func unrecognizedParameters(
        _ method: HTTPMethod, _ endpoint: CruiseControlEndpoint, _ names: [String]
    ) -> Self {
        // Cruise Control prints a case-insensitive TreeSet: sorted, "[a, b]".
        let sorted = names.sorted { $0.lowercased() < $1.lowercased() }
        return Self(
            status: .badRequest,
            message: "Unrecognized endpoint parameters in \(endpoint.upperName) \(method) request: "
                + "[\(sorted.joined(separator: ", "))].")
    }

    /// 500, for what fails while the request is processed (an exception in Cruise Control).
    static func processing(_ method: HTTPMethod, _ endpoint: CruiseControlEndpoint, _ reason: String) -> Self
    {
        Self(
            status: .internalServerError,
            message: "Error processing \(method) request '/\(endpoint.rawValue)' due to: '\(reason)'.")
    }

    static func ongoingExecution(_ method: HTTPMethod, _ endpoint: CruiseControlEndpoint) -> Self {
        processing(
            method, endpoint,
            "java.lang.IllegalStateException: Cannot start a new execution while there is an ongoing execution. "
                + "Please use stop_ongoing_execution=true to stop ongoing execution and start a new one.")
    }

    /// A `User-Task-ID` Cruise Control does not know (for this request): its own message,
    /// whose value and name are the wrong way round in Cruise Control itself.
    static func unknownUserTask(_ method: HTTPMethod, _ endpoint: CruiseControlEndpoint, _ id: String) -> Self
    {
        processing(method, endpoint, "Unexpected header \(id) (value: User-Task-ID) in the request.")
    }

    var json: JSONValue {
        .object([("version", .number("1")), ("stackTrace", .string("")), ("errorMessage", .string(message))])
    }
}
