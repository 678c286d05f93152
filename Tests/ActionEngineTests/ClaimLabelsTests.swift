import ClusterModel
import Testing

@testable import ActionEngine

/// `resizePvc` and `addPvc` for a claim whose labels were read (`ActionRequest.claim`): the
/// broker is its `brokerId` label, the disk the one at its `mountPath` annotation, whatever its
/// name says.
extension ActionRunnerTests {
    func labelled(
        _ command: String, _ claim: ClaimIdentity, _ parameters: [String: String] = [:],
        name: String = "kafka-0-storage-0-x7k2p"
    ) -> ActionRequest {
        var request = request(command, parameters.merging(["persistentvolumeclaim": name]) { _, new in new })
        request.claim = claim
        return request
    }

    static let labelledClaims:
        [(command: String, claim: ClaimIdentity, parameters: [String: String], outcome: ActionOutcome)] = [
            (
                "resizePvc", ClaimIdentity(cluster: "kafka", broker: 0, mountPath: "/kafka-logs"),
                ["incrementBy": "10Gi"],
                .accepted(id: "", change: "grew the disk at /kafka-logs of broker 0 from 10Gi to 20Gi")
            ),
            (
                "resizePvc", ClaimIdentity(cluster: "kafka", broker: 2, mountPath: "/kafka-logs-2"),
                ["incrementBy": "1Gi"],
                .accepted(id: "", change: "grew the disk at /kafka-logs-2 of broker 2 from 100Gi to 101Gi")
            ),
            (
                "addPvc", ClaimIdentity(cluster: "kafka", broker: 1, mountPath: "/kafka-logs"),
                ["diskSize": "20Gi"],
                .accepted(id: "", change: "added a 20Gi disk at /kafka-logs-1 to broker 1")
            ),
            (
                "resizePvc", ClaimIdentity(cluster: "kafka", broker: 0, mountPath: "/nowhere"),
                ["incrementBy": "10Gi"],
                .rejected(
                    reason:
                        "parameter 'persistentvolumeclaim': 'kafka-0-storage-0-x7k2p' is annotated as mounted at /nowhere, where broker 0 has no disk"
                )
            ),
            (
                "resizePvc", ClaimIdentity(cluster: "kafka", broker: 9, mountPath: "/kafka-logs"),
                ["incrementBy": "10Gi"],
                .rejected(
                    reason:
                        "parameter 'persistentvolumeclaim': 'kafka-0-storage-0-x7k2p' belongs to broker 9, which the cluster does not have"
                )
            ),
            (
                "addPvc", ClaimIdentity(cluster: "other", broker: 0, mountPath: "/kafka-logs"), [:],
                .rejected(
                    reason:
                        "parameter 'persistentvolumeclaim': 'kafka-0-storage-0-x7k2p' is labelled for cluster other, not kafka"
                )
            ),
        ]

    @Test(arguments: labelledClaims)
    func aClaimKnownByItsLabelsNamesTheBrokerAndTheDisk(
        _ row: (command: String, claim: ClaimIdentity, parameters: [String: String], outcome: ActionOutcome)
    ) async throws {
        let before = try await cluster()
        let outcome = try await runner().run(labelled(row.command, row.claim, row.parameters))
        #expect(outcome.name == row.outcome.name && outcome.detail == row.outcome.detail, "\(outcome)")
        if outcome.name != "accepted" { #expect(try await cluster() == before) }
    }

    /// A claim name that says no disk of the cluster is answered as an unknown claim, so the
    /// caller can read the claim's labels; one that names a disk needs no labels.
    @Test func aClaimNameThatSaysNoDiskIsAnUnknownClaim() async throws {
        let outcome = try await runner().run(
            request("resizePvc", ["persistentvolumeclaim": "kafka-0-storage-0-x7k2p", "incrementBy": "1Gi"]))
        guard case .unknownClaim(let reason) = outcome else {
            Issue.record("expected an unknown claim, got \(outcome)")
            return
        }
        #expect(reason.contains("is not the operator's name for a disk of broker 0"))
        let other = try await runner().run(
            request("addPvc", ["persistentvolumeclaim": "postgres-data"], fingerprint: "f2"))
        #expect(
            other
                == .unknownClaim(
                    reason:
                        "parameter 'persistentvolumeclaim': 'postgres-data' is not a disk of cluster kafka"))
    }
}
