import AddressResolution
import HTTPClient
import TestSupport
import Testing

@testable import CruiseControl

/// What the client sends, and what it refuses to send.
@Suite struct CruiseControlRequestTests {
    @Test func anOperationGoesToTheServiceNameThroughTheResolverWithJSONAndItsDryRun() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .json(202, HostileCruiseControlTests.progress, headers: [("User-Task-ID", "t-1")])
        ])
        defer { peer.stop() }
        let map = AddressMap([
            ServiceAddress(host: "cc.kafka.svc.cluster.local", port: 8090):
                ServiceAddress(host: "127.0.0.1", port: peer.port)
        ])
        let client = try CruiseControlRESTClient(
            configuration: CruiseControlClientConfiguration(
                url: "http://cc.kafka.svc.cluster.local:8090", resolver: map))
        let answer = try await client.addBroker(
            [3, 4], dryRun: false, options: OptimizationOptions(excludedTopics: "__.*"))
        #expect(
            answer
                == .inProgress(
                    userTaskID: "t-1",
                    progress: [
                        OperationProgress(
                            operation: "Add brokers",
                            steps: [
                                .init(step: "OPTIMIZING", description: "x", timeMs: 5, completionPercent: 0)
                            ])
                    ]))
        let request = try #require(peer.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/kafkacruisecontrol/add_broker")
        #expect(request.query == "brokerid=3%2C4&dryrun=false&excluded_topics=__.%2A&json=true")
        #expect(request.header("Host") == "cc.kafka.svc.cluster.local:8090")
        #expect(request.header("Accept") == "application/json")
        #expect(request.header("User-Agent") == "kafka-operator/0.1.0")
        #expect(request.header("User-Task-ID") == nil)
    }

    @Test func aURLWithAPathKeepsItAndReadsAreGets() async throws {
        let peer = try ScriptedHTTPPeer(replies: [.json(200, #"{"userTasks":[],"version":1}"#)])
        defer { peer.stop() }
        let client = try CruiseControlRESTClient(
            configuration: CruiseControlClientConfiguration(url: peer.url + "/cc/"))
        #expect(client.baseURL == peer.url + "/cc")
        #expect(try await client.userTasks(ids: ["a", "b"], fetchCompletedTask: true).isEmpty)
        #expect(peer.requests.first?.method == "GET")
        #expect(
            peer.requests.first?.target
                == "/cc/user_tasks?user_task_ids=a%2Cb&fetch_completed_task=true&json=true")
    }

    @Test func jsonIsAlwaysTrueWhateverTheParametersSay() {
        let request = CruiseControlRequest(
            endpoint: .load, parameters: [.init("JSON", "false"), .init("populate_disk_info", "true")])
        #expect(request.value("json") == "true")
        #expect(request.parameters.filter { $0.name.lowercased() == "json" }.count == 1)
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var description: String
        var call: @Sendable (CruiseControlRESTClient) async throws -> Void
        var says: String
    }

    static let refusals: [Refusal] = [
        Refusal(
            description: "add_broker without brokers",
            call: { _ = try await $0.addBroker([], dryRun: false) },
            says: "POST /add_broker needs at least one broker id (brokerid)"),
        Refusal(
            description: "remove_broker without brokers",
            call: { _ = try await $0.removeBroker([], dryRun: true) },
            says: "needs at least one broker id"),
        Refusal(
            description: "remove_disks without disks",
            call: { _ = try await $0.removeDisks([:], dryRun: false) },
            says: "needs at least one broker and log directory"),
        Refusal(
            description: "remove_disks with a comma in a directory",
            call: { _ = try await $0.removeDisks([1: ["/a,b"]], dryRun: false) },
            says: "may not contain a comma"),
        Refusal(
            description: "an operation without dryrun",
            call: {
                _ = try await $0.submit(
                    CruiseControlRequest(endpoint: .rebalance, parameters: []), userTaskID: nil,
                    waitingUpTo: .zero)
            },
            says: "needs an explicit dry-run choice (dryrun)"),
        Refusal(
            description: "proposals with an execution option",
            call: { _ = try await $0.proposals(options: OptimizationOptions(replicationThrottle: 1000)) },
            says: "GET /proposals does not take replication_throttle"),
        Refusal(
            description: "a read through submit",
            call: { _ = try await $0.submit(.state(), userTaskID: nil, waitingUpTo: .zero) },
            says: "is not an operation"),
        Refusal(
            description: "an empty task id",
            call: { _ = try await $0.submit(.rebalance(dryRun: true), userTaskID: "", waitingUpTo: .zero) },
            says: "an empty User-Task-ID"),
    ]

    @Test(arguments: refusals)
    func aRequestCruiseControlWouldRefuseIsNotSent(refusal: Refusal) async throws {
        let peer = try ScriptedHTTPPeer { _ in .json(200, "{}") }
        defer { peer.stop() }
        let client = try CruiseControlRESTClient(
            configuration: CruiseControlClientConfiguration(url: peer.url))
        await #expect {
            try await refusal.call(client)
        } throws: { error in
            guard case .invalidRequest = error as? CruiseControlClientError else { return false }
            return "\(error)".contains(refusal.says)
        }
        #expect(peer.requests.isEmpty)
    }

    @Test(arguments: [
        ("ftp://cc:8090", "is not an http:// or https:// URL"),
        ("http://:8090", "has no valid host and port"),
        ("http://cc:8090/kafkacruisecontrol?json=true", "has a query or fragment"),
    ])
    func anUnusableURLIsAConfigurationError(url: String, says: String) {
        #expect {
            _ = try CruiseControlRESTClient(configuration: CruiseControlClientConfiguration(url: url))
        } throws: { error in
            guard case .configuration = error as? CruiseControlClientError else { return false }
            return "\(error)".contains(says)
        }
    }

    @Test func pollsBackOffFromTheIntervalToItsMaximum() {
        let configuration = CruiseControlClientConfiguration(url: "http://cc:8090")
        let pauses = (0..<8).map { configuration.pause(beforePoll: $0) }
        #expect(
            pauses == [
                .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10), .seconds(10),
                .seconds(10),
            ])
    }
}
