import ClusterModel
import Foundation
import Kubernetes
import PKI

/// The TLS material of a cluster whose listeners speak SSL, decided from the live Secrets: the
/// cluster CA (`sslSecrets.tlsSecretName`, keys `caCert` and `caKey`), the brokers' certificate
/// (`C-server-certificate`), the operator's client certificate (`C-controller`) and, when
/// Cruise Control runs, its client certificate (`C-cruisecontrol-certificate`), each signed by
/// that CA.
///
/// - With `create: true` a missing CA is created; with `create: false` the user's Secret is
///   used and checked (its CA and key match, it may sign, it is valid), and when it also holds
///   Koperator's `peerCert`/`peerKey` or `clientCert`/`clientKey` those are used instead of
///   issuing, once checked (chain, dates, the names the brokers are reached by).
/// - A leaf is kept while it is signed by the CA, covers the names it must and is outside its
///   renewal window (`RenewalPolicy`); otherwise it is issued again. So a pass with nothing due
///   writes nothing.
/// - Anything the user must fix is a problem, and then nothing is written.
///
/// Pure apart from the keys it generates: the reconciler reads and writes the Secrets.
struct ClusterCertificates {
    let cluster: String
    let namespace: String
    let spec: KafkaClusterSpec
    let owner: OwnerReference
    /// The hosts external listeners advertise (load balancer addresses, `hostnameOverride`s).
    let externalHosts: [String]
    var renewal = RenewalPolicy()
    /// The CA this operator creates lives five years; the certificates it signs one.
    static let authorityValidity: Duration = .days(5 * 365)
    static let leafValidity: Duration = .days(365)

    /// What one pass decided.
    struct Outcome: Equatable {
        /// Secrets to create or replace, whole.
        var writes: [Secret] = []
        /// What the user must fix, one sentence each; nothing is written while any stands.
        var problems: [String] = []
        /// Each certificate's expiry, by Secret name.
        var expiries: [String: Date] = [:]
        /// The Secrets whose certificates were issued this pass.
        var issued: [String] = []
        /// The brokers' certificate replaced one they may be serving: they must reload it.
        var brokersMustReload = false
        /// Certificates the user brought that are inside their renewal window, which the
        /// operator cannot renew: Secret name (and key) → expiry.
        var expiringUserCertificates: [String: Date] = [:]
        /// A CA rollover is under way: look again soon.
        var rolloverUnderWay = false
    }

    var serverSecretName: String { ResourceConventions.serverCertificateSecretName(cluster: cluster) }
    var controllerSecretName: String { ResourceConventions.controllerCertificateSecretName(cluster: cluster) }
    /// The operator's principal as Kafka derives it from its certificate's subject.
    var controllerCommonName: String { "\(cluster)-controller" }
    var cruiseControlSecretName: String {
        ResourceConventions.cruiseControlCertificateSecretName(cluster: cluster)
    }
    /// The Secrets this planner reads and may write.
    func secretNames(caSecret: String) -> [String] {
        [caSecret, serverSecretName, controllerSecretName]
            + (spec.runsCruiseControl ? [cruiseControlSecretName] : [])
    }

    /// The names a client must be able to check a broker's certificate against: every broker's
    /// address, the cluster Service, and what external listeners advertise.
    var requiredHostNames: [String] {
        let brokers = spec.brokers.map {
            ResourceConventions.brokerHost(cluster: cluster, broker: $0.id, namespace: namespace, spec: spec)
        }
        return brokers + [
            ResourceConventions.clusterServiceHost(cluster: cluster, namespace: namespace, spec: spec)
        ]
            + externalHosts
    }

    /// The brokers' certificate request: wildcards over the brokers' domains (so adding a broker
    /// needs no new certificate), the cluster Service and the external hosts.
    var serverRequest: CertificateRequest {
        var dnsNames: [String] = []
        var ipAddresses: [String] = []
        for host in requiredHostNames {
            if IPAddress.isAddress(host) {
                ipAddresses.append(host)
                continue
            }
            dnsNames.append(host)
            if let dot = host.firstIndex(of: "."), host[host.index(after: dot)...].contains(".") {
                dnsNames.append("*" + host[dot...])
            }
        }
        return CertificateRequest(
            commonName: ResourceConventions.brokerCertificateCommonName(
                cluster: cluster, namespace: namespace),
            usage: .server, dnsNames: Self.unique(dnsNames),
            ipAddresses: Self.unique(ipAddresses), validity: Self.leafValidity)
    }

