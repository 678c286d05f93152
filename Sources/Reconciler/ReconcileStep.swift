/// One write the reconciler makes toward the desired state, or a reason to come back later.
public enum ReconcileStep: Equatable, Sendable, CustomStringConvertible {
    /// Create the object as rendered.
    case create(OwnedObject)
    /// Replace the live object: the rendered object laid over the live one (server-owned fields
    /// and the live `resourceVersion` kept), because its spec-hash annotation differs.
    case update(OwnedObject)
    /// Delete the object, preconditioned on its uid.
    case delete(DeletionTarget)
    /// Drop a removed broker's entry from `status.brokersState`: nothing of it is left.
    case forgetBroker(Int32)
    /// A leaving broker cannot move on yet (data still moving, a pod still terminating).
    case waitForBroker(Int32, BrokerRemoval.Phase)

    public var description: String {
        switch self {
        case .create(let object): return "create \(object.key)"
        case .update(let object): return "update \(object.key)"
        case .delete(let target): return "delete \(target)"
        case .forgetBroker(let id): return "forget broker \(id)"
        case .waitForBroker(let id, let phase): return "wait for broker \(id) (\(phase.rawValue))"
        }
    }

    /// The broker the step is about; nil for cluster-wide objects.
    public var brokerID: Int32? {
        switch self {
        case .create(let object), .update(let object): return object.brokerID
        case .delete(let target): return target.brokerID
        case .forgetBroker(let id), .waitForBroker(let id, _): return id
        }
    }

    /// Whether the step writes to the API server (status writes are counted apart).
    public var isWrite: Bool {
        switch self {
        case .create, .update, .delete: return true
        case .forgetBroker, .waitForBroker: return false
        }
    }
}
