import ClusterModel

/// A request to act on a cluster, from an alert or from a person.
public struct ActionRequest: Sendable, Equatable {
    /// The command as given (`upScale`, `addPVC`, ...); matched without regard to case.
    public var command: String
    public var namespace: String
    public var cluster: String
    /// The alert's labels overlaid with its annotations, or the manual request's fields.
    public var parameters: [String: String]
    public var source: ActionSource
    /// Report the change without making it.
    public var dryRun: Bool
    /// The `persistentvolumeclaim` parameter's identity as its labels say, when it was read
    /// because the claim's name did not say which disk it is.
    public var claim: ClaimIdentity?

    public init(
        command: String, namespace: String, cluster: String, parameters: [String: String] = [:],
        source: ActionSource, dryRun: Bool = false, claim: ClaimIdentity? = nil
    ) {
        self.command = command
        self.namespace = namespace
        self.cluster = cluster
        self.parameters = parameters
        self.source = source
        self.dryRun = dryRun
        self.claim = claim
    }
}

/// Who asked for an action.
public enum ActionSource: Sendable, Equatable, CustomStringConvertible {
    /// An Alertmanager alert; `fingerprint` and `startsAt` identify one firing of it.
    case alert(fingerprint: String, startsAt: String)
    /// A person through the API, named by the credential they used.
    case manual(caller: String)

    public var description: String {
        switch self {
        case .alert(let fingerprint, _): return "alert:\(fingerprint)"
        case .manual(let caller): return "manual:\(caller)"
        }
    }
}
