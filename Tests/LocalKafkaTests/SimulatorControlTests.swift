import HTTPServer
import JSON
import LocalKafka
import TestSupport
import Testing

/// The simulator control endpoint: it sets the synthetic load only from a body that is exactly
/// what it asks for, and a refusal changes nothing.
@Suite struct SimulatorControlTests {
    static func simulation() throws -> ClusterSimulation {
        let clock = ManualClock()
        return ClusterSimulation(
            cluster: try ExampleCluster.cluster(now: clock.nowMilliseconds()), clock: clock)
    }

    /// Calls the route in process, as the server would.
    static func call(_ router: Router, _ method: HTTPMethod, body: String = "") async throws -> (
        Int, JSONValue
    ) {
        guard case .found(let handler, _, _) = router.match(method: method, path: SimulatorControl.loadPath)
        else {
            Issue.record("no route for \(method)")
            return (0, .null)
        }
        let response = await handler(
            HTTPRequest(
                method: method, target: SimulatorControl.loadPath, path: SimulatorControl.loadPath,
                body: Array(body.utf8)))
        #expect(response.headers["Content-Type"] == "application/json")
        return (response.status.code, try JSONReader.parse(response.body))
    }

    static func rates(_ cluster: SimulatedCluster, _ topic: String) -> [Double] {
        cluster.sortedPartitions.filter { $0.topic == topic }.map { cluster.partitions[$0]!.bytesInPerSecond }
    }

    @Test func aTopicsRateIsSpreadOverItsPartitions() async throws {
        let simulation = try Self.simulation()
        let router = SimulatorControl(simulation: simulation).routes()
        let before = await simulation.snapshot()
        let (status, json) = try await Self.call(
            router, .put, body: #"{"topic":"orders","bytesInPerSecond":90000000}"#)
        #expect(status == 200)
        let after = await simulation.snapshot()
        #expect(Self.rates(after, "orders") == Array(repeating: 15_000_000, count: 6))
        // Bytes out and the other topics stay as they were.
        #expect(
            after.sortedPartitions.filter { $0.topic == "orders" }.map {
                after.partitions[$0]!.bytesOutPerSecond
            }
                == before.sortedPartitions.filter { $0.topic == "orders" }.map {
                    before.partitions[$0]!.bytesOutPerSecond
                })
        #expect(Self.rates(after, "payments") == Self.rates(before, "payments"))
        let load = try SyntheticLoad(json: json)
        #expect(load == SyntheticLoad(of: after))
        #expect(load.topics.first { $0.topic == "orders" }?.bytesInPerSecond == 90_000_000)
        // GET answers the same document.
        #expect(try await Self.call(router, .get).1 == json)
    }

