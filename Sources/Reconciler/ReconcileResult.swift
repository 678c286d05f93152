/// What one reconcile did, and when to come back.
public struct ReconcileResult: Equatable, Sendable {
    /// The planned steps, in order.
    public var steps: [ReconcileStep] = []
    public var created = 0
    public var updated = 0
    public var deleted = 0
    public var eventsRecorded = 0
    public var statusWritten = false
    /// Reconcile again after this long even if nothing changes (a removal waits, a write met
    /// a conflict); nil when the cluster is where it should be.
    public var requeueAfter: Duration?
    /// Objects the cluster needs whose names are taken by objects it does not own; they stay
    /// as they are, and the rest of the cluster is reconciled.
    public var blocked: [ObjectKey] = []
    /// The cluster does not exist (any more): nothing was done.
    public var clusterMissing = false
    /// What the rolling upgrade did this pass; nil when none was under way.
    public var rollingUpgrade: RollingUpgrade.Step?

    public init() {}

    /// Every write to the API server, events and status included.
    public var writes: Int { created + updated + deleted + eventsRecorded + (statusWritten ? 1 : 0) }
}
