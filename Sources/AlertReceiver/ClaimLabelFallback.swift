import ActionEngine
import ClusterModel

/// Runs a disk alert whose claim's name did not find its cluster or disk by the claim's labels
/// instead: reads the claim (`ClaimLookup`), then runs the request against the cluster its
/// `kafka_cr` label names, for the broker and the disk its `brokerId` label and `mountPath`
/// annotation name.
struct ClaimLabelFallback: Sendable {
    let claims: (any ClaimLookup)?
    let runner: ActionRunner

    /// `byName` is what the claim's name led to, when it named a cluster: the answer kept, with
    /// why the labels could not do better, when they cannot. `retry` is true when reading the
    /// claim failed in a way a retry may cure: the alert is deferred and the sender asked to
    /// send it again.
    func run(_ request: ActionRequest, claim: String, byName: ActionOutcome?) async throws(ClusterStoreError)
        -> (outcome: ActionOutcome, retry: Bool)
    {
        let shown = claim.prefix(64)
        guard let claims else {
            return (
                byName
                    ?? .rejected(
                        reason:
                            "the alert has no kafka_cr label, and its persistentvolumeclaim '\(shown)' is not a broker disk's claim (<cluster>-<broker>-storage-<n>-<suffix>)"
                    ), false
            )
        }
        let identity: ClaimIdentity?
        do {
            identity = try await claims.claim(namespace: request.namespace, name: claim)
        } catch .unreadable(_, _, .cancelled) {
            throw .cancelled
        } catch {
            if error.isRetryable {
                return (.deferred(reason: "\(error); a retry may succeed"), true)
            }
            return (unhelpful(byName, error.description), false)
        }
        guard let identity else {
            return (
                unhelpful(byName, "the persistentvolumeclaim \(request.namespace)/\(shown) does not exist"),
                false
            )
        }
        var labelled = request
        labelled.cluster = identity.cluster
        labelled.claim = identity
        let outcome = try await runner.run(labelled)
        if case .unknownCluster(let reason) = outcome {
            return (
                .unknownCluster(
                    reason:
                        "the claim \(shown) is labelled \(ObjectLabels.cluster)=\(identity.cluster): \(reason)"
                ),
                false
            )
        }
        return (outcome, false)
    }

    /// The answer when the claim's labels cannot say the cluster either.
    private func unhelpful(_ byName: ActionOutcome?, _ reason: String) -> ActionOutcome {
        switch byName {
        case .unknownCluster(let named)?: return .unknownCluster(reason: "\(named), and \(reason)")
        case .unknownClaim(let named)?: return .unknownClaim(reason: "\(named), and \(reason)")
        case let other?: return other
        case nil: return .rejected(reason: "the alert has no kafka_cr label, and \(reason)")
        }
    }
}
