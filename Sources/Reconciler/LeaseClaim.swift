import Kubernetes

/// One candidate's view of the lease, kept as client-go keeps it: the record last read, and when
/// it last changed on this process's monotonic clock. A lease is expired when its record has not
/// changed for its duration measured here, never from the times written in it, so the
/// replicas' wall clocks need not agree.
struct LeaseObservation: Sendable {
    private(set) var record: Lease.Spec?
    private(set) var changedAt: ContinuousClock.Instant

    init(now: ContinuousClock.Instant) {
        record = nil
        changedAt = now
    }

    mutating func observe(_ record: Lease.Spec?, at now: ContinuousClock.Instant) {
        guard record != self.record else { return }
        self.record = record
        changedAt = now
    }

    /// Whether another identity holds the lease and has renewed it within its duration.
    func isHeld(byOtherThan identity: String, at now: ContinuousClock.Instant) -> Bool {
        guard let holder = record?.holderIdentity, !holder.isEmpty, holder != identity else { return false }
        let duration = Duration.seconds(Int(record?.leaseDurationSeconds ?? 0))
        return changedAt + duration > now
    }
}

/// The lease records a candidate writes.
enum LeaseClaim {
    /// `identity` as holder from `now`: its own lease renewed (acquire time and transitions
    /// kept), or a free or expired one taken over (a new acquire time, one more transition, as
    /// client-go counts them); a new lease starts at zero transitions.
    static func claiming(
        _ current: Lease.Spec?, identity: String, durationSeconds: Int32, now: String
    ) -> Lease.Spec {
        let renewing = current?.holderIdentity == identity
        return Lease.Spec(
            holderIdentity: identity, leaseDurationSeconds: durationSeconds,
            acquireTime: renewing ? current?.acquireTime ?? now : now, renewTime: now,
            leaseTransitions: (current?.leaseTransitions ?? 0) + (renewing || current == nil ? 0 : 1))
    }

    /// The lease given up at shutdown: no holder, and a one-second duration, so a candidate
    /// that saw it held takes it on its next look.
    static func released(_ current: Lease.Spec, now: String) -> Lease.Spec {
        var released = current
        released.holderIdentity = ""
        released.leaseDurationSeconds = 1
        released.renewTime = now
        return released
    }
}