    /// A certificate signed by the cluster CA.
    struct Leaf {
        let name: String
        let request: CertificateRequest
        /// The keys of the CA Secret that may hold the user's own instead (Koperator's).
        var own: (certificate: String, key: String)? = nil
        /// The names a client checks it against.
        var required: [String] = []
        /// Its Secret also holds it as a PKCS#12 keystore with a password, for a Java server.
        var javaKeystore = false
    }

    /// The certificates signed by the cluster CA.
    var leaves: [Leaf] {
        var leaves = [
            Leaf(
                name: serverSecretName, request: serverRequest,
                own: (KoperatorSecretKey.peerCertificate, KoperatorSecretKey.peerPrivateKey),
                required: requiredHostNames),
            Leaf(
                name: controllerSecretName,
                request: CertificateRequest(
                    commonName: controllerCommonName, usage: .client, validity: Self.leafValidity),
                own: (KoperatorSecretKey.clientCertificate, KoperatorSecretKey.clientPrivateKey)),
        ]
        if spec.runsCruiseControl {
            // Koperator's CA Secret has no keys for it: always issued by the operator. With
            // HTTPS on, it is also the web server's certificate, named as clients reach it.
            let https = CruiseControlProperties.servesHTTPS(spec)
            let service = ResourceConventions.cruiseControlServiceName(cluster: cluster)
            let names =
                https
                ? [
                    service, "\(service).\(namespace)", "\(service).\(namespace).svc",
                    "\(service).\(namespace).svc.\(spec.clusterDomain)",
                ]
                : []
            leaves.append(
                Leaf(
                    name: cruiseControlSecretName,
                    request: CertificateRequest(
                        commonName: ResourceConventions.cruiseControlCommonName(cluster: cluster),
                        usage: https ? .server : .client, dnsNames: names, validity: Self.leafValidity),
                    required: names, javaKeystore: https))
        }
        return leaves
    }

