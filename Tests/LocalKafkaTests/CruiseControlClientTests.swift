import Foundation
import JSON
import LocalKafka
import TestSupport
import Testing

/// LinkedIn's `cccli` (PyPI cruise-control-client) against the simulator over loopback, on the
/// wall clock: what it prints is what Cruise Control would have answered.
@Suite(.serialized) struct CruiseControlClientTests {
    /// Runs cccli and parses what it prints (the final answer; progress goes to stderr).
    static func cccli(_ port: UInt16, _ arguments: [String]) async throws -> (json: JSONValue, stderr: String)
    {
        let output = try await runOffPool(
            "cccli", ["-a", "127.0.0.1:\(port)"] + arguments + ["--json", "true"])
        #expect(output.status == 0, "cccli \(arguments): \(output.stderr)")
        return (try JSONReader.parse(Array(output.stdout.utf8)), output.stderr)
    }

    static func taskStatus(_ port: UInt16, _ id: String) async throws -> String? {
        let tasks = try await cccli(port, ["user_tasks", "--add-parameter", "user_task_ids=\(id)"])
        return tasks.json["userTasks"]?.arrayValue.first?["Status"]?.stringValue
    }

    @Test(.enabled(if: Peer.available("cccli"))) func readsAndExecutesThroughCccli() async throws {
        // Replicas copy at 1 GiB/s: a 256 MiB partition moves in a quarter of a second.
        let harness = try CruiseControlHarness(
            clock: WallClock(), configuration: .init(proposalComputationMilliseconds: 300),
            bytesPerSecond: 1_073_741_824)
        try await harness.serve { port in
            let state = try await Self.cccli(port, ["state"])
            #expect(state.json["ExecutorState"]?["state"]?.stringValue == "NO_TASK_IN_PROGRESS")

            let clusterState = try await Self.cccli(port, ["kafka_cluster_state"])
            #expect(clusterState.json["KafkaBrokerState"]?["ReplicaCountByBrokerId"]?["3"]?.intValue == 0)
            #expect(clusterState.json["KafkaBrokerState"]?["Summary"]?["Brokers"]?.intValue == 4)

            let load = try await Self.cccli(port, ["load"])
            #expect(load.json["brokers"]?.arrayValue.count == 4)

            // A dry run: cccli follows the 202s (printing the progress) to the proposal.
            let dryRun = try await Self.cccli(port, ["add_broker", "3", "--dry-run"])
            #expect(dryRun.stderr.contains("\"operation\":\"Add brokers\""))
            #expect(dryRun.json["summary"]?["numReplicaMovements"]?.intValue ?? 0 > 0)
            let afterDryRun = try await Self.cccli(port, ["kafka_cluster_state"])
            #expect(afterDryRun.json["KafkaBrokerState"]?["ReplicaCountByBrokerId"]?["3"]?.intValue == 0)

            // Executed: the replicas reach broker 3 and the task completes.
            _ = try await Self.cccli(port, ["add_broker", "3"])
            let added = try await Self.waitForTasks(port, endpoint: "ADD_BROKER")
            #expect(added == ["Completed", "Completed"])
            let afterAdd = try await Self.cccli(port, ["kafka_cluster_state"])
            #expect(afterAdd.json["KafkaBrokerState"]?["ReplicaCountByBrokerId"]?["3"]?.intValue ?? 0 >= 9)

            // Removing broker 0 empties it.
            _ = try await Self.cccli(port, ["remove_broker", "0"])
            #expect(try await Self.waitForTasks(port, endpoint: "REMOVE_BROKER") == ["Completed"])
            let afterRemove = try await Self.cccli(port, ["kafka_cluster_state"])
            #expect(afterRemove.json["KafkaBrokerState"]?["ReplicaCountByBrokerId"]?["0"]?.intValue == 0)

            // A rebalance leaves the recently removed broker 0 empty.
            let rebalanceDryRun = try await Self.cccli(port, ["rebalance", "--dry-run"])
            #expect(rebalanceDryRun.json["summary"]?["numReplicaMovements"]?.intValue == 0)

            // Adding broker 0 back, slowly, and stopping half way ends CompletedWithError.
            harness.simulator.faults.slowExecution(bytesPerSecond: 64 * 1_048_576)
            let readd = try await Self.cccli(port, ["add_broker", "0"])
            #expect(readd.json["summary"]?["numReplicaMovements"]?.intValue ?? 0 > 0)
            let executing = try await Self.cccli(port, ["state"])
            #expect(
                executing.json["ExecutorState"]?["state"]?.stringValue
                    == "INTER_BROKER_REPLICA_MOVEMENT_TASK_IN_PROGRESS")
            let stop = try await Self.cccli(port, ["stop_proposal_execution"])
            #expect(stop.json["message"]?.stringValue == "Proposal execution stopped.")
            harness.simulator.faults.reset()
            let stopped = try await Self.waitForTasks(port, endpoint: "ADD_BROKER")
            #expect(stopped.last == "CompletedWithError", "\(stopped)")

            // A rebalance executed finishes what the stopped task left uneven.
            let rebalance = try await Self.cccli(port, ["rebalance"])
            #expect(rebalance.json["summary"]?["numReplicaMovements"]?.intValue ?? 0 > 0)
            #expect(try await Self.waitForTasks(port, endpoint: "REBALANCE") == ["Completed", "Completed"])
            let balanced = try await Self.cccli(port, ["kafka_cluster_state"])
            let counts = ["0", "1", "2", "3"].compactMap {
                balanced.json["KafkaBrokerState"]?["ReplicaCountByBrokerId"]?[$0]?.intValue
            }
            #expect(counts.count == 4 && counts.max()! - counts.min()! <= 1, "\(counts)")
        }
    }

    /// The statuses of the endpoint's tasks once none is Active or InExecution.
    static func waitForTasks(_ port: UInt16, endpoint: String, within: Duration = .seconds(30)) async throws
        -> [String]
    {
        let deadline = ContinuousClock.now + within
        while true {
            let tasks = try await cccli(port, ["user_tasks", "--add-parameter", "endpoints=\(endpoint)"])
            let statuses = tasks.json["userTasks"]?.arrayValue.compactMap { $0["Status"]?.stringValue } ?? []
            if !statuses.contains(where: { $0 == "Active" || $0 == "InExecution" })
                || ContinuousClock.now > deadline
            {
                return statuses
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
