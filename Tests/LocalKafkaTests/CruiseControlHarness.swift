import HTTPServer
import JSON
import LocalKafka
import Logging
import TestSupport

/// The example cluster with broker 3 added, a simulated Cruise Control over it, and a way to
/// call it in process (through its router) or over loopback (`serve`).
struct CruiseControlHarness {
    let clock: any SimulationClock
    let simulation: ClusterSimulation
    let simulator: CruiseControlSimulator
    let router: Router
    /// The session cookie Cruise Control set, sent back as a browser or `requests` would.
    let session = LockedBox<String?>(nil)

    init(
        clock: any SimulationClock = ManualClock(),
        configuration: CruiseControlSimulator.Configuration = .init(proposalComputationMilliseconds: 0),
        bytesPerSecond: Double = 64 * 1_048_576
    ) throws {
        self.clock = clock
        var cluster = try ExampleCluster.cluster(
            now: clock.nowMilliseconds(), timing: .init(replicationBytesPerSecond: bytesPerSecond))
        try cluster.addBroker(SimulatedBroker(id: 3, host: "kafka-3", logDirs: ["/kafka-logs/kafka"]))
        simulation = ClusterSimulation(cluster: cluster, clock: clock)
        simulator = CruiseControlSimulator(simulation: simulation, clock: clock, configuration: configuration)
        router = simulator.routes()
    }

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var json: JSONValue
        var errorMessage: String? { if case .string(let text) = json["errorMessage"] { text } else { nil } }
    }

    /// Calls `method path?query` through the router, as the server would.
    func call(
        _ method: HTTPMethod, _ endpoint: String, _ query: [(String, String)] = [], headers: HTTPHeaders = [:]
    ) async throws -> Answer {
        let path = "/kafkacruisecontrol/\(endpoint)"
        guard case .found(let handler, _, _) = router.match(method: method, path: path) else {
            throw HarnessError.noRoute(path)
        }
        var headers = headers
        if let cookie = session.get() { headers.add(name: "Cookie", value: cookie) }
        let request = HTTPRequest(
            method: method, target: path, path: path, query: query.map { (name: $0.0, value: $0.1) },
            headers: headers, remoteAddress: "127.0.0.1:40000")
        let response = await handler(request)
        if let cookie = response.headers["Set-Cookie"]?.split(separator: ";").first {
            session.set(String(cookie))
        }
        return Answer(
            status: response.status.code, headers: response.headers, json: try JSONReader.parse(response.body)
        )
    }

    enum HarnessError: Error { case noRoute(String) }

    /// The clock, for the tests that move it by hand.
    var manualClock: ManualClock { clock as! ManualClock }

    /// Serves the simulator on a loopback port for the duration of `body`.
    func serve<T>(_ body: (UInt16) async throws -> T) async throws -> T {
        var logger = Logger(label: "cruise-control-test")
        logger.logLevel = .critical
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(listeners: [HTTPListener(host: "127.0.0.1", port: 0)]),
            router: router, logger: logger)
        let task = Task { try await server.run() }
        do {
            let port = try await server.boundAddresses()[0].port
            let result = try await body(port)
            task.cancel()
            _ = try? await task.value
            return result
        } catch {
            task.cancel()
            _ = try? await task.value
            throw error
        }
    }
}

extension JSONValue {
    var stringValue: String? { if case .string(let text) = self { text } else { nil } }
    var arrayValue: [JSONValue] { if case .array(let items) = self { items } else { [] } }
    var intValue: Int? { if case .number(let text) = self { Int(text) } else { nil } }
}