    /// - Parameter users: the Secrets of the cluster's KafkaUsers, read only while
    ///   `rolloverDue` says a CA rollover may need them.
    func plan(live: [String: Secret], users: [Secret] = [], now: Date) async -> Outcome {
        var outcome = Outcome()
        guard let ssl = SSLSecrets(spec.listenersConfig?.sslSecrets) else { return outcome }
        let caSecret = live[ssl.tlsSecretName]
        let authority: CertificateAuthority
        if let caSecret {
            let certificate = caSecret.text(KoperatorSecretKey.caCertificate) ?? ""
            let key = caSecret.text(KoperatorSecretKey.caPrivateKey) ?? ""
            let problems = CertificateValidator(now: now).validateAuthority(
                certificatePEM: certificate, privateKeyPEM: key)
            guard problems.isEmpty else {
                outcome.problems = problems.map { "Secret \(ssl.tlsSecretName): \($0)" }
                return outcome
            }
            do {
                authority = try CertificateAuthority(certificatePEM: certificate, privateKeyPEM: key)
            } catch {
                outcome.problems = ["Secret \(ssl.tlsSecretName): \(error)"]
                return outcome
            }
        } else if ssl.create {
            do {
                authority = try CertificateAuthority.create(
                    commonName: "\(cluster).\(namespace) Kafka CA", validity: Self.authorityValidity, now: now
                )
            } catch {
                outcome.problems = ["the cluster CA could not be created: \(error)"]
                return outcome
            }
            outcome.writes.append(
                secret(
                    ssl.tlsSecretName, type: "Opaque",
                    [
                        KoperatorSecretKey.caCertificate: authority.certificatePEM,
                        KoperatorSecretKey.caPrivateKey: authority.privateKeyPEM,
                        KoperatorSecretKey.caBundle: authority.certificatePEM,
                    ]))
            outcome.issued.append(ssl.tlsSecretName)
        } else {
            outcome.problems = [
                "Secret \(ssl.tlsSecretName) does not exist: create it with the CA's caCert and caKey, or set "
                    + "spec.listenersConfig.sslSecrets.create: true"
            ]
            return outcome
        }
        outcome.expiries[ssl.tlsSecretName] = authority.certificate.notValidAfter
        if !ssl.create, renewal.decision(for: authority.certificate, now: now).mustRenew {
            outcome.expiringUserCertificates[ssl.tlsSecretName] = authority.certificate.notValidAfter
        }

        if ssl.create, let caSecret {
            let rollover = ClusterCARollover(
                caSecret: caSecret, signing: authority, renewal: renewal,
                newAuthority: { now throws(PKIError) in
                    try CertificateAuthority.create(
                        commonName: "\(cluster).\(namespace) Kafka CA \(Self.day(now))",
                        validity: Self.authorityValidity, now: now)
                })
            if let state = rollover.state(now: now) {
                return roll(rollover, state, live: live, users: users, outcome: outcome, now: now)
            }
        }
        for leaf in leaves {
            let required = leaf.required
            // The user's own certificate for this role, in the CA Secret (Koperator's keys).
            if !ssl.create, let caSecret, let own = leaf.own,
                let certificate = caSecret.text(own.certificate),
                let key = caSecret.text(own.key)
            {
                let problems = await CertificateValidator(now: now).validateLeaf(
                    certificatePEM: certificate, privateKeyPEM: key, trustedPEM: authority.certificatePEM,
                    usage: leaf.request.usage, requiredHostNames: required)
                guard problems.isEmpty, let parsed = try? ParsedCertificate(pem: certificate) else {
                    outcome.problems += problems.map {
                        "Secret \(ssl.tlsSecretName) \(own.certificate): \($0)"
                    }
                    continue
                }
                let chain =
                    certificate.contains(authority.certificatePEM)
                    ? certificate : certificate + authority.certificatePEM
                let wanted = leafSecret(leaf.name, chain: chain, key: key, trust: authority.certificatePEM)
                if live[leaf.name]?.data != wanted.data { outcome.writes.append(wanted) }
                outcome.expiries[leaf.name] = parsed.notValidAfter
                if renewal.decision(for: parsed, now: now).mustRenew {
                    outcome.expiringUserCertificates["\(ssl.tlsSecretName) \(own.certificate)"] =
                        parsed.notValidAfter
                }
                continue
            }
            if let current = live[leaf.name],
                let kept = await keep(current, authority: authority, leaf, now)
            {
                outcome.expiries[leaf.name] = kept
                continue
            }
            do {
                let issued = try authority.issue(leaf.request, now: now)
                if leaf.name == serverSecretName, live[leaf.name] != nil { outcome.brokersMustReload = true }
                outcome.writes.append(
                    leafSecret(
                        leaf.name, chain: issued.chainPEM, key: issued.privateKeyPEM,
                        trust: authority.certificatePEM, javaKeystore: leaf.javaKeystore))
                outcome.issued.append(leaf.name)
                outcome.expiries[leaf.name] = issued.notValidAfter
            } catch {
                outcome.problems.append("\(leaf.name) could not be issued: \(error)")
            }
        }
        if !outcome.problems.isEmpty { outcome.writes = [] }
        return outcome
    }

    /// The live leaf's expiry when it can stay: signed by `authority`, covering the names it
    /// must, with its own key (and its keystore, when it has one), and not due for renewal.
    private func keep(_ secret: Secret, authority: CertificateAuthority, _ wanted: Leaf, _ now: Date) async
        -> Date?
    {
        guard let chain = secret.text(KoperatorSecretKey.tlsCertificate),
            let key = secret.text(KoperatorSecretKey.tlsPrivateKey),
            secret.text(KoperatorSecretKey.caBundle) == authority.certificatePEM,
            !wanted.javaKeystore || secret.data?[ResourceConventions.keystorePKCS12Key] != nil,
            let leaf = try? ParsedCertificate(pem: chain)
        else { return nil }
        let problems = await CertificateValidator(now: now).validateLeaf(
            certificatePEM: chain, privateKeyPEM: key, trustedPEM: authority.certificatePEM,
            usage: wanted.request.usage,
            requiredHostNames: wanted.required)
        guard problems.isEmpty, !renewal.decision(for: leaf, now: now).mustRenew else { return nil }
        return leaf.notValidAfter
    }

    /// A new leaf Secret (`fill`'s keys), trusting the CAs in `trust`.
    private func leafSecret(
        _ name: String, chain: String, key: String, trust: String, javaKeystore: Bool = false
    )
        -> Secret
    {
        var leaf = secret(name, type: "kubernetes.io/tls", [:])
        Self.fill(&leaf, chain: chain, key: key, trust: trust, javaKeystore: javaKeystore)
        return leaf
    }

