import ClusterModel
import Foundation
import Kubernetes
import PKI

/// The operator's own cluster CA replaced before it expires, without any peer losing trust:
/// one `CARollover` step per pass, its state kept on the CA Secret (an annotation beside the
/// keys it describes, so one write changes both).
///
/// The CA Secret's `caCert`/`caKey` are always the CA that signs now, which is what a
/// KafkaUser's pass signs with and what its `ca.crt` trusts. The other CA the rollover holds
/// sits beside it: the new one under `nextCaCert`/`nextCaKey` until it starts signing, then the
/// old one under `retiringCaCert`/`retiringCaKey` until no peer trusts it. The peers observed
/// are the cluster's certificate Secrets and its KafkaUsers' Secrets; the cluster's own leaves
/// are reissued here, a user's by its own pass (it signs with `caCert`), which this waits for.
struct ClusterCARollover {
    static let stateAnnotation = "kafka-operator.io/ca-rollover"
    static let nextCertificateKey = "nextCaCert"
    static let nextPrivateKeyKey = "nextCaKey"
    static let retiringCertificateKey = "retiringCaCert"
    static let retiringPrivateKeyKey = "retiringCaKey"

    /// A leaf the rollover watches: its Secret, and the request to issue it again with (nil for
    /// a KafkaUser's, which its own pass issues).
    struct Leaf {
        var secret: Secret
        var request: CertificateRequest?
    }

    /// What one step decided: Secrets to write whole, certificates issued, and what stops it.
    struct Step {
        var writes: [Secret] = []
        var issued: [String] = []
        var problem: String?
        /// The brokers' keystore or truststore changed: they must reload.
        var brokersMustReload = false
    }

    let caSecret: Secret
    /// `caCert`/`caKey`: the CA that signs now.
    let signing: CertificateAuthority
    var renewal: RenewalPolicy
    let newAuthority: (Date) throws(PKIError) -> CertificateAuthority

    /// The rollover under way, or a new one when the signing CA is inside its renewal window;
    /// nil when there is nothing to do.
    func state(now: Date) -> CARollover? {
        if let text = caSecret.metadata.annotations?[Self.stateAnnotation],
            let state = try? JSONDecoder().decode(CARollover.self, from: Data(text.utf8))
        {
            return state
        }
        guard renewal.decision(for: signing.certificate, now: now).mustRenew else { return nil }
        return CARollover(retiring: signing.keyFingerprint)
    }

    /// Takes the rollover one step, over `leaves` (the existing ones).
    func step(_ rollover: CARollover, leaves: [String: Leaf], now: Date) -> Step {
        var rollover = rollover
        let held = heldAuthorities()
        let everyHeld = TrustBundle(held.values.map(\.certificate))
        let bundles = ([caSecret] + leaves.values.map(\.secret)).map { secret -> Set<KeyFingerprint> in
            guard let text = secret.text(KoperatorSecretKey.caBundle),
                let bundle = try? TrustBundle(pem: text)
            else { return [] }
            return bundle.fingerprints
        }
        let trusted = bundles.dropFirst().reduce(bundles.first ?? []) { $0.intersection($1) }
        var signers: [String: KeyFingerprint?] = [:]
        for (name, leaf) in leaves {
            signers[name] = leaf.secret.text(KoperatorSecretKey.tlsCertificate)
                .flatMap { try? ParsedCertificate(pem: $0) }.flatMap(everyHeld.signer(of:))
        }
        let next = rollover.next(
            observed: CARollover.Observation(
                authorities: Set(held.keys), trusted: trusted, leafSigners: signers))
        var step = Step()
        var ca = caSecret
        switch next {
        case .issueNewCA:
            do {
                let created = try newAuthority(now)
                ca.setText(created.certificatePEM, for: Self.nextCertificateKey)
                ca.setText(created.privateKeyPEM, for: Self.nextPrivateKeyKey)
                step.issued.append(caSecret.name)
            } catch {
                step.problem = "a new cluster CA could not be created: \(error)"
                return step
            }
        case .publishTrustBundle(let authorities):
            let bundle = authorities.compactMap { held[$0]?.certificatePEM }.joined()
            ca.setText(bundle, for: KoperatorSecretKey.caBundle)
            for leaf in leaves.values where leaf.request != nil {
                var secret = leaf.secret
                secret.setText(bundle, for: KoperatorSecretKey.caBundle)
                // While the users' passes catch up this step repeats: only changes are written.
                if secret != leaf.secret { step.writes.append(secret) }
            }
            step.brokersMustReload = true
        case .reissueLeaves(let names, let signer):
            guard let authority = held[signer] else {
                step.problem = "the new cluster CA \(signer) is no longer held"
                return step
            }
            if signer != signing.keyFingerprint {
                // The new CA starts signing: it becomes caCert/caKey, the old one retires.
                ca.setText(authority.certificatePEM, for: KoperatorSecretKey.caCertificate)
                ca.setText(authority.privateKeyPEM, for: KoperatorSecretKey.caPrivateKey)
                ca.setText(signing.certificatePEM, for: Self.retiringCertificateKey)
                ca.setText(signing.privateKeyPEM, for: Self.retiringPrivateKeyKey)
                ca.data?[Self.nextCertificateKey] = nil
                ca.data?[Self.nextPrivateKeyKey] = nil
            }
            let bundle = caSecret.text(KoperatorSecretKey.caBundle) ?? authority.certificatePEM
            for name in names {
                guard let leaf = leaves[name], let request = leaf.request else { continue }
                do {
                    let issued = try authority.issue(request, now: now)
                    var secret = leaf.secret
                    ClusterCertificates.fill(
                        &secret, chain: issued.chainPEM, key: issued.privateKeyPEM, trust: bundle)
                    step.writes.append(secret)
                    step.issued.append(name)
                } catch {
                    step.problem = "\(name) could not be issued again: \(error)"
                    return step
                }
            }
            step.brokersMustReload = true
        case .discardAuthority:
            ca.data?[Self.retiringCertificateKey] = nil
            ca.data?[Self.retiringPrivateKeyKey] = nil
        case .done:
            ca.metadata.annotations?[Self.stateAnnotation] = nil
            step.writes.insert(ca, at: 0)
            return step
        case .blocked(let reason):
            step.problem = reason
            return step
        }
        if let encoded = try? JSONEncoder().encode(rollover) {
            ca.metadata.annotations = (ca.metadata.annotations ?? [:]).merging(
                [Self.stateAnnotation: String(decoding: encoded, as: UTF8.self)]
            ) { _, new in new }
        }
        if ca != caSecret { step.writes.insert(ca, at: 0) }
        return step
    }

    /// Every CA the Secret holds with its key, by key fingerprint.
    private func heldAuthorities() -> [KeyFingerprint: CertificateAuthority] {
        var held = [signing.keyFingerprint: signing]
        for (certificateKey, privateKey) in [
            (Self.nextCertificateKey, Self.nextPrivateKeyKey),
            (Self.retiringCertificateKey, Self.retiringPrivateKeyKey),
        ] {
            guard let certificate = caSecret.text(certificateKey), let key = caSecret.text(privateKey),
                let authority = try? CertificateAuthority(certificatePEM: certificate, privateKeyPEM: key)
            else { continue }
            held[authority.keyFingerprint] = authority
        }
        return held
    }
}
