/// Replacing a cluster CA without any peer losing trust, as a state machine over persisted
/// status: the reconciler persists this value (it is `Codable`: two fingerprints and a phase),
/// observes the world, calls `next(observed:)` and does the step it returns.
///
/// ```
/// issuingNewCA ──new CA held──▶ publishingBundle ──every peer trusts old + new──▶
/// reissuingLeaves ──every leaf signed by the new CA──▶ droppingOldCA ──no peer trusts the old
/// CA──▶ completed ──old key discarded──▶ done
/// ```
///
/// The old CA keeps signing until every peer trusts the new one, and leaves the trust bundle
/// only once no observed leaf depends on it; a leaf found signed by anything but the new CA, or
/// a peer found not trusting the new CA, sends the rollover back a phase. Each call is level-triggered: it
/// advances through every phase the observation already satisfies.
public struct CARollover: Codable, Equatable, Sendable {
    public enum Phase: String, Codable, Equatable, Sendable {
        case issuingNewCA
        case publishingBundle
        case reissuingLeaves
        case droppingOldCA
        case completed
    }

    /// What the reconciler saw in this pass.
    public struct Observation: Equatable, Sendable {
        /// The CAs whose certificate and key the operator holds.
        public var authorities: Set<KeyFingerprint>
        /// The CAs that every peer's trust bundle holds now: the intersection over the brokers'
        /// truststores and the client Secrets' `ca.crt`.
        public var trusted: Set<KeyFingerprint>
        /// Every leaf certificate, by the name the reconciler keeps it under (its Secret), and
        /// the CA whose key verifies it (`TrustBundle.signer(of:)`), nil when none does.
        public var leafSigners: [String: KeyFingerprint?]

        public init(
            authorities: Set<KeyFingerprint>, trusted: Set<KeyFingerprint>,
            leafSigners: [String: KeyFingerprint?]
        ) {
            self.authorities = authorities
            self.trusted = trusted
            self.leafSigners = leafSigners
        }
    }

    public enum Step: Equatable, Sendable {
        /// Create a CA and keep it beside the old one, which still signs.
        case issueNewCA
        /// Give every peer a trust bundle holding exactly these CAs.
        case publishTrustBundle([KeyFingerprint])
        /// Issue these leaves again (sorted by name), signed by `signer`.
        case reissueLeaves([String], signer: KeyFingerprint)
        /// No peer trusts the old CA any more: delete its key.
        case discardAuthority(KeyFingerprint)
        /// The rollover is over; the reconciler forgets this value.
        case done
        /// Cannot go on; the reason is for a Warning Event. The reconciler retries on the next pass.
        case blocked(String)
    }

    public let oldCA: KeyFingerprint
    public private(set) var newCA: KeyFingerprint?
    public private(set) var phase: Phase

    public init(retiring oldCA: KeyFingerprint) {
        self.oldCA = oldCA
        self.phase = .issuingNewCA
    }

    /// The CA that signs any certificate issued now (a broker added mid-rollover included): the
    /// old one until every peer trusts the new one.
    public var signingCA: KeyFingerprint {
        switch phase {
        case .issuingNewCA, .publishingBundle: return oldCA
        case .reissuingLeaves, .droppingOldCA, .completed: return newCA ?? oldCA
        }
    }

    public mutating func next(observed: Observation) -> Step {
        while true {
            switch phase {
            case .issuingNewCA:
                guard let candidate = observed.authorities.subtracting([oldCA]).min() else {
                    return .issueNewCA
                }
                newCA = candidate
                phase = .publishingBundle
            case .publishingBundle:
                guard let newCA else { return restart() }
                guard observed.authorities.contains(newCA) else { return lost(newCA) }
                guard observed.trusted.isSuperset(of: [oldCA, newCA]) else {
                    return .publishTrustBundle([oldCA, newCA])
                }
                phase = .reissuingLeaves
            case .reissuingLeaves, .droppingOldCA:
                guard let newCA else { return restart() }
                guard observed.authorities.contains(newCA) else { return lost(newCA) }
                guard observed.trusted.contains(newCA) else {
                    // A peer lost the new CA (a Secret restored from backup): trust comes first.
                    phase = .publishingBundle
                    continue
                }
                let pending = observed.leafSigners.filter { $0.value != newCA }.keys.sorted()
                if !pending.isEmpty {
                    phase = .reissuingLeaves
                    return .reissueLeaves(pending, signer: newCA)
                }
                guard observed.trusted.contains(oldCA) else {
                    phase = .completed
                    continue
                }
                phase = .droppingOldCA
                return .publishTrustBundle([newCA])
            case .completed:
                return observed.authorities.contains(oldCA) ? .discardAuthority(oldCA) : .done
            }
        }
    }

    /// A persisted phase past issuing with no new CA recorded: only a hand-edited status does
    /// this; start over, which is safe because the old CA is still trusted.
    private mutating func restart() -> Step {
        phase = .issuingNewCA
        return .issueNewCA
    }

    private func lost(_ newCA: KeyFingerprint) -> Step {
        .blocked(
            "the new CA \(newCA) is no longer held by the operator; restore its Secret, or its leaves "
                + "cannot be reissued")
    }
}
