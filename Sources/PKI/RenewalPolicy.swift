#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// When a certificate must be replaced: `renewBefore` ahead of its `notAfter` (30 days by
/// default, as Strimzi does), so a failed renewal has weeks of retries before anything expires.
public struct RenewalPolicy: Equatable, Sendable {
    public enum Decision: Equatable, Sendable {
        /// Still good: look again at `renewAt` (the reconciler's requeue time).
        case valid(renewAt: Date)
        /// Inside the renewal window, not yet expired.
        case renewSoon(notAfter: Date)
        /// Already expired: peers refuse it now.
        case expired(notAfter: Date)

        public var mustRenew: Bool {
            if case .valid = self { return false }
            return true
        }
    }

    public static let defaultRenewBefore: Duration = .days(30)

    public var renewBefore: Duration

    public init(renewBefore: Duration = RenewalPolicy.defaultRenewBefore) {
        self.renewBefore = renewBefore
    }

    public func decision(notAfter: Date, now: Date) -> Decision {
        let renewAt = notAfter.addingTimeInterval(-renewBefore.timeInterval)
        if now >= notAfter { return .expired(notAfter: notAfter) }
        if now >= renewAt { return .renewSoon(notAfter: notAfter) }
        return .valid(renewAt: renewAt)
    }

    /// As `decision(notAfter:now:)`, except that a certificate whose whole lifetime is shorter
    /// than `renewBefore` is renewed at half its lifetime, so a short validity (a test's) is not
    /// renewed again on every pass.
    public func decision(for certificate: ParsedCertificate, now: Date) -> Decision {
        let lifetime = certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore)
        var policy = self
        if renewBefore.timeInterval >= lifetime {
            policy.renewBefore = .milliseconds(Int64(lifetime * 500))
        }
        return policy.decision(notAfter: certificate.notValidAfter, now: now)
    }
}
