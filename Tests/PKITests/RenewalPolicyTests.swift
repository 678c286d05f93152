import Foundation
import Testing

@testable import PKI

@Suite struct RenewalPolicyTests {
    static let notAfter = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400

    static let rows: [(daysBeforeExpiry: Double, decision: RenewalPolicy.Decision)] = [
        (31, .valid(renewAt: notAfter.addingTimeInterval(-30 * day))),
        (30.001, .valid(renewAt: notAfter.addingTimeInterval(-30 * day))),
        (30, .renewSoon(notAfter: notAfter)),
        (1, .renewSoon(notAfter: notAfter)),
        (0, .expired(notAfter: notAfter)),
        (-5, .expired(notAfter: notAfter)),
    ]

    @Test(arguments: rows)
    func renewalStartsThirtyDaysBeforeExpiryByDefault(
        _ row: (daysBeforeExpiry: Double, decision: RenewalPolicy.Decision)
    ) {
        let now = Self.notAfter.addingTimeInterval(-row.daysBeforeExpiry * Self.day)
        let decision = RenewalPolicy().decision(notAfter: Self.notAfter, now: now)
        #expect(decision == row.decision)
        #expect(decision.mustRenew == (row.daysBeforeExpiry <= 30))
    }

    @Test func theWindowIsConfigurable() {
        let policy = RenewalPolicy(renewBefore: .seconds(3_600))
        let now = Self.notAfter.addingTimeInterval(-2 * 3_600)
        #expect(
            policy.decision(notAfter: Self.notAfter, now: now)
                == .valid(renewAt: Self.notAfter.addingTimeInterval(-3_600)))
    }

    @Test func aCertificateShorterThanTheWindowIsRenewedAtHalfItsLife() throws {
        let issuedAt = Date(timeIntervalSince1970: 1_800_000_000)
        let ca = try CertificateAuthority.create(commonName: "ca", now: issuedAt)
        let leaf = try ca.issue(
            CertificateRequest(commonName: "u", usage: .client, validity: .days(2)), now: issuedAt
        )
        .certificate
        let lifetime = leaf.notValidAfter.timeIntervalSince(leaf.notValidBefore)
        let halfway = leaf.notValidBefore.addingTimeInterval(lifetime / 2)
        #expect(RenewalPolicy().decision(for: leaf, now: issuedAt) == .valid(renewAt: halfway))
        #expect(RenewalPolicy().decision(for: leaf, now: halfway).mustRenew)
    }
}