    /// A leaf Secret's keys: the chain, the key, the CAs its holder trusts, and the keystore
    /// Kafka reads (key and chain in one file). With `javaKeystore`, or when the Secret holds
    /// one already, also a PKCS#12 keystore and its password: kept while the key and chain are
    /// unchanged (the bytes of a new one differ each time, its salts being random), the
    /// password kept always, since Cruise Control's running pod holds it.
    static func fill(
        _ secret: inout Secret, chain: String, key: String, trust: String, javaKeystore: Bool = false
    ) {
        let unchanged =
            secret.text(KoperatorSecretKey.tlsCertificate) == chain
            && secret.text(KoperatorSecretKey.tlsPrivateKey) == key
        secret.setText(chain, for: KoperatorSecretKey.tlsCertificate)
        secret.setText(key, for: KoperatorSecretKey.tlsPrivateKey)
        secret.setText(trust, for: KoperatorSecretKey.caBundle)
        secret.setText(key + chain, for: ResourceConventions.keystorePEMKey)
        let p12 = ResourceConventions.keystorePKCS12Key
        let holdsKeystore = secret.data?[p12] != nil
        guard javaKeystore || holdsKeystore, !(unchanged && holdsKeystore) else { return }
        let password =
            secret.text(ResourceConventions.keystorePasswordKey)
            ?? String(UInt128.random(in: .min ... .max), radix: 36)
        guard
            let keystore = try? PKCS12Keystore.encode(
                privateKeyPEM: key, chainPEM: chain, alias: "cruise-control", password: password)
        else { return }
        secret.setText(password, for: ResourceConventions.keystorePasswordKey)
        secret.data?[p12] = Data(keystore).base64EncodedString()
    }

    /// Whether a pass must read the KafkaUsers' Secrets for a CA rollover: one is under way,
    /// or the operator's own CA is inside its renewal window.
    func rolloverDue(caSecret: Secret?, now: Date) -> Bool {
        guard let caSecret, SSLSecrets(spec.listenersConfig?.sslSecrets)?.create == true else { return false }
        if caSecret.metadata.annotations?[ClusterCARollover.stateAnnotation] != nil { return true }
        guard let certificate = caSecret.text(KoperatorSecretKey.caCertificate),
            let parsed = try? ParsedCertificate(pem: certificate)
        else { return false }
        return renewal.decision(for: parsed, now: now).mustRenew
    }

    /// A pass during a CA rollover: one rollover step over the existing leaves; a leaf that
    /// does not exist yet is issued by the CA that signs now, trusting what is published.
    private func roll(
        _ rollover: ClusterCARollover, _ state: CARollover, live: [String: Secret], users: [Secret],
        outcome: Outcome, now: Date
    ) -> Outcome {
        var outcome = outcome
        outcome.rolloverUnderWay = true
        var watched: [String: ClusterCARollover.Leaf] = [:]
        for leaf in leaves {
            guard let current = live[leaf.name] else {
                do {
                    let issued = try rollover.signing.issue(leaf.request, now: now)
                    outcome.writes.append(
                        leafSecret(
                            leaf.name, chain: issued.chainPEM, key: issued.privateKeyPEM,
                            trust: rollover.caSecret.text(KoperatorSecretKey.caBundle)
                                ?? rollover.signing.certificatePEM))
                    outcome.issued.append(leaf.name)
                } catch {
                    outcome.problems.append("\(leaf.name) could not be issued: \(error)")
                }
                continue
            }
            watched[leaf.name] = .init(secret: current, request: leaf.request)
            if let expiry = current.text(KoperatorSecretKey.tlsCertificate).flatMap({
                try? ParsedCertificate(pem: $0)
            })?.notValidAfter {
                outcome.expiries[leaf.name] = expiry
            }
        }
        for user in users {
            watched["\(user.metadata.namespace ?? namespace)/\(user.name)"] = .init(
                secret: user, request: nil)
        }
        let step = rollover.step(state, leaves: watched, now: now)
        outcome.writes = step.writes + outcome.writes
        outcome.issued += step.issued
        outcome.brokersMustReload = step.brokersMustReload
        if let problem = step.problem { outcome.problems.append(problem) }
        if !outcome.problems.isEmpty { outcome.writes = [] }
        return outcome
    }

    /// `2026-12-03`: names a CA by the day it was made, so old and new differ in subject.
    private static func day(_ date: Date) -> String {
        String(ISO8601DateFormatter().string(from: date).prefix(10))
    }

    private func secret(_ name: String, type: String, _ texts: [String: String]) -> Secret {
        Secret(
            metadata: ObjectMeta(
                name: name, namespace: namespace, labels: ResourceConventions.clusterLabels(cluster: cluster),
                ownerReferences: [owner]),
            type: type, data: texts.mapValues(Secret.base64))
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }
}
