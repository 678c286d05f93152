import Foundation
import Testing

@testable import PKI

@Suite struct CARolloverTests {
    static let old = KeyFingerprint(hex: "01")
    static let new = KeyFingerprint(hex: "02")

    typealias Observation = CARollover.Observation

    static func observed(
        authorities: Set<KeyFingerprint> = [old], trusted: Set<KeyFingerprint> = [old],
        leaves: [String: KeyFingerprint?] = ["kafka-server-certificate": old, "kafka-controller": old]
    ) -> Observation {
        Observation(authorities: authorities, trusted: trusted, leafSigners: leaves)
    }

    @Test func aRolloverWalksFromIssuingToDoneOneObservedStepAtATime() {
        var rollover = CARollover(retiring: Self.old)
        #expect(rollover.next(observed: Self.observed()) == .issueNewCA)
        #expect(rollover.signingCA == Self.old)

        let bothHeld: Set<KeyFingerprint> = [Self.old, Self.new]
        #expect(
            rollover.next(observed: Self.observed(authorities: bothHeld))
                == .publishTrustBundle([Self.old, Self.new]))
        #expect(rollover.phase == .publishingBundle && rollover.newCA == Self.new)
        #expect(rollover.signingCA == Self.old, "nobody trusts the new CA yet")

        #expect(
            rollover.next(observed: Self.observed(authorities: bothHeld, trusted: bothHeld))
                == .reissueLeaves(["kafka-controller", "kafka-server-certificate"], signer: Self.new))
        #expect(rollover.signingCA == Self.new)

        let halfway = Self.observed(
            authorities: bothHeld, trusted: bothHeld,
            leaves: ["kafka-server-certificate": Self.new, "kafka-controller": Self.old])
        #expect(rollover.next(observed: halfway) == .reissueLeaves(["kafka-controller"], signer: Self.new))

        let reissued = Self.observed(
            authorities: bothHeld, trusted: bothHeld,
            leaves: ["kafka-server-certificate": Self.new, "kafka-controller": Self.new])
        #expect(rollover.next(observed: reissued) == .publishTrustBundle([Self.new]))
        #expect(rollover.phase == .droppingOldCA)

        var dropped = reissued
        dropped.trusted = [Self.new]
        #expect(rollover.next(observed: dropped) == .discardAuthority(Self.old))
        #expect(rollover.phase == .completed)
        dropped.authorities = [Self.new]
        #expect(rollover.next(observed: dropped) == .done)
    }

    @Test func theOldCAStaysTrustedWhileAnyLeafDependsOnIt() {
        var rollover = CARollover(retiring: Self.old)
        let bothHeld: Set<KeyFingerprint> = [Self.old, Self.new]
        _ = rollover.next(observed: Self.observed(authorities: bothHeld, trusted: bothHeld))
        #expect(rollover.phase == .reissuingLeaves)
        // A KafkaUser created mid-rollover by a stale writer, signed by the old CA.
        let straggler = Self.observed(
            authorities: bothHeld, trusted: bothHeld,
            leaves: ["kafka-server-certificate": Self.new, "late-user": Self.old, "foreign": nil])
        #expect(
            rollover.next(observed: straggler) == .reissueLeaves(["foreign", "late-user"], signer: Self.new))
        #expect(rollover.phase == .reissuingLeaves)
    }

    @Test func aLeafSignedByTheOldCAFoundWhileDroppingSendsTheRolloverBack() {
        var rollover = CARollover(retiring: Self.old)
        let bothHeld: Set<KeyFingerprint> = [Self.old, Self.new]
        let reissued = Self.observed(
            authorities: bothHeld, trusted: bothHeld, leaves: ["kafka-server-certificate": Self.new])
        #expect(rollover.next(observed: reissued) == .publishTrustBundle([Self.new]))
        var restored = reissued
        restored.leafSigners["kafka-controller"] = Self.old
        #expect(rollover.next(observed: restored) == .reissueLeaves(["kafka-controller"], signer: Self.new))
        #expect(rollover.phase == .reissuingLeaves)
    }

    @Test func aPeerThatLostTheNewCAIsGivenTheBundleAgainBeforeAnyReissue() {
        var rollover = CARollover(retiring: Self.old)
        let bothHeld: Set<KeyFingerprint> = [Self.old, Self.new]
        _ = rollover.next(observed: Self.observed(authorities: bothHeld, trusted: bothHeld))
        #expect(rollover.phase == .reissuingLeaves)
        #expect(
            rollover.next(observed: Self.observed(authorities: bothHeld, trusted: [Self.old]))
                == .publishTrustBundle([Self.old, Self.new]))
        #expect(rollover.phase == .publishingBundle)
    }

    @Test func losingTheNewCAsKeyBlocksWithAReason() {
        var rollover = CARollover(retiring: Self.old)
        _ = rollover.next(observed: Self.observed(authorities: [Self.old, Self.new]))
        guard case .blocked(let reason) = rollover.next(observed: Self.observed(authorities: [Self.old]))
        else {
            Issue.record("a rollover without its new CA went on")
            return
        }
        #expect(reason.contains(Self.new.hex))
    }

    @Test func thePhaseAndBothCAsSurviveAPersistRoundTrip() throws {
        var rollover = CARollover(retiring: Self.old)
        _ = rollover.next(observed: Self.observed(authorities: [Self.old, Self.new]))
        let data = try JSONEncoder().encode(rollover)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["phase"] as? String == "publishingBundle")
        #expect(json["oldCA"] as? String == "01" && json["newCA"] as? String == "02")
        #expect(try JSONDecoder().decode(CARollover.self, from: data) == rollover)
    }

    /// The rollover driven against real certificates: at every step, every leaf verifies against
    /// what the peers trust, and at the end the old CA is gone from the bundle.
    @Test func noLeafLosesTrustThroughARealRollover() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let validator = CertificateValidator(now: now)
        let oldCA = try CertificateAuthority.create(commonName: "kafka-ca", now: now)
        var authorities = [oldCA.keyFingerprint: oldCA]
        var bundle = TrustBundle([oldCA.certificate])
        var leaves = try ["kafka-server-certificate", "kafka-controller", "alice"].reduce(into: [:]) {
            $0[$1] = try oldCA.issue(CertificateRequest(commonName: $1, usage: .server), now: now)
        }
        var rollover = CARollover(retiring: oldCA.keyFingerprint)
        var steps: [CARollover.Step] = []
        for _ in 0..<10 {
            let observation = Observation(
                authorities: Set(authorities.keys), trusted: bundle.fingerprints,
                leafSigners: leaves.mapValues { bundle.signer(of: $0.certificate) })
            let step = rollover.next(observed: observation)
            steps.append(step)
            switch step {
            case .issueNewCA:
                let newCA = try CertificateAuthority.create(commonName: "kafka-ca-2", now: now)
                authorities[newCA.keyFingerprint] = newCA
            case .publishTrustBundle(let fingerprints):
                bundle = TrustBundle(fingerprints.compactMap { authorities[$0]?.certificate })
            case .reissueLeaves(let names, let signer):
                for name in names {
                    leaves[name] = try authorities[signer]!.issue(
                        CertificateRequest(commonName: name, usage: .server), now: now)
                }
            case .discardAuthority(let fingerprint):
                authorities[fingerprint] = nil
            case .done, .blocked:
                break
            }
            for (name, leaf) in leaves {
                let problems = await validator.validateLeaf(
                    certificatePEM: leaf.certificatePEM, trustedPEM: bundle.pem)
                #expect(problems == [], "\(name) after \(step)")
            }
            if step == .done { break }
        }
        let newCA = try #require(rollover.newCA)
        let old = oldCA.keyFingerprint
        #expect(
            steps == [
                .issueNewCA, .publishTrustBundle([old, newCA]),
                .reissueLeaves(["alice", "kafka-controller", "kafka-server-certificate"], signer: newCA),
                .publishTrustBundle([newCA]), .discardAuthority(old), .done,
            ])
        #expect(bundle.fingerprints == [newCA])
        #expect(!bundle.fingerprints.contains(oldCA.keyFingerprint))
        let oldLeaf = try oldCA.issue(CertificateRequest(commonName: "stale", usage: .client), now: now)
        #expect(
            await validator.validateLeaf(certificatePEM: oldLeaf.certificatePEM, trustedPEM: bundle.pem).count
                == 1)
    }
}
