import CruiseControl
import Foundation
import HTTPClient
import TestSupport
import Testing

/// The client against a scripted peer answering what Cruise Control never should: each answer
/// becomes a clear typed error, and nothing is retried that could start a second task.
@Suite struct HostileCruiseControlTests {
    static func client(
        _ peer: ScriptedHTTPPeer, clock: SteppedClock = SteppedClock(),
        configure: (inout CruiseControlClientConfiguration) -> Void = { _ in }
    ) throws -> CruiseControlRESTClient {
        var configuration = CruiseControlClientConfiguration(
            url: peer.url, retryPolicy: SimulatedCruiseControl.retries, maxResponseBytes: 1 << 20)
        configure(&configuration)
        return try CruiseControlRESTClient(configuration: configuration, clock: clock.retryClock)
    }

    static func broker(_ id: String) -> String {
        #"{"Host":"h","Broker":\#(id),"Rack":"r","BrokerState":"ALIVE","DiskMB":1.0,"DiskPct":1.0,"CpuPct":1.0,"#
            + #""LeaderNwInRate":1.0,"FollowerNwInRate":1.0,"NwOutRate":1.0,"PnwOutRate":1.0,"Replicas":3,"#
            + #""Leaders":1,"DiskCapacityMB":10.0,"NetworkInCapacity":10.0,"NetworkOutCapacity":10.0,"NumCore":1.0}"#
    }

    /// A proposal in the spec's shape: nine replicas to move.
    static let result =
        #"{"summary":{"numReplicaMovements":9,"dataToMoveMB":1024,"numIntraBrokerReplicaMovements":0,"#
        + #""intraBrokerDataToMoveMB":0,"numLeaderMovements":0,"recentWindows":1,"monitoredPartitionsPercentage":100.0,"#
        + #""excludedTopics":[],"excludedBrokersForReplicaMove":[],"excludedBrokersForLeadership":[],"#
        + #""onDemandBalancednessScoreBefore":80.0,"onDemandBalancednessScoreAfter":100.0,"#
        + #""provisionStatus":"RIGHT_SIZED","provisionRecommendation":""},"#
        + #""goalSummary":[{"goal":"ReplicaDistributionGoal","status":"FIXED","clusterModelStats":{},"optimizationTimeMs":1}],"#
        + #""loadAfterOptimization":{"hosts":[],"brokers":[\#(broker("3"))]},"version":1}"#

    static let progress =
        #"{"version":1,"progress":[{"version":1,"operation":"Add brokers","operationProgress":[{"step":"OPTIMIZING","description":"x","time-in-ms":5,"completionPercentage":0.0}]}]}"#

    struct Row: Sendable, CustomStringConvertible {
        var description: String
        var reply: ScriptedHTTPPeer.Reply
        /// The part of the error's description that must be there.
        var says: String
    }

