import ClusterModel
import Testing

@testable import ActionEngine

/// Scaling actions take turns with the cluster: each waits (deferred, not marked processed)
/// until the reconciler has taken up the previous one and the cluster runs again.
extension ActionRunnerTests {
    static let busyClusters:
        [(name: String, status: @Sendable (inout KafkaClusterStatus) -> Void, reason: String)] = [
            (
                "never reconciled", { $0.state = nil },
                "the cluster has no state yet; it must be ClusterRunning"
            ),
            (
                "reconciling", { $0.state = "ClusterReconciling" },
                "the cluster is ClusterReconciling, not ClusterRunning"
            ),
            (
                "rolling upgrade", { $0.state = "ClusterRollingUpgrading" },
                "the cluster is ClusterRollingUpgrading, not ClusterRunning"
            ),
            (
                "upscale running", { $0.brokersState = ["1": graceful("GracefulUpscaleRunning")] },
                "broker 1 is still in GracefulUpscaleRunning"
            ),
            (
                "downscale required", { $0.brokersState = ["2": graceful("GracefulDownscaleRequired")] },
                "broker 2 is still in GracefulDownscaleRequired"
            ),
            (
                "downscale paused", { $0.brokersState = ["0": graceful("GracefulDownscalePaused")] },
                "broker 0 is still in GracefulDownscalePaused"
            ),
            (
                "upscale completed with error",
                {
                    $0.brokersState = [
                        "10": graceful("GracefulUpscaleCompletedWithError"),
                        "2": graceful("GracefulUpscaleScheduled"),
                    ]
                },
                "broker 2 is still in GracefulUpscaleScheduled"
            ),
            (
                "an action the reconciler has not taken up",
                {
                    $0.actionLog = [
                        ActionRecord(
                            id: "upScale-1", command: "upScale", source: "manual:ops",
                            time: "2027-01-15T07:00:00.000Z",
                            change: "added broker 3", outcome: "accepted")
                    ]
                },
                "the reconciler has not yet taken up action upScale-1"
            ),
        ]

    static func graceful(_ state: String) -> BrokerState {
        var broker = BrokerState()
        broker.gracefulActionState = GracefulActionState(
            cruiseControlState: CruiseControlState(rawValue: state))
        return broker
    }

    /// Every scaling command, with parameters that are right for the example cluster.
    static let scalingRequests: [(command: String, parameters: [String: String])] = [
        ("upScale", [:]),
        ("downScale", ["brokerId": "0"]),
        ("addPvc", ["brokerId": "0"]),
        ("resizePvc", ["persistentvolumeclaim": claim(0), "incrementBy": "10Gi"]),
    ]

    func makeBusy(_ change: (inout KafkaClusterStatus) -> Void) async throws {
        _ = try await store.modify(namespace: "kafka", name: "kafka") { document in
            // Room to remove a broker, so downScale is a right request too.
            document.cluster.spec.alertManagerConfig?.downScaleLimit = 1
            var status = document.cluster.status ?? KafkaClusterStatus()
            change(&status)
            document.cluster.status = status
        }
    }

    @Test(arguments: busyClusters, scalingRequests)
    func aScalingActionWaitsForABusyClusterAndActsOnceItRuns(
        _ busy: (name: String, status: @Sendable (inout KafkaClusterStatus) -> Void, reason: String),
        _ scaling: (command: String, parameters: [String: String])
    ) async throws {
        try await makeBusy(busy.status)
        let before = try await store.get(namespace: "kafka", name: "kafka")
        let alert = request(scaling.command, scaling.parameters)
        #expect(try await runner().run(alert) == .deferred(reason: busy.reason), "\(busy.name)")
        #expect(
            try await runner().run(request(scaling.command, scaling.parameters, dryRun: true))
                == .deferred(reason: busy.reason))
        #expect(
            try await store.get(namespace: "kafka", name: "kafka") == before,
            "nothing changed, nothing marked processed")

        // The cluster settles: the same firing, sent again, is acted on.
        try await makeBusy { $0.brokersState = nil }
        try await store.settle()
        #expect(try await runner().run(alert).name == "accepted", "\(busy.name)")
    }

    @Test(arguments: ["GracefulUpscaleSucceeded", "GracefulDownscaleSucceeded", ""])
    func aFinishedGracefulActionHoldsNothing(_ state: String) async throws {
        try await makeBusy { $0.brokersState = ["1": Self.graceful(state)] }
        #expect(try await runner().run(request("upScale")).name == "accepted")
    }

    /// A batch of alerts used to act within milliseconds: a downScale could remove the broker an
    /// upScale had just added before its pod existed.
    @Test func aBatchActsOneChangeAtATime() async throws {
        var policy = ActionPolicy()
        policy.cooldown = .zero
        try await makeBusy { _ in }
        let runner = runner(policy: policy)
        let up = try await runner.run(request("upScale", fingerprint: "up"))
        #expect(up.name == "accepted")
        let down = try await runner.run(request("downScale", fingerprint: "down"))
        #expect(down == .deferred(reason: "the reconciler has not yet taken up action upScale-1800000000000"))
        try await store.settle()
        #expect(try await runner.run(request("downScale", fingerprint: "down")).name == "accepted")
    }

    /// A wrong request is refused at once, whatever the cluster is doing, rather than deferred
    /// and refused later.
    @Test func aBadRequestIsRejectedEvenWhileTheClusterIsBusy() async throws {
        try await makeBusy { $0.state = "ClusterReconciling" }
        let outcome = try await runner().run(
            request("resizePvc", ["persistentvolumeclaim": Self.claim(0), "incrementBy": "-1"]))
        #expect(
            outcome
                == .rejected(
                    reason: "parameter 'incrementBy': '-1' is negative; a quantity here must be zero or more")
        )
    }

    struct NoteAction: Action {
        let command = "note"
        var scalesCluster: Bool { false }
        func apply(_ request: ActionRequest, to cluster: inout KafkaCluster, context: ActionContext)
            throws(ActionError) -> String
        {
            cluster.metadata.annotations = ["noted": "yes"]
            return "noted"
        }
    }

    @Test func anActionThatDoesNotScaleIsNotHeld() async throws {
        try await makeBusy { $0.state = "ClusterReconciling" }
        var registry = ActionRegistry.builtIn
        registry.register(NoteAction())
        #expect(try await runner(registry: registry).run(request("note")).name == "accepted")
    }
}
