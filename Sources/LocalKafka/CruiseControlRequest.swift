import HTTPServer

/// A request's query parameters, read as Cruise Control reads them: names ignoring case,
/// booleans true only when `true` (any case), lists comma separated.
struct CruiseControlRequest: Sendable, Equatable {
    let method: HTTPMethod
    let endpoint: CruiseControlEndpoint
    /// As sent, in order.
    let query: [Parameter]

    struct Parameter: Sendable, Equatable {
        var name: String
        var value: String
    }

    init(method: HTTPMethod, endpoint: CruiseControlEndpoint, query: [(name: String, value: String)]) {
        self.method = method
        self.endpoint = endpoint
        self.query = query.map { Parameter(name: $0.name, value: $0.value) }
    }

    /// Refuses names the endpoint does not have.
    func checkNames() throws(CruiseControlError) {
        let known = Set(endpoint.parameters.map { $0.lowercased() })
        let unknown = Set(query.map(\.name).filter { !known.contains($0.lowercased()) })
        guard unknown.isEmpty else { throw .unrecognizedParameters(method, endpoint, Array(unknown)) }
    }

    func value(_ name: String) -> String? {
        query.last { $0.name.lowercased() == name.lowercased() }?.value
    }

    func bool(_ name: String, default defaultValue: Bool) -> Bool {
        guard let value = value(name) else { return defaultValue }
        return value.lowercased() == "true"
    }

    func int(_ name: String) throws(CruiseControlError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text) else {
            throw .badRequest(method, endpoint, "\(name): \(text) is not a number")
        }
        return number
    }

    func list(_ name: String) -> [String]? {
        guard let text = value(name) else { return nil }
        return text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }

    func brokerIDs(_ name: String) throws(CruiseControlError) -> Set<Int32>? {
        guard let items = list(name) else { return nil }
        var ids: Set<Int32> = []
        for item in items {
            guard let id = Int32(item) else {
                throw .badRequest(method, endpoint, "\(name): \(item) is not a broker id")
            }
            ids.insert(id)
        }
        return ids
    }

    /// A key that identifies the same request repeated: method, endpoint and parameters.
    var identity: String {
        "\(method) \(endpoint.rawValue)?"
            + query.map { "\($0.name.lowercased())=\($0.value)" }.sorted().joined(separator: "&")
    }
}
