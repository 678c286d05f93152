/// What happened to one action request.
public enum ActionOutcome: Sendable, Equatable {
    /// Done: the change is durable in the cluster's stored spec.
    case accepted(id: String, change: String)
    /// A dry run: this change would be made.
    case planned(change: String)
    /// This alert firing was already acted on.
    case duplicate
    /// Not now (cooldown, a graceful operation still running); a later alert may succeed.
    case deferred(reason: String)
    /// Never, as asked: the request is wrong or a bound stops it.
    case rejected(reason: String)
    /// The request names a cluster the store does not have.
    case unknownCluster(reason: String)
    /// The request's claim name says no disk of the cluster; the claim's labels may.
    case unknownClaim(reason: String)
    /// Noted, no action (a resolved alert, a rolling-upgrade alert).
    case recorded(reason: String)

    /// The word for this outcome in responses, logs and metrics.
    public var name: String {
        switch self {
        case .accepted: return "accepted"
        case .planned: return "planned"
        case .duplicate: return "duplicate"
        case .deferred: return "deferred"
        case .rejected, .unknownCluster, .unknownClaim: return "rejected"
        case .recorded: return "recorded"
        }
    }

    public var detail: String? {
        switch self {
        case .accepted(_, let change), .planned(let change): return change
        case .deferred(let reason), .rejected(let reason), .unknownCluster(let reason),
            .unknownClaim(let reason), .recorded(let reason):
            return reason
        case .duplicate: return nil
        }
    }
}
