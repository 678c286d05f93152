import KafkaProtocol

/// Why a Kafka admin operation failed, with what a person needs to fix it.
///
/// `isRetryable` says whether the same call may succeed later without anyone changing anything
/// (a broker restarting, a leader moving); terminal errors need a human or a different request.
public enum KafkaAdminError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidBootstrap(String)
    case addressResolutionFailed(broker: BrokerAddress, reason: String)
    case connectFailed(broker: BrokerAddress, reason: String)
    case timedOut(broker: BrokerAddress, operation: String)
    case connectionClosed(broker: BrokerAddress)
    case ioFailed(broker: BrokerAddress, reason: String)
    case malformedResponse(broker: BrokerAddress, api: ApiKey, problem: KafkaCodecError)
    case correlationMismatch(broker: BrokerAddress, expected: Int32, received: Int32)
    case noCommonVersion(
        broker: BrokerAddress, api: ApiKey, ours: ClosedRange<Int16>, theirs: ClosedRange<Int16>?)
    case brokerError(api: ApiKey, code: Int16, message: String?, resource: String?)
    /// Kafka refused some of an ACL request's bindings or filters; the rest took effect.
    case aclsRefused(api: ApiKey, [AclRefusal])
    case noBrokerReachable(attempts: [String])
    /// The call's overall deadline passed; `attempts` lists what was tried before it did.
    case deadlineExceeded(timeout: Duration, elapsed: Duration, attempts: [String])
    case unknownBroker(id: Int32)
    case tlsFailed(broker: BrokerAddress, reason: String)
    case saslFailed(broker: BrokerAddress, mechanism: String, reason: String)

    public var isRetryable: Bool {
        switch self {
        case .addressResolutionFailed, .connectFailed, .timedOut, .connectionClosed, .ioFailed,
            .correlationMismatch, .noBrokerReachable, .deadlineExceeded, .unknownBroker:
            return true
        case .brokerError(_, let code, _, _):
            return KafkaErrorCode.isRetriable(code)
        case .aclsRefused(_, let refusals):
            return refusals.allSatisfy { KafkaErrorCode.isRetriable($0.code) }
        case .invalidBootstrap, .malformedResponse, .noCommonVersion, .tlsFailed, .saslFailed:
            return false
        }
    }

    public var description: String {
        switch self {
        case .invalidBootstrap(let text):
            return
                "The bootstrap list \"\(text)\" is not a comma-separated list of host:port; fix the setting."
        case .addressResolutionFailed(let broker, let reason):
            return "The broker address \(broker) could not be resolved (\(reason)); retrying may help."
        case .connectFailed(let broker, let reason):
            return "Connecting to broker \(broker) failed (\(reason)); retrying may help."
        case .timedOut(let broker, let operation):
            return "Broker \(broker) did not finish \(operation) in time; retrying may help."
        case .connectionClosed(let broker):
            return "Broker \(broker) closed the connection; retrying may help."
        case .ioFailed(let broker, let reason):
            return "Talking to broker \(broker) failed (\(reason)); retrying may help."
        case .malformedResponse(let broker, let api, let problem):
            return "Broker \(broker) sent a malformed \(api) response: \(problem) Retrying will not help."
        case .correlationMismatch(let broker, let expected, let received):
            return
                "Broker \(broker) answered correlation id \(received) where \(expected) was expected; "
                + "the connection was dropped and retrying may help."
        case .noCommonVersion(let broker, let api, let ours, let theirs):
            let offered = theirs.map { "\($0.lowerBound)...\($0.upperBound)" } ?? "none"
            return
                "Broker \(broker) offers \(api) versions \(offered) and this client implements "
                + "\(ours.lowerBound)...\(ours.upperBound); upgrade one side."
        case .brokerError(let api, let code, let message, let resource):
            let on = resource.map { " for \($0)" } ?? ""
            let detail = message.map { ": \($0)" } ?? ""
            let retry = KafkaErrorCode.isRetriable(code) ? "retrying may help" : "retrying will not help"
            return "\(api)\(on) failed with \(KafkaErrorCode.name(code))\(detail); \(retry)."
        case .aclsRefused(let api, let refusals):
            let retry = isRetryable ? "retrying may help" : "retrying will not help"
            return "\(api) was refused for \(refusals.map(\.description).joined(separator: "; ")); \(retry)."
        case .noBrokerReachable(let attempts):
            return "No broker could be reached (\(attempts.joined(separator: "; "))); retrying may help."
        case .deadlineExceeded(let timeout, let elapsed, let attempts):
            let tried = attempts.isEmpty ? "" : "; tried \(attempts.joined(separator: "; "))"
            return
                "Kafka did not answer within the \(timeout.secondsText) s deadline (gave up after "
                + "\(elapsed.secondsText) s\(tried)); retrying may help."
        case .unknownBroker(let id):
            return "Broker \(id) is not in the cluster metadata; retrying may help once it registers."
        case .tlsFailed(let broker, let reason):
            return "TLS with broker \(broker) failed (\(reason)); check certificates and settings."
        case .saslFailed(let broker, let mechanism, let reason):
            return
                "SASL \(mechanism) authentication with broker \(broker) failed (\(reason)); check credentials."
        }
    }
}

extension Duration {
    /// Seconds with one decimal, e.g. "10.0", for messages.
    var secondsText: String {
        let (seconds, attoseconds) = components
        let tenths = seconds * 10 + attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)"
    }
}