    @Test func withoutATopicTheWholeClusterIsSet() async throws {
        let simulation = try Self.simulation()
        let router = SimulatorControl(simulation: simulation).routes()
        let (status, json) = try await Self.call(router, .put, body: #"{"bytesOutPerSecond":1.6e6}"#)
        #expect(status == 200)
        let cluster = await simulation.snapshot()
        #expect(cluster.partitions.values.allSatisfy { $0.bytesOutPerSecond == 100_000 })
        #expect(json["bytesOutPerSecond"] == .number("1600000"))
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var status: Int
        var says: String
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        .init(name: "empty body", body: "", status: 400, says: "not JSON"),
        .init(name: "not JSON", body: "bytesInPerSecond=5", status: 400, says: "not JSON"),
        .init(name: "an array", body: "[1]", status: 400, says: "must be a JSON object"),
        .init(name: "no rate", body: #"{"topic":"orders"}"#, status: 400, says: "give bytesInPerSecond"),
        .init(name: "empty object", body: "{}", status: 400, says: "give bytesInPerSecond"),
        .init(name: "negative", body: #"{"bytesInPerSecond":-1}"#, status: 400, says: "must not be negative"),
        .init(name: "too large", body: #"{"bytesInPerSecond":1e13}"#, status: 400, says: "above the limit"),
        .init(
            name: "past a double", body: #"{"bytesInPerSecond":1e400}"#, status: 400, says: "above the limit"),
        .init(name: "NaN", body: #"{"bytesInPerSecond":NaN}"#, status: 400, says: "not JSON"),
        .init(name: "Infinity", body: #"{"bytesInPerSecond":Infinity}"#, status: 400, says: "not JSON"),
        .init(name: "a unit", body: #"{"bytesInPerSecond":"80MB"}"#, status: 400, says: "must be a number"),
        .init(name: "null rate", body: #"{"bytesInPerSecond":null}"#, status: 400, says: "must be a number"),
        .init(
            name: "a number for topic", body: #"{"topic":7,"bytesInPerSecond":1}"#, status: 400,
            says: "a string"),
        .init(
            name: "an empty topic", body: #"{"topic":"","bytesInPerSecond":1}"#, status: 400,
            says: "not a topic"),
        .init(
            name: "a topic too long",
            body: #"{"topic":""# + String(repeating: "a", count: 250) + #"","bytesInPerSecond":1}"#,
            status: 400, says: "not a topic"),
        .init(
            name: "another field", body: #"{"bytesInPerSecond":1,"colour":"red"}"#, status: 400,
            says: "unknown field"),
        .init(
            name: "a field twice", body: #"{"bytesInPerSecond":1,"bytesInPerSecond":2}"#, status: 400,
            says: "not JSON"),
        .init(name: "trailing bytes", body: #"{"bytesInPerSecond":1} x"#, status: 400, says: "not JSON"),
        .init(
            name: "deep nesting", body: String(repeating: "[", count: 10_000), status: 400, says: "not JSON"),
        .init(
            name: "unknown topic", body: #"{"topic":"nope","bytesInPerSecond":1}"#, status: 404,
            says: "does not exist"),
        .init(
            name: "a topic that only differs in case", body: #"{"topic":"ORDERS","bytesInPerSecond":1}"#,
            status: 404, says: "does not exist"),
    ]

    @Test(arguments: refusals)
    func aRefusalSaysWhyAndChangesNothing(_ row: Refusal) async throws {
        let simulation = try Self.simulation()
        let router = SimulatorControl(simulation: simulation).routes()
        let before = await simulation.snapshot()
        let (status, json) = try await Self.call(router, .put, body: row.body)
        #expect(status == row.status)
        guard case .string(let message)? = json["error"] else {
            Issue.record("no error message: \(json)")
            return
        }
        #expect(message.contains(row.says), "\(message)")
        #expect(await simulation.snapshot() == before)
    }

    /// Over HTTP the server's own limits hold too: an oversized body is refused before it is
    /// read, other methods and paths are not there.
    @Test func overHTTPTheServerRefusesWhatIsNotARequestForIt() async throws {
        let simulation = try Self.simulation()
        let before = await simulation.snapshot()
        try await withSimulatorEndpoints(simulation) { endpoints in
            let huge = #"{"topic":""# + String(repeating: "a", count: 8_000) + #"","bytesInPerSecond":1}"#
            #expect(try await endpoints.control("PUT", body: huge).status == 413)
            #expect(try await endpoints.control("POST", body: #"{"bytesInPerSecond":1}"#).status == 405)
            #expect(try await endpoints.control("DELETE").status == 405)
            let other = try await SimulatorEndpoints.exchange(
                port: endpoints.controlPort,
                "GET /kafkacruisecontrol/state HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(other.status == 404)
            #expect(await simulation.snapshot() == before)
            let set = try await endpoints.control("PUT", body: #"{"topic":"audit-log","bytesInPerSecond":3}"#)
            #expect(set.status == 200)
            #expect(
                await simulation.snapshot().partitions[TopicPartition("audit-log", 0)]?.bytesInPerSecond == 1)
        }
    }
}

/// The simulator counts what its Cruise Control receives, so a client's polling can be measured
/// where it lands.
@Suite struct CruiseControlRequestCountTests {
    static func counts(_ router: Router) async throws -> JSONValue {
        let path = SimulatorControl.cruiseControlRequestsPath
        guard case .found(let handler, _, _) = router.match(method: .get, path: path) else {
            Issue.record("no route for \(path)")
            return .null
        }
        let response = await handler(HTTPRequest(method: .get, target: path, path: path))
        #expect(response.status == .ok)
        return try JSONReader.parse(response.body)
    }

    @Test func everyRequestIsCountedByEndpointRefusedOnesToo() async throws {
        let harness = try CruiseControlHarness()
        let control = SimulatorControl(simulation: harness.simulation, cruiseControl: harness.simulator)
            .routes()
        #expect(
            try await Self.counts(control) == .object([("total", .number("0")), ("endpoints", .object([]))]))
        _ = try await harness.call(.get, "state", [("json", "true")])
        _ = try await harness.call(.get, "state", [("json", "true")])
        // An unknown parameter is refused by Cruise Control, and still reached it.
        let refused = try await harness.call(.get, "user_tasks", [("no_such_parameter", "1")])
        #expect(refused.status == 400)
        #expect(
            try await Self.counts(control)
                == .object([
                    ("total", .number("3")),
                    ("endpoints", .object([("state", .number("2")), ("user_tasks", .number("1"))])),
                ]))
    }

    @Test func withoutCruiseControlThereIsNoCountRoute() throws {
        let control = SimulatorControl(simulation: try SimulatorControlTests.simulation()).routes()
        guard case .found = control.match(method: .get, path: SimulatorControl.cruiseControlRequestsPath)
        else { return }
        Issue.record("a count route without a Cruise Control simulator")
    }
}