    static let stateRows: [Row] = [
        Row(
            description: "not JSON",
            reply: .respond(status: 200, headers: [], body: Array("<html>ok</html>".utf8)),
            says: "not JSON"),
        Row(
            description: "truncated JSON", reply: .json(200, #"{"ExecutorState":{"state":"NO_TASK"#),
            says: "not JSON"),
        Row(
            description: "an empty object", reply: .json(200, "{}"),
            says: "MonitorState, ExecutorState, AnalyzerState: missing"),
        Row(
            description: "a number where a string belongs",
            reply: .json(200, #"{"ExecutorState":{"state":5}}"#),
            says: "ExecutorState.state: expected a string, found a number"),
        Row(
            description: "an executor state Cruise Control does not have",
            reply: .json(200, #"{"ExecutorState":{"state":"DANCING"}}"#),
            says: "unknown executor state DANCING"),
        Row(
            description: "an array where an object belongs", reply: .json(200, "[1,2,3]"),
            says: "expected an object, found an array"),
        Row(
            description: "nesting past the reader's bound",
            reply: .json(200, String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
            says: "deeper than"),
        Row(
            description: "a duplicate key",
            reply: .json(200, #"{"ExecutorState":{"state":"NO_TASK_IN_PROGRESS","state":"x"}}"#),
            says: "appears twice"),
    ]

    @Test(arguments: stateRows)
    func aMalformedStateIsATypedErrorThatNamesTheProblem(row: Row) async throws {
        let peer = try ScriptedHTTPPeer(replies: [row.reply])
        defer { peer.stop() }
        let client = try Self.client(peer)
        do throws(CruiseControlClientError) {
            _ = try await client.state(substates: [.executor, .monitor, .analyzer])
            Issue.record("expected an error")
        } catch {
            guard case .malformedResponse(let call, _) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(call == "GET /state")
            #expect(error.description.contains(row.says), "\(error)")
            #expect(!error.isRetryable)
        }
        #expect(peer.requests.count == 1)
    }

    static let typeRows: [Row] = [
        Row(
            description: "a broker id that is not a number",
            reply: .json(
                200,
                #"{"userTasks":[{"UserTaskId":"a","RequestURL":"u","ClientIdentity":"c","StartMs":"x","Status":"Active"}]}"#
            ),
            says: "userTasks[0].StartMs: expected milliseconds"),
        Row(
            description: "a status Cruise Control does not have",
            reply: .json(
                200,
                #"{"userTasks":[{"UserTaskId":"a","RequestURL":"u","ClientIdentity":"c","StartMs":"1","Status":"Done"}]}"#
            ),
            says: "unknown task status Done"),
        Row(
            description: "a list that is a string", reply: .json(200, #"{"userTasks":"none"}"#),
            says: "userTasks: expected an array, found a string"),
    ]

    @Test(arguments: typeRows)
    func wrongTypesInUserTasksAreTypedErrors(row: Row) async throws {
        let peer = try ScriptedHTTPPeer(replies: [row.reply])
        defer { peer.stop() }
        let client = try Self.client(peer)
        await #expect {
            _ = try await client.userTasks(ids: [], fetchCompletedTask: false)
        } throws: { error in
            guard case .malformedResponse = error as? CruiseControlClientError else { return false }
            return "\(error)".contains(row.says)
        }
    }

    @Test func brokerKeysThatAreNotIDsAndCountsOutOfRangeAreRefused() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .json(
                200, #"{"KafkaBrokerState":{"ReplicaCountByBrokerId":{"zero":1}},"KafkaPartitionState":{}}"#),
            .json(200, #"{"hosts":[],"brokers":[\#(Self.broker("99999999999"))]}"#),
        ])
        defer { peer.stop() }
        let client = try Self.client(peer)
        await #expect {
            _ = try await client.kafkaClusterState(verbose: false)
        } throws: {
            "\($0)".contains("KafkaBrokerState.ReplicaCountByBrokerId.zero: zero is not a broker id")
        }
        await #expect {
            _ = try await client.load(populateDiskInfo: false)
        } throws: { "\($0)".contains("brokers[0].Broker: 99999999999 is out of range") }
    }

    @Test func aHugeAnswerIsRefusedWhetherItsLengthIsDeclaredOrNot() async throws {
        let huge = "{\"pad\":\"" + String(repeating: "x", count: 2 << 20) + "\"}"
        let peer = try ScriptedHTTPPeer(replies: [
            .json(200, huge),
            .stream(
                status: 200, headers: [],
                steps: (0..<40).map { _ in .send(String(repeating: "y", count: 64 << 10)) }),
        ])
        defer { peer.stop() }
        let client = try Self.client(peer)
        for _ in 0..<2 {
            await #expect(
                throws: CruiseControlClientError.responseTooLarge(
                    call: "GET /kafka_cluster_state", limit: 1 << 20)
            ) {
                _ = try await client.kafkaClusterState(verbose: false)
            }
        }
        #expect(peer.requests.count == 2)
    }

    @Test func a202WithoutATaskIDCannotBeFollowed() async throws {
        let peer = try ScriptedHTTPPeer(replies: [.json(202, Self.progress)])
        defer { peer.stop() }
        let client = try Self.client(peer)
        await #expect {
            _ = try await client.addBroker([3], dryRun: true, waitingUpTo: .seconds(60))
        } throws: { "\($0)".contains("a 202 answer without a User-Task-ID header") }
    }

