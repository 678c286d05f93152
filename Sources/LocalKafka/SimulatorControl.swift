import HTTPServer
import JSON

/// The simulator's own control endpoint, apart from anything a real peer serves: it sets the
/// synthetic load that the brokers' metrics and Cruise Control's loads report, so a person can
/// make an alert fire in local mode.
///
/// - `GET /simulator/load`: every topic's partitions and bytes in and out per second.
/// - `PUT /simulator/load` with `{"topic":"orders","bytesInPerSecond":80000000}` (without
///   `topic`, the whole cluster; a rate left out stays): sets the rates, spread evenly over the
///   partitions, and answers the load as `GET` does. Unknown topic 404; a body that is not
///   exactly that (other fields, a rate that is negative, not a number or above 1e12) 400;
///   nothing changes on a refusal.
/// - `GET /simulator/cruise-control/requests` (with a Cruise Control simulator): how many
///   requests it has received since it started, by endpoint,
///   `{"total":9,"endpoints":{"add_broker":1,"user_tasks":8}}`, so the polling of a client can
///   be measured where it lands.
public struct SimulatorControl: Sendable {
    public static let loadPath = "/simulator/load"
    public static let cruiseControlRequestsPath = "/simulator/cruise-control/requests"
    public let simulation: ClusterSimulation
    public let cruiseControl: CruiseControlSimulator?

    public init(simulation: ClusterSimulation, cruiseControl: CruiseControlSimulator? = nil) {
        self.simulation = simulation
        self.cruiseControl = cruiseControl
    }

    public func routes() -> Router {
        var router = Router()
        router.add(.get, Self.loadPath) { [simulation] _ in
            Self.respond(.ok, SyntheticLoad(of: await simulation.snapshot()).json)
        }
        router.add(.put, Self.loadPath) { [simulation] request in
            await Self.setLoad(request.body, simulation: simulation)
        }
        if let cruiseControl {
            router.add(.get, Self.cruiseControlRequestsPath) { _ in
                Self.respond(.ok, Self.requestCountsJSON(await cruiseControl.requestCounts()))
            }
        }
        return router
    }

    static func requestCountsJSON(_ counts: [CruiseControlEndpoint: Int]) -> JSONValue {
        let sorted = counts.sorted { $0.key.rawValue < $1.key.rawValue }
        return .object([
            ("total", .number("\(counts.values.reduce(0, +))")),
            ("endpoints", .object(sorted.map { ($0.key.rawValue, JSONValue.number("\($0.value)")) })),
        ])
    }

    static func setLoad(_ body: [UInt8], simulation: ClusterSimulation) async -> HTTPResponse {
        let change: SyntheticLoadChange
        do { change = try SyntheticLoadChange(body: body) } catch { return refusal(error) }
        let outcome: Result<SyntheticLoad, SyntheticLoadError>
        do {
            outcome = try await simulation.update {
                (cluster) throws(SimulatedClusterError) -> Result<SyntheticLoad, SyntheticLoadError> in
                var changed = cluster
                do throws(SyntheticLoadError) { try change.apply(to: &changed) } catch {
                    return .failure(error)
                }
                cluster = changed
                return .success(SyntheticLoad(of: cluster))
            }
        } catch {
            // The closure throws nothing of the cluster's: every refusal is the change's.
            return respond(.internalServerError, .object([("error", .string("\(error)"))]))
        }
        switch outcome {
        case .success(let load): return respond(.ok, load.json)
        case .failure(let error): return refusal(error)
        }
    }

    private static func refusal(_ error: SyntheticLoadError) -> HTTPResponse {
        respond(error.isNotFound ? .notFound : .badRequest, .object([("error", .string(error.description))]))
    }

    private static func respond(_ status: HTTPStatus, _ body: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body.encoded())
    }
}
