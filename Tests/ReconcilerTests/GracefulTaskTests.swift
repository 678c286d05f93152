import ClusterModel
import CruiseControl
import Kubernetes
import Testing

@testable import Reconciler

/// The task state machine and the matching of a listed task to a recorded intent, without I/O.
@Suite struct GracefulTaskTests {
    static let start: Int64 = 1_800_000_000_000
    static let removal = GracefulIntent(.removeBroker, brokers: [2, 1])

    static func task(policy: CruiseControlOperation.ErrorPolicy = .retry) -> GracefulTask {
        GracefulTask(
            name: "kafka-remove-broker-x", intent: removal,
            operation: CruiseControlOperation(
                metadata: ObjectMeta(name: "kafka-remove-broker-x"), spec: .init(errorPolicy: policy)))
    }

    static func listed(_ status: UserTaskInfo.Status, id: String = "t1", response: String? = nil)
        -> UserTaskInfo
    {
        UserTaskInfo(
            id: id,
            requestURL: "POST /kafkacruisecontrol/remove_broker?brokerid=1%2C2&dryrun=false&json=true",
            startMs: start, status: status, originalResponse: response)
    }

    @Test func aNewTaskIsUnsentAndRecordsItsIntent() {
        let task = Self.task()
        #expect(task.phase == .unsent)
        #expect(task.status.currentTask?.operation == "remove_broker")
        #expect(task.status.currentTask?.parameters == ["brokerid": "1,2", "dryrun": "false"])
        #expect(!task.isFinished(wanted: true))
        #expect(task.isFinished(wanted: false), "nothing was sent for a change undone")
    }

