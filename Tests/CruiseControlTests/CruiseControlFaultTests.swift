import CruiseControl
import HTTPClient
import LocalKafka
import TestSupport
import Testing

/// The simulator's fault injection against the client: what is retried, and what becomes a
/// typed error — never a success.
@Suite struct CruiseControlFaultTests {
    @Test func unavailableAnswersAreRetriedWithBackoffUntilCruiseControlAnswers() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        cruiseControl.simulator.faults.failNextRequests(2)
        try await cruiseControl.withClient { client in
            let state = try await client.state(substates: [.executor])
            #expect(state.executor?.phase == .noTaskInProgress)
            let backoffs = cruiseControl.clock.sleeps
            #expect(backoffs.count == 2)
            #expect(
                backoffs.count == 2 && backoffs[0] <= .milliseconds(100) && backoffs[1] <= .milliseconds(200))
        }
    }

    @Test func anOperationRefusedAsUnavailableIsSentAgainAndStartsOneTask() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        cruiseControl.simulator.faults.failNextRequests(1)
        try await cruiseControl.withClient { client in
            let answer = try await client.addBroker([3], dryRun: true, waitingUpTo: .seconds(60))
            #expect(answer.result != nil)
            let tasks = try await client.userTasks(ids: [], fetchCompletedTask: false)
            #expect(tasks.filter { $0.requestURL.contains("add_broker") }.count == 1)
        }
    }

    @Test func anUnavailableCruiseControlIsATypedRetryableErrorOnceTheRetriesAreSpent() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        cruiseControl.simulator.faults.makeUnavailable()
        try await cruiseControl.withClient { client in
            do throws(CruiseControlClientError) {
                _ = try await client.addBroker([3], dryRun: false)
                Issue.record("expected an error")
            } catch {
                guard case .refused(let call, 503, let message) = error else {
                    Issue.record("got \(error)")
                    return
                }
                #expect(call == "POST /add_broker")
                #expect(message == "Cruise Control is unavailable.")
                #expect(error.isRetryable)
            }
            #expect(cruiseControl.clock.sleeps.count == SimulatedCruiseControl.retries.maxAttempts - 1)
        }
    }

    @Test func aRefusedConnectionIsRetriedThenATypedTransportError() async throws {
        let clock = SteppedClock()
        let client = try CruiseControlRESTClient(
            configuration: CruiseControlClientConfiguration(
                url: "http://127.0.0.1:\(freeLoopbackPort())", retryPolicy: SimulatedCruiseControl.retries),
            clock: clock.retryClock)
        do throws(CruiseControlClientError) {
            // A POST: never sent, so sending it again is safe.
            _ = try await client.removeBroker([1], dryRun: false)
            Issue.record("expected an error")
        } catch {
            guard case .transport(let call, let reason) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(call == "POST /remove_broker")
            #expect(reason.contains("onnect"), "\(reason)")
            #expect(error.isRetryable)
        }
        #expect(clock.sleeps.count == SimulatedCruiseControl.retries.maxAttempts - 1)
    }

    @Test func aTaskThatEndsCompletedWithErrorIsATypedFailure() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        cruiseControl.simulator.faults.failNextExecution(afterMoves: 1)
        try await cruiseControl.withClient { client in
            let answer = try await client.addBroker([3], dryRun: false, waitingUpTo: .seconds(60))
            let id = try #require(answer.userTaskID)
            do throws(CruiseControlClientError) {
                _ = try await client.awaitCompletion(ofUserTask: id, timeout: .seconds(600))
                Issue.record("expected the task to fail")
            } catch {
                #expect(error == .taskFailed(userTaskID: id, detail: "CompletedWithError"))
                #expect(!error.isRetryable)
            }
            #expect(try await client.userTask(id)?.status == .completedWithError)
        }
    }

    @Test func aRestartedCruiseControlForgetsItsTasksAndTheirIDsAreUnknownNotDone() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        try await cruiseControl.withClient { client in
            let request = CruiseControlRequest.removeBroker([1], dryRun: false)
            let answer = try await client.submit(request, userTaskID: nil, waitingUpTo: .zero)
            let id = try #require(answer.userTaskID)
            await cruiseControl.simulator.restart()

            #expect(try await client.userTask(id) == nil)
            await #expect(throws: CruiseControlClientError.unknownUserTask(id: id)) {
                _ = try await client.awaitCompletion(ofUserTask: id, timeout: .seconds(600))
            }
            // Following the task by its id: Cruise Control refuses the id, and the client does
            // not retry that refusal nor start a new task.
            let sleepsBefore = cruiseControl.clock.sleeps.count
            await #expect(throws: CruiseControlClientError.unknownUserTask(id: id)) {
                _ = try await client.submit(request, userTaskID: id, waitingUpTo: .seconds(60))
            }
            #expect(cruiseControl.clock.sleeps.count == sleepsBefore)
            #expect(try await client.userTasks(ids: [], fetchCompletedTask: false).isEmpty)
        }
    }

    @Test func aSlowExecutionOutlastsTheWaitAsATypedTimeout() async throws {
        let cruiseControl = try SimulatedCruiseControl()
        cruiseControl.simulator.faults.slowExecution(bytesPerSecond: 1024)
        try await cruiseControl.withClient { client in
            let answer = try await client.addBroker([3], dryRun: false, waitingUpTo: .seconds(60))
            let id = try #require(answer.userTaskID)
            do throws(CruiseControlClientError) {
                _ = try await client.awaitCompletion(ofUserTask: id, timeout: .seconds(600))
                Issue.record("expected a timeout")
            } catch {
                guard case .taskTimedOut(let timedOut, let waited, .inExecution) = error else {
                    Issue.record("got \(error)")
                    return
                }
                #expect(timedOut == id)
                #expect(waited >= .seconds(600))
                #expect(error.isRetryable)
            }
            // Polls back off: 1 s doubling to 10 s, so ten minutes take about 65 polls, not 600.
            let polls = cruiseControl.clock.sleeps.filter { $0 >= .seconds(1) }
            #expect(polls.count < 70, "\(polls.count) polls")
            #expect(polls.max() == .seconds(10))
        }
    }

    @Test func aSlowProposalOutlastsAReadsWaitAsATypedTimeout() async throws {
        let cruiseControl = try SimulatedCruiseControl(
            configuration: .init(proposalComputationMilliseconds: 3_600_000))
        try await cruiseControl.withClient {
            $0.readWait = .seconds(30)
        } _: { client in
            do throws(CruiseControlClientError) {
                _ = try await client.proposals(options: OptimizationOptions())
                Issue.record("expected a timeout")
            } catch {
                guard case .taskTimedOut(_, .seconds(30), nil) = error else {
                    Issue.record("got \(error)")
                    return
                }
            }
        }
    }
}
