import ClusterModel
import Foundation
import Kubernetes
import PKI

/// The keystore Secrets the spec brings (each listener's `serverSSLCertSecret`, the
/// `clientSSLCertSecret`), checked before brokers and clients fail on them: each opens (see
/// `KeystoreSecret`), its certificate is valid now, and an internal listener's certificate
/// covers every broker's address and an external one the host it advertises, since Kafka's
/// clients check the name (`ssl.endpoint.identification.algorithm=https`). The operator cannot
/// renew them: one inside its renewal window is reported, as the CA a user brings is.
struct UserKeystores {
    struct Use: Equatable {
        let secret: String
        /// The names a client checks the certificate against; none for a client keystore.
        let requiredHostNames: [String]
        /// Whether a listener serves it: a renewal then asks the brokers to reload.
        var servesListener = true
    }

    struct Outcome: Equatable {
        var problems: [String] = []
        /// Each Secret's certificate expiry.
        var expiries: [String: Date] = [:]
        /// Those inside their renewal window.
        var expiring: [String: Date] = [:]
    }

    let uses: [Use]
    var renewal = RenewalPolicy()

    init(uses: [Use]) { self.uses = uses }

    /// `externalHosts`: what each external listener advertises, by listener name.
    init(spec: KafkaClusterSpec, cluster: String, namespace: String, externalHosts: [String: String]) {
        let brokers = spec.brokers.map {
            ResourceConventions.brokerHost(cluster: cluster, broker: $0.id, namespace: namespace, spec: spec)
        }
        var names: [String: Set<String>] = [:]
        for listener in spec.listenersConfig?.internalListeners ?? [] {
            guard let secret = listener.serverCertificateSecret else { continue }
            names[secret, default: []].formUnion(brokers)
        }
        for listener in spec.listenersConfig?.externalListeners ?? [] {
            guard let secret = listener.serverCertificateSecret else { continue }
            names[secret, default: []].formUnion(externalHosts[listener.name].map { [$0] } ?? [])
        }
        var uses = names.map { Use(secret: $0.key, requiredHostNames: $0.value.sorted()) }
        if let client = spec.clientCertificateSecret, names[client] == nil {
            uses.append(Use(secret: client, requiredHostNames: [], servesListener: false))
        }
        self.uses = uses.sorted { $0.secret < $1.secret }
    }

    /// The listener keystores whose certificate is not the one `recorded` (the expiries the
    /// status holds, by Secret) names: the user renewed them, and the brokers must reload.
    /// A keystore seen for the first time is not a renewal.
    func renewed(_ outcome: Outcome, recorded: [String: String]) -> [String] {
        uses.filter(\.servesListener).map(\.secret).filter { secret in
            guard let before = recorded[secret], let expiry = outcome.expiries[secret] else { return false }
            return before != UTCTimestamp.format(milliseconds: Int64(expiry.timeIntervalSince1970 * 1_000))
        }
    }

    /// Checks the live Secrets, by name; a missing one is a problem.
    func check(live: [String: Secret], now: Date) -> Outcome {
        var outcome = Outcome()
        for use in uses {
            do {
                guard let secret = live[use.secret] else {
                    throw KeystoreSecretError.missingSecret(use.secret)
                }
                let keystore = try KeystoreSecret(secret)
                let certificate = try ParsedCertificate(
                    pem: keystore.identity.certificateChainPEM,
                    item: "the certificate in Secret \(use.secret)")
                outcome.expiries[use.secret] = certificate.notValidAfter
                switch renewal.decision(notAfter: certificate.notValidAfter, now: now) {
                case .valid: break
                case .renewSoon(let notAfter): outcome.expiring[use.secret] = notAfter
                case .expired:
                    outcome.problems.append("the certificate in Secret \(use.secret) has expired")
                }
                if now < certificate.notValidBefore {
                    outcome.problems.append("the certificate in Secret \(use.secret) is not valid yet")
                }
                let uncovered = certificate.uncovered(use.requiredHostNames)
                if !uncovered.isEmpty {
                    outcome.problems.append(
                        "the certificate in Secret \(use.secret) does not cover "
                            + uncovered.joined(separator: ", "))
                }
            } catch {
                outcome.problems.append("\(error)")
            }
        }
        return outcome
    }
}
