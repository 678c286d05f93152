/// Routes requests by method and path pattern. A pattern is a path whose `{name}` segments
/// match any one segment and fill `HTTPRequest.pathParameters`. A pattern without parameters
/// that equals the path wins over patterns with parameters; among those, the first added wins.
public struct Router: Sendable {
    struct Route: Sendable {
        let method: HTTPMethod
        let pattern: String
        let segments: [Segment]
        let handler: HTTPHandler

        var isLiteral: Bool { !segments.contains(where: \.isParameter) }
    }

    enum Segment: Equatable, Sendable {
        var isParameter: Bool { if case .parameter = self { true } else { false } }

        case literal(String)
        case parameter(String)
    }

    /// What the router found for a request.
    public enum Match: Sendable {
        case found(handler: HTTPHandler, pattern: String, parameters: [String: String])
        /// The path exists under other methods: answer 405 with these in `Allow`.
        case methodNotAllowed(allowed: [HTTPMethod])
        case notFound
    }

    private(set) var routes: [Route] = []
    /// Routes without parameters by exact path: most requests are answered from here with one
    /// dictionary lookup instead of splitting the path.
    private var literalRoutes: [String: [Route]] = [:]

    public init() {}

    /// Adds a route; a later route with the same method and pattern replaces an earlier one.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, handler: @escaping HTTPHandler) {
        let segments = Self.split(pattern).map { part -> Segment in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(part)
        }
        routes.removeAll { $0.method == method && $0.segments == segments }
        routes.append(Route(method: method, pattern: pattern, segments: segments, handler: handler))
        literalRoutes = Dictionary(grouping: routes.filter(\.isLiteral), by: \.pattern)
    }

    public func match(method: HTTPMethod, path: String) -> Match {
        if let route = literalRoutes[path]?.first(where: { $0.method == method }) {
            return .found(handler: route.handler, pattern: route.pattern, parameters: [:])
        }
        let parts = Self.split(path)
        var allowed: [HTTPMethod] = []
        var getFallback: Match?
        for route in routes {
            guard let parameters = Self.bind(route.segments, to: parts) else { continue }
            if route.method == method {
                return .found(handler: route.handler, pattern: route.pattern, parameters: parameters)
            }
            if method == .head && route.method == .get {
                getFallback = .found(handler: route.handler, pattern: route.pattern, parameters: parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let getFallback { return getFallback }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: Self.withImplicitHead(allowed))
    }

    /// `methods`, with HEAD where GET is served: a GET route answers HEAD too.
    private static func withImplicitHead(_ methods: [HTTPMethod]) -> [HTTPMethod] {
        methods.contains(.get) && !methods.contains(.head) ? methods + [.head] : methods
    }

    private static func split(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    }

    private static func bind(_ segments: [Segment], to parts: [String]) -> [String: String]? {
        guard segments.count == parts.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let literal): guard literal == part else { return nil }
            case .parameter(let name):
                guard !part.isEmpty else { return nil }
                parameters[name] = part
            }
        }
        return parameters
    }
}

extension Router {
    /// What the server does with a request: run a route's handler, or answer at once.
    enum Decision {
        case handler(HTTPHandler, route: String, request: HTTPRequest)
        case answer(HTTPResponse)
    }

    /// Routes a request, answering itself what no handler is for: 501 for an unknown method,
    /// `OPTIONS` (on a path, or `*` for the whole server) with the methods allowed, 405 with
    /// `Allow`, and 404.
    func route(_ request: HTTPRequest) -> Decision {
        guard request.method.isKnown else {
            return .answer(
                ResponseEncoder.errorResponse(.notImplemented, "method \(request.method) is not implemented"))
        }
        if request.method == .options && request.path == "*" {
            return .answer(Self.optionsResponse(allowing: Self.withImplicitHead(routes.map(\.method))))
        }
        switch match(method: request.method, path: request.path) {
        case .found(let handler, let pattern, let parameters):
            var routed = request
            routed.pathParameters = parameters
            return .handler(handler, route: pattern, request: routed)
        case .methodNotAllowed(let allowed) where request.method == .options:
            return .answer(Self.optionsResponse(allowing: allowed))
        case .methodNotAllowed(let allowed):
            var response = ResponseEncoder.errorResponse(
                .methodNotAllowed, "\(request.method) is not allowed on \(request.path)")
            response.headers.add(name: "Allow", value: Self.allowValue(allowed))
            return .answer(response)
        case .notFound:
            return .answer(ResponseEncoder.errorResponse(.notFound, "no route for \(request.path)"))
        }
    }

    private static func optionsResponse(allowing methods: [HTTPMethod]) -> HTTPResponse {
        var response = HTTPResponse(status: .noContent)
        response.headers.add(name: "Allow", value: allowValue(methods + [.options]))
        return response
    }

    private static func allowValue(_ methods: [HTTPMethod]) -> String {
        var unique: [HTTPMethod] = []
        for method in methods where !unique.contains(method) { unique.append(method) }
        return unique.map(\.rawValue).joined(separator: ", ")
    }
}
