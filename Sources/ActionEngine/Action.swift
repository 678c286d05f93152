import ClusterModel

/// One kind of change an alert or a person can ask for. To add a command, write a type that
/// conforms and register it in `ActionRegistry`.
public protocol Action: Sendable {
    /// The `command` annotation value that selects this action.
    var command: String { get }

    /// Whether this action adds, removes or resizes brokers or disks: such an action waits
    /// (deferred) while the cluster is still busy with an earlier change (`KafkaCluster.scalingHold`).
    var scalesCluster: Bool { get }

    /// Changes `cluster` as `request` asks, or throws why it cannot. Pure: no I/O. Returns a
    /// one-line summary of the change for the action log.
    func apply(_ request: ActionRequest, to cluster: inout KafkaCluster, context: ActionContext)
        throws(ActionError)
        -> String
}

extension Action {
    /// Every action counts as scaling unless it says otherwise: waiting is the safe default.
    public var scalesCluster: Bool { true }
}

/// Why an action was not taken.
public enum ActionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request itself is wrong (a parameter's value, an unknown broker); resending it cannot help.
    case invalidParameter(name: String, reason: String)
    /// The `persistentvolumeclaim` parameter's name does not say which disk of the cluster it is;
    /// the claim's labels may (`ActionRequest.claim`).
    case unknownClaim(String)
    /// A bound of the cluster or the operator stops it (broker limits, disks per broker).
    case limitReached(String)
    /// Applying it would leave the cluster invalid.
    case invalidResult([ValidationProblem])

    public var description: String {
        switch self {
        case .invalidParameter(let name, let reason): return "parameter '\(name)': \(reason)"
        case .unknownClaim(let reason): return "parameter 'persistentvolumeclaim': \(reason)"
        case .limitReached(let reason): return reason
        case .invalidResult(let problems):
            return "the change would make the cluster invalid: "
                + problems.map(\.description).joined(separator: "; ")
        }
    }
}

extension ActionRequest {
    /// A parameter's value, with empty treated as absent.
    func parameter(_ name: String) -> String? {
        guard let value = parameters[name], !value.isEmpty else { return nil }
        return value
    }

    /// A broker id parameter: plain decimal digits (no sign, no leading zero) in Kafka's range.
    func brokerID(_ name: String) throws(ActionError) -> Int32? {
        guard let text = parameter(name) else { return nil }
        return try Self.brokerID(text, name: name)
    }

    /// `text` as a broker id, or why it is not one.
    static func brokerID(_ text: String, name: String) throws(ActionError) -> Int32 {
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            text == "0" || !text.hasPrefix("0"), let id = Int32(text)
        else {
            throw .invalidParameter(name: name, reason: "'\(text.prefix(32))' is not a broker id")
        }
        return id
    }
}

/// What an action may consult besides the request and the cluster.
public struct ActionContext: Sendable {
    public var policy: ActionPolicy

    public init(policy: ActionPolicy) {
        self.policy = policy
    }
}