    @Test func aPostWhoseAnswerIsLostIsNotSentAgain() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .close, .json(202, Self.progress, headers: [("User-Task-ID", "t-1")]),
        ])
        defer { peer.stop() }
        let client = try Self.client(peer)
        do throws(CruiseControlClientError) {
            _ = try await client.addBroker([3], dryRun: false)
            Issue.record("expected an error")
        } catch {
            guard case .outcomeUnknown(let call, _) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(call == "POST /add_broker")
            #expect(!error.isRetryable)
        }
        #expect(peer.requests.count == 1)
    }

    @Test func aPostAnsweredWithCruiseControlsProcessingErrorIsNotSentAgain() async throws {
        let refusal =
            #"{"version":1,"stackTrace":"","errorMessage":"Error processing POST request '/rebalance' due to: 'java.lang.IllegalStateException: Cannot start a new execution while there is an ongoing execution.'."}"#
        let peer = try ScriptedHTTPPeer { _ in .json(500, refusal) }
        defer { peer.stop() }
        let client = try Self.client(peer)
        await #expect {
            _ = try await client.rebalance(dryRun: false)
        } throws: { error in
            guard case .refused("POST /rebalance", 500, let message) = error as? CruiseControlClientError
            else {
                return false
            }
            return message.contains("ongoing execution")
        }
        #expect(peer.requests.count == 1)
    }

    @Test func aReadIsRetriedAfterAGatewayErrorButNotAfterCruiseControlsRefusal() async throws {
        let state = #"{"ExecutorState":{"state":"NO_TASK_IN_PROGRESS"},"version":1}"#
        let peer = try ScriptedHTTPPeer(replies: [
            .respond(status: 502, headers: [], body: Array("bad gateway".utf8)), .json(200, state),
            .json(
                500,
                #"{"version":1,"stackTrace":"","errorMessage":"Error processing GET request '/state' due to: 'boom'."}"#
            ),
        ])
        defer { peer.stop() }
        let client = try Self.client(peer)
        #expect(try await client.state(substates: [.executor]).executor?.phase == .noTaskInProgress)
        await #expect {
            _ = try await client.state(substates: [.executor])
        } throws: { error in
            guard case .refused(_, 500, _) = error as? CruiseControlClientError else { return false }
            return true
        }
        #expect(peer.requests.count == 3)
    }

    @Test func followingATaskByItsIDIsRetriedAfterALostAnswer() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .close, .json(200, Self.result, headers: [("User-Task-ID", "t-1")]),
        ])
        defer { peer.stop() }
        let client = try Self.client(peer)
        let answer = try await client.submit(
            .addBroker([3], dryRun: false), userTaskID: "t-1", waitingUpTo: .zero)
        #expect(answer.userTaskID == "t-1")
        #expect(answer.result?.summary.replicaMovements == 9)
        #expect(peer.requests.count == 2)
        #expect(peer.requests.allSatisfy { $0.header("User-Task-ID") == "t-1" })
    }

    @Test func anOutageAfterTheTaskIDIsKnownEndsTheWaitWithTheID() async throws {
        let peer = try ScriptedHTTPPeer { request in
            request.header("User-Task-ID") == nil
                ? .json(202, Self.progress, headers: [("User-Task-ID", "t-7")]) : .close
        }
        defer { peer.stop() }
        let client = try Self.client(peer)
        let answer = try await client.addBroker([3], dryRun: false, waitingUpTo: .seconds(60))
        guard case .inProgress("t-7", let progress) = answer else {
            Issue.record("got \(answer)")
            return
        }
        #expect(progress.first?.operation == "Add brokers")
        // One POST, then its repeats with the id: retried, as they cannot start a task (libcurl
        // itself sends once more when a kept connection closes unanswered).
        let requests = peer.requests
        #expect(requests.filter { $0.header("User-Task-ID") == nil }.count == 1)
        #expect(
            requests.filter { $0.header("User-Task-ID") == "t-7" }.count
                >= SimulatedCruiseControl.retries.maxAttempts)
    }

    @Test func aPostAfterAKeptConnectionIsNotResentWhenItsConnectionCloses() async throws {
        let peer = try ScriptedHTTPPeer { request in
            request.method == "POST" ? .close : .json(200, #"{"userTasks":[],"version":1}"#)
        }
        defer { peer.stop() }
        let client = try Self.client(peer)
        _ = try await client.userTasks(ids: [], fetchCompletedTask: false)
        await #expect {
            _ = try await client.removeBroker([1], dryRun: false)
        } throws: { error in
            guard case .outcomeUnknown = error as? CruiseControlClientError else { return false }
            return true
        }
        #expect(peer.requests.filter { $0.method == "POST" }.count == 1)
    }

    @Test func anAnswerForAnotherTaskIsRefused() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .json(202, Self.progress, headers: [("User-Task-ID", "t-2")])
        ])
        defer { peer.stop() }
        let client = try Self.client(peer)
        await #expect {
            _ = try await client.submit(.addBroker([3], dryRun: true), userTaskID: "t-1", waitingUpTo: .zero)
        } throws: { "\($0)".contains("the answer is for user task t-2, not t-1") }
    }

    @Test func aNonJSONErrorKeepsItsStatusAndTheStartOfItsBody() async throws {
        let peer = try ScriptedHTTPPeer(replies: [
            .respond(status: 404, headers: [], body: Array(String(repeating: "not found ", count: 500).utf8))
        ])
        defer { peer.stop() }
        let client = try Self.client(peer)
        await #expect {
            _ = try await client.load(populateDiskInfo: false)
        } throws: { error in
            guard case .unexpectedStatus("GET /load", 404, let body) = error as? CruiseControlClientError
            else {
                return false
            }
            return body.hasPrefix("not found") && body.utf8.count <= 512
        }
    }

    @Test func aPeerThatNeverAnswersTimesOutAndTheCallSaysSo() async throws {
        let peer = try ScriptedHTTPPeer { _ in .hang }
        defer { peer.stop() }
        let client = try Self.client(peer) {
            $0.requestTimeout = .milliseconds(300)
            $0.retryPolicy = .never
        }
        await #expect(
            throws: CruiseControlClientError.timedOut(call: "GET /user_tasks", after: .milliseconds(300))
        ) {
            _ = try await client.userTasks(ids: [], fetchCompletedTask: false)
        }
    }

    @Test func cancellingACallEndsItAsCancelled() async throws {
        let peer = try ScriptedHTTPPeer { _ in .hang }
        defer { peer.stop() }
        let client = try Self.client(peer)
        let call = Task { try await client.kafkaClusterState(verbose: false) }
        #expect(await waitUntil(timeout: .seconds(5)) { peer.requests.count == 1 })
        call.cancel()
        let result = await call.result
        guard case .failure(let error) = result else {
            Issue.record("got \(result)")
            return
        }
        #expect(error as? CruiseControlClientError == .cancelled(call: "GET /kafka_cluster_state"))
    }
}