    @Test func aStartedTaskFollowsCruiseControlToCompletion() {
        var task = Self.task()
        #expect(task.started(id: "t1", adopted: false, now: Self.start) == .started(id: "t1", adopted: false))
        #expect(task.phase == .running(id: "t1"))
        #expect(task.observed(Self.listed(.active), now: Self.start + 1) == nil, "no change, no transition")
        #expect(
            task.observed(Self.listed(.inExecution), now: Self.start + 2)
                == .stateChanged(from: "Active", to: "InExecution"))
        #expect(task.observed(Self.listed(.completed), now: Self.start + 90_000) == .completed(seconds: 90))
        #expect(task.phase == .completed)
        #expect(task.isFinished(wanted: true) && task.isFinished(wanted: false))
        #expect(task.retryAt == nil)
    }

    @Test func aFailureIsRetriedThirtySecondsLaterAsANewRun() throws {
        var task = Self.task()
        _ = task.started(id: "t1", adopted: false, now: Self.start)
        let failure = task.observed(
            Self.listed(.completedWithError, response: #"{"errorMessage":"broker 9 is not alive"}"#),
            now: Self.start + 10_000)
        guard case .failed(let reason, let seconds)? = failure else {
            Issue.record("not failed: \(String(describing: failure))")
            return
        }
        #expect(reason.contains("broker 9 is not alive") && seconds == 10)
        #expect(task.phase == .failed(finishedAt: Self.start + 10_000))
        #expect(!task.isFinished(wanted: true), "it runs again")
        #expect(task.isFinished(wanted: false), "not for a change undone")
        #expect(task.retryAt == Self.start + 40_000)
        #expect(task.retryIfDue(now: Self.start + 39_999) == nil)
        #expect(task.retryIfDue(now: Self.start + 40_000) == .retried(count: 1))
        #expect(task.phase == .unsent)
        #expect(task.status.failedTasks?.map(\.id) == ["t1"])
        #expect(task.status.retryCount == 1)
    }

    @Test func underIgnoreAFailureIsTheEnd() {
        var task = Self.task(policy: .ignore)
        _ = task.started(id: "t1", adopted: false, now: Self.start)
        _ = task.observed(Self.listed(.completedWithError), now: Self.start + 1)
        #expect(task.isFinished(wanted: true))
        #expect(task.retryAt == nil && task.retryIfDue(now: Self.start + 3_600_000) == nil)
    }

    /// After a restart Cruise Control lists nothing for the id: failed, never completed.
    @Test func aForgottenTaskFails() {
        var task = Self.task()
        _ = task.started(id: "t1", adopted: false, now: Self.start)
        guard case .failed(let reason, _)? = task.observed(nil, now: Self.start + 5) else {
            Issue.record("a forgotten task must fail")
            return
        }
        #expect(reason.contains("no longer knows task t1"))
        #expect(task.phase != .completed)
    }

    @Test func aRefusalFailsTheRunWithoutATaskID() {
        var task = Self.task()
        guard case .failed = task.refused(reason: "not enough brokers", now: Self.start) else {
            Issue.record("a refusal must fail the run")
            return
        }
        #expect(task.phase == .failed(finishedAt: Self.start))
        #expect(task.status.currentTask?.errorMessage?.contains("not enough brokers") == true)
    }

    @Test func aStoppedTaskIsNotRunAgain() {
        var task = Self.task()
        _ = task.started(id: "t1", adopted: false, now: Self.start)
        #expect(
            task.stopped(reason: "broker 1 is back", now: Self.start + 1)
                == .stopped(reason: "broker 1 is back"))
        #expect(task.isFinished(wanted: false))
        #expect(task.status.currentTask?.errorMessage == "stopped: broker 1 is back")
    }

    @Test(arguments: [
        ("POST /kafkacruisecontrol/remove_broker?brokerid=1%2C2&dryrun=false&json=true", true),
        ("POST /kafkacruisecontrol/remove_broker?brokerid=2,1&dryrun=FALSE", true),
        ("POST /kafkacruisecontrol/remove_broker?brokerid=1,2&dryrun=true", false),
        ("POST /kafkacruisecontrol/remove_broker?brokerid=1&dryrun=false", false),
        ("POST /kafkacruisecontrol/add_broker?brokerid=1,2&dryrun=false", false),
        ("POST /kafkacruisecontrol/remove_broker?brokerid=1,2", false),
        ("GET /kafkacruisecontrol/state", false),
        ("POST /kafkacruisecontrol/remove_broker?brokerid=%ZZ&dryrun=false", false),
        ("", false),
    ])
    func aListedTaskMatchesTheIntentThatStartedIt(url: String, matches: Bool) {
        let task = UserTaskInfo(id: "t", requestURL: url, status: .active)
        #expect(Self.removal.matches(task) == matches)
    }

    @Test func theIntentSurvivesTheObjectsAnnotations() {
        #expect(GracefulIntent(annotations: Self.removal.annotations) == Self.removal)
        #expect(
            GracefulIntent(annotations: ["kafka-operator.io/cruise-control-operation": "drop_table"]) == nil)
        #expect(GracefulIntent(annotations: nil) == nil)
    }

    static let diskRemoval = GracefulIntent(removingDisks: [1: ["/b/kafka", "/a/kafka"], 0: ["/c/kafka"]])

    @Test func aDiskRemovalNamesItsLogDirectoriesAsCruiseControlDoes() {
        #expect(GracefulIntent(annotations: Self.diskRemoval.annotations) == Self.diskRemoval)
        #expect(Self.diskRemoval.brokers == [0, 1])
        #expect(
            Self.diskRemoval.parameters == [
                "brokerid_and_logdirs": "0-/c/kafka,1-/a/kafka,1-/b/kafka", "dryrun": "false",
            ])
    }

    @Test(arguments: [
        (
            "POST /kafkacruisecontrol/remove_disks?brokerid_and_logdirs=1-/b/kafka,0-/c/kafka,1-/a/kafka&dryrun=false",
            true
        ),
        (
            "POST /kafkacruisecontrol/remove_disks?brokerid_and_logdirs=0-%2Fc%2Fkafka%2C1-%2Fa%2Fkafka%2C1-%2Fb%2Fkafka&dryrun=false",
            true
        ),
        (
            "POST /kafkacruisecontrol/remove_disks?brokerid_and_logdirs=0-/c/kafka,1-/a/kafka&dryrun=false",
            false
        ),
        (
            "POST /kafkacruisecontrol/remove_disks?brokerid_and_logdirs=0-/c/kafka,1-/a/kafka,1-/b/kafka&dryrun=true",
            false
        ),
        ("POST /kafkacruisecontrol/remove_broker?brokerid=0,1&dryrun=false", false),
    ])
    func aListedDiskRemovalMatchesByItsLogDirectories(url: String, matches: Bool) {
        let task = UserTaskInfo(id: "t", requestURL: url, status: .active)
        #expect(Self.diskRemoval.matches(task) == matches)
    }

    /// Removals of brokers come before removals of disks, which come before disk rebalances.
    @Test func diskRemovalsComeAfterBrokerRemovalsAndBeforeDiskRebalances() {
        var disks = GracefulActionState()
        disks.setVolume("/kafka-logs-2", state: .diskRemovalRequired)
        disks.setVolume("/kafka-logs-3", state: .diskRebalanceRequired)
        var states: [Int32: GracefulActionState?] = [
            0: disks, 1: GracefulActionState(cruiseControlState: .downscaleRequired),
        ]
        let brokers = GracefulOperations.Brokers(
            staying: [0, 2], ready: [0, 2], leaving: [1], removedDisks: [0: ["/kafka-logs-2"]])
        #expect(
            GracefulOperations.nextIntent(states: states, brokers: brokers)
                == GracefulIntent(.removeBroker, brokers: [1]))
        states[1] = nil
        #expect(
            GracefulOperations.nextIntent(states: states, brokers: brokers)
                == GracefulIntent(removingDisks: [0: ["/kafka-logs-2/kafka"]]))
        disks.setVolume("/kafka-logs-2", state: .diskRemovalRunning)
        states[0] = disks
        #expect(
            GracefulOperations.nextIntent(states: states, brokers: brokers)
                == GracefulIntent(.rebalance, brokers: [0], rebalanceDisk: true))
    }

    @Test func pollingBacksOffFromFiveToThirtySeconds() {
        let polling = PollingInterval()
        #expect(polling.interval(elapsedMilliseconds: 0) == .seconds(5))
        #expect(polling.interval(elapsedMilliseconds: 100_000) == .seconds(10))
        #expect(polling.interval(elapsedMilliseconds: 3_600_000) == .seconds(30))
        #expect(polling.interval(elapsedMilliseconds: -5) == .seconds(5))
    }

    /// Koperator's priority: a Ready new broker's add before a leaving broker's removal.
    @Test func addsComeBeforeRemovals() {
        let states: [Int32: GracefulActionState?] = [
            3: GracefulActionState(cruiseControlState: .upscaleRequired),
            4: GracefulActionState(cruiseControlState: .upscaleRequired),
            1: GracefulActionState(cruiseControlState: .downscaleRequired),
        ]
        let brokers = GracefulOperations.Brokers(staying: [0, 2, 3, 4], ready: [0, 2, 3], leaving: [1])
        #expect(
            GracefulOperations.nextIntent(states: states, brokers: brokers)
                == GracefulIntent(.addBroker, brokers: [3]))
        let noneReady = GracefulOperations.Brokers(staying: [0, 2, 3, 4], ready: [0, 2], leaving: [1])
        #expect(
            GracefulOperations.nextIntent(states: states, brokers: noneReady)
                == GracefulIntent(.removeBroker, brokers: [1]))
    }
}
