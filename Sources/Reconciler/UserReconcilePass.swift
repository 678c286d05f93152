import ClusterModel
import KafkaAdmin
import KafkaProtocol
import Kubernetes
import PKI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One pass of `UserReconciler` over one KafkaUser: the steps in order, each returning early
/// with the status that says why it stopped.
struct UserReconcilePass {
    let reconciler: UserReconciler
    let user: KafkaUser
    let events: UserEventRecorder
    let cluster: ClusterKey
    var result = UserReconcileResult()

    init(reconciler: UserReconciler, user: KafkaUser, events: UserEventRecorder, cluster: ClusterKey) {
        self.reconciler = reconciler
        self.user = user
        self.events = events
        self.cluster = cluster
    }

    private var api: any KubernetesAPI { reconciler.api }
    private var configuration: UserReconciler.Configuration { reconciler.configuration }
    private var principal: String { UserGrants.principal(userName: user.name) }
    private var namespace: String { user.metadata.namespace ?? "default" }

    mutating func run() async throws(ReconcileError) -> UserReconcileResult {
        if user.metadata.deletionTimestamp != nil { return try await finalize() }
        let bindings: [AclBinding]
        do throws(UserRefusal) {
            if !UserSecret.isValidName(user.spec.secretName) {
                throw .invalidSecretName(user.spec.secretName)
            }
            bindings = try UserGrants.bindings(user.spec.topicGrants ?? [], principal: principal)
        } catch {
            return try await refuse(error.description, reason: error.reason)
        }
        guard let clusterObject = try await readCluster() else {
            return try await wait("KafkaCluster \(cluster) does not exist", warning: "ClusterNotFound")
        }
        var notAfter: Date?
        if user.spec.issuesCertificate {
            switch try await ensureCertificate(user, cluster: clusterObject) {
            case .ready(let date): notAfter = date
            case .stopped(let stopped): return stopped
            }
        }
        guard let kafka = await reconciler.kafka(cluster) else {
            return try await wait(
                "the operator has no Kafka client for KafkaCluster \(cluster)", notAfter: notAfter)
        }
        // Before any ACL exists, so a delete can never leave one behind.
        let current = try await addingFinalizer()
        do {
            try await syncAcls(bindings, kafka)
        } catch let error as KafkaAdminError {
            return try await kafkaFailed(error, user: current, notAfter: notAfter)
        } catch {
            return try await kafkaFailed(
                .brokerError(api: .describeAcls, code: -1, message: "\(error)", resource: nil), user: current,
                notAfter: notAfter)
        }
        result.statusWritten = try await writeStatus(
            current, state: .created, acls: bindings, message: nil, notAfter: notAfter)
        return result
    }

    // MARK: - The certificate

    private enum CertificateStep {
        case ready(notAfter: Date)
        case stopped(UserReconcileResult)
    }

    /// The user's Secret holds a certificate the cluster CA signed and that is not due for
    /// renewal: kept as it is, or issued and written.
    private mutating func ensureCertificate(_ current: KafkaUser, cluster object: ClusterCAReference)
        async throws(ReconcileError) -> CertificateStep
    {
        guard let caSecretName = object.tlsSecretName else {
            return .stopped(
                try await wait(
                    "KafkaCluster \(cluster) names no CA (spec.listenersConfig.sslSecrets.tlsSecretName) to sign the user's certificate",
                    warning: "ClusterWithoutCA", user: current))
        }
        let caSecret: Secret
        do {
            caSecret = try await api.get(Secret.self, namespace: cluster.namespace, name: caSecretName)
        } catch {
            if case .notFound = error {
                return .stopped(
                    try await wait(
                        "the cluster CA Secret \(cluster.namespace)/\(caSecretName) does not exist",
                        warning: "CASecretNotFound", user: current))
            }
            throw .api(error, during: "reading the CA Secret \(cluster.namespace)/\(caSecretName)")
        }
        let authority: CertificateAuthority
        let trust: TrustBundle
        do throws(CAProblem) {
            let found = try Self.authority(from: caSecret)
            authority = found.authority
            trust = found.trust
        } catch {
            let refusal = UserRefusal.unusableCA(
                secret: "\(cluster.namespace)/\(caSecretName)", reason: error.reason)
            return .stopped(try await refuse(refusal.description, reason: refusal.reason, user: current))
        }
        let now = configuration.now()
        let existing: Secret?
        do {
            existing = try await api.get(Secret.self, namespace: namespace, name: current.spec.secretName)
        } catch {
            guard case .notFound = error else {
                throw .api(error, during: "reading the Secret \(namespace)/\(current.spec.secretName)")
            }
            existing = nil
        }
        if let existing, !owns(existing, current) {
            let refusal = UserRefusal.secretNotOwned("\(namespace)/\(current.spec.secretName)")
            return .stopped(try await refuse(refusal.description, reason: refusal.reason, user: current))
        }
        let held = existing.flatMap(UserSecret.init)
        if let held,
            let kept = held.keptCertificate(
                authority: authority, commonName: current.name, policy: configuration.renewal, now: now)
        {
            if held.trustPEM != trust.pem {
                var updated = held
                updated.trustPEM = trust.pem
                try await write(updated, over: existing, for: current)
            }
            return .ready(notAfter: kept.notValidAfter)
        }
        let validity =
            current.spec.expirationSeconds.map { Duration.seconds(Int64($0)) }
            ?? UserReconciler.defaultValidity
        let issued: IssuedCertificate
        do throws(PKIError) {
            issued = try authority.issue(
                CertificateRequest(
                    commonName: current.name, usage: .client, dnsNames: current.spec.dnsNames ?? [],
                    validity: validity),
                now: now)
        } catch {
            let refusal: UserRefusal =
                if case .invalidRequest = error { .certificateRequest(error.description) } else {
                    .unusableCA(secret: "\(cluster.namespace)/\(caSecretName)", reason: error.description)
                }
            return .stopped(try await refuse(refusal.description, reason: refusal.reason, user: current))
        }
        try await write(UserSecret(issued: issued, trustPEM: trust.pem), over: existing, for: current)
        result.eventsRecorded += await events.record(
            reason: held == nil ? "CertificateIssued" : "CertificateRenewed",
            message:
                "Issued a certificate for CN=\(current.name) into Secret \(current.spec.secretName), valid until \(Self.timestamp(issued.notValidAfter))"
        )
        return .ready(notAfter: issued.notValidAfter)
    }

    /// The CA that signs and the trust bundle handed out: `ca.crt` when the CA Secret has one
    /// (old and new CA during a rollover), else the CA itself.
    static func authority(from secret: Secret) throws(CAProblem) -> (
        authority: CertificateAuthority, trust: TrustBundle
    ) {
        guard let certificate = secret.text(KoperatorSecretKey.caCertificate) else {
            throw CAProblem(reason: "it has no \(KoperatorSecretKey.caCertificate)")
        }
        guard let key = secret.text(KoperatorSecretKey.caPrivateKey) else {
            throw CAProblem(reason: "it has no \(KoperatorSecretKey.caPrivateKey)")
        }
        do throws(PKIError) {
            let authority = try CertificateAuthority(certificatePEM: certificate, privateKeyPEM: key)
            var trust = TrustBundle([authority.certificate])
            if let bundle = secret.text(KoperatorSecretKey.caBundle) {
                trust = try TrustBundle(pem: bundle, item: KoperatorSecretKey.caBundle)
                trust.insert(authority.certificate)
            }
            return (authority, trust)
        } catch {
            throw CAProblem(reason: error.description)
        }
    }

    struct CAProblem: Error {
        var reason: String
    }

    private func owns(_ secret: Secret, _ user: KafkaUser) -> Bool {
        guard let uid = user.metadata.uid else { return false }
        return (secret.metadata.ownerReferences ?? []).contains { $0.uid == uid }
    }

    private mutating func write(_ content: UserSecret, over existing: Secret?, for user: KafkaUser)
        async throws(ReconcileError)
    {
        let owner = OwnerReference(
            apiVersion: KafkaUser.resourceType.apiVersion, kind: KafkaUser.resourceType.kind, name: user.name,
            uid: user.metadata.uid ?? "", controller: true)
        let fresh = Secret(
            metadata: ObjectMeta(name: user.spec.secretName, namespace: namespace, ownerReferences: [owner]),
            type: UserSecret.type, data: content.data)
        do {
            if var secret = existing {
                secret.data = content.data
                _ = try await api.update(secret)
            } else {
                _ = try await api.create(fresh)
            }
        } catch {
            throw .api(error, during: "writing the Secret \(namespace)/\(user.spec.secretName)")
        }
        result.secretWritten = true
    }

    // MARK: - ACLs

    /// Creates the bindings Kafka lacks and deletes the principal's others.
    private mutating func syncAcls(_ desired: [AclBinding], _ kafka: any KafkaAclAdminClient) async throws {
        let observed = Set(try await kafka.describeAcls(AclBindingFilter(principal: principal)))
        let missing = desired.filter { !observed.contains($0) }
        let wanted = Set(desired)
        let stale = observed.filter { !wanted.contains($0) }.sorted { $0.description < $1.description }
        if !missing.isEmpty {
            try await kafka.createAcls(missing)
            result.kafkaChanges += 1
            result.eventsRecorded += await events.record(
                reason: "AclsCreated",
                message: "Granted \(principal): " + missing.map(Self.describe).joined(separator: "; "))
        }
        if !stale.isEmpty {
            _ = try await kafka.deleteAcls(stale.map(AclBindingFilter.init(exactly:)))
            result.kafkaChanges += 1
            result.eventsRecorded += await events.record(
                reason: "AclsDeleted",
                message: "Revoked from \(principal): " + stale.map(Self.describe).joined(separator: "; "))
        }
    }

    /// One binding as the status lists it: the operation, then the resource and its pattern.
    static func describe(_ binding: AclBinding) -> String {
        "\(binding.permission) \(binding.operation) \(binding.resourceType) \(binding.resourceName) \(binding.patternType)"
    }

    // MARK: - Deletion

    /// Deletes the principal's ACLs, then lets the object go.
    private mutating func finalize() async throws(ReconcileError) -> UserReconcileResult {
        guard (user.metadata.finalizers ?? []).contains(UserReconciler.finalizer) else { return result }
        // A cluster already gone took its ACLs with it.
        if try await readCluster() != nil {
            guard let kafka = await reconciler.kafka(cluster) else {
                return try await wait(
                    "the operator has no Kafka client for KafkaCluster \(cluster) to delete the user's ACLs")
            }
            do {
                let deleted = try await kafka.deleteAcls([AclBindingFilter(principal: principal)])
                if !deleted.isEmpty {
                    result.kafkaChanges += 1
                    result.eventsRecorded += await events.record(
                        reason: "AclsDeleted",
                        message: "Revoked from \(principal): "
                            + deleted.map(Self.describe).joined(separator: "; "))
                }
            } catch let error as KafkaAdminError where Self.isSecurityDisabled(error) {
                // Without an authorizer Kafka holds no ACLs: nothing is left to delete.
            } catch {
                let failure = (error as? KafkaAdminError)?.description ?? "\(error)"
                return try await wait("deleting the ACLs of \(principal) failed: \(failure)")
            }
        }
        var updated = user
        updated.metadata.finalizers = user.metadata.finalizers?.filter { $0 != UserReconciler.finalizer }
        do { _ = try await api.update(updated) } catch {
            if case .notFound = error { return result }
            throw .api(error, during: "removing the finalizer of KafkaUser \(namespace)/\(user.name)")
        }
        result.gone = true
        return result
    }

    // MARK: - Steps

    private func readCluster() async throws(ReconcileError) -> ClusterCAReference? {
        do {
            return try await api.get(
                ClusterCAReference.self, namespace: cluster.namespace, name: cluster.name)
        } catch {
            if case .notFound = error { return nil }
            throw .api(error, during: "reading KafkaCluster \(cluster)")
        }
    }

    private func addingFinalizer() async throws(ReconcileError) -> KafkaUser {
        guard !(user.metadata.finalizers ?? []).contains(UserReconciler.finalizer) else { return user }
        var updated = user
        updated.metadata.finalizers = (user.metadata.finalizers ?? []) + [UserReconciler.finalizer]
        do { return try await api.update(updated) } catch {
            throw .api(error, during: "adding the finalizer to KafkaUser \(namespace)/\(user.name)")
        }
    }

    private mutating func refuse(_ message: String, reason: String, user current: KafkaUser? = nil)
        async throws(ReconcileError) -> UserReconcileResult
    {
        let target = current ?? user
        result.eventsRecorded += await events.warn(reason: reason, message: message)
        result.statusWritten = try await writeStatus(
            target, state: .refused, acls: nil, message: message, notAfter: nil)
        return result
    }

    /// Waits for the cluster, its CA or Kafka: the status says why, a Warning (once per
    /// generation) when `warning` names one, and the pass comes back.
    private mutating func wait(
        _ message: String, warning: String? = nil, user current: KafkaUser? = nil, notAfter: Date? = nil
    ) async throws(ReconcileError) -> UserReconcileResult {
        let target = current ?? user
        if let warning { result.eventsRecorded += await events.warn(reason: warning, message: message) }
        result.requeueAfter = configuration.waitInterval
        // While deleting, the state stays as it was; the message says why the object lingers.
        let state =
            target.metadata.deletionTimestamp == nil
            ? UserState.pending : target.status.map { UserState(rawValue: $0.state) } ?? .pending
        result.statusWritten = try await writeStatus(
            target, state: state, acls: nil, message: message, notAfter: notAfter)
        return result
    }

    /// Retryable failures wait; Kafka's refusal waits for something to change, said once per
    /// generation in a Warning. SECURITY_DISABLED says how to give the brokers an authorizer.
    private mutating func kafkaFailed(_ error: KafkaAdminError, user current: KafkaUser, notAfter: Date?)
        async throws(ReconcileError) -> UserReconcileResult
    {
        guard !error.isRetryable else {
            return try await wait("Kafka could not be asked: \(error)", user: current, notAfter: notAfter)
        }
        var message = "Kafka refused the user's ACLs: \(error)"
        if Self.isSecurityDisabled(error) {
            message +=
                " Kafka has no authorizer: set authorizer.class.name (org.apache.kafka.metadata.authorizer.StandardAuthorizer with KRaft, kafka.security.authorizer.AclAuthorizer with ZooKeeper) in the brokers' configuration."
        }
        result.eventsRecorded += await events.warn(reason: "KafkaRefused", message: message)
        result.statusWritten = try await writeStatus(
            current, state: .refused, acls: nil, message: message, notAfter: notAfter)
        result.requeueAfter = .seconds(60)
        return result
    }

    static func isSecurityDisabled(_ error: KafkaAdminError) -> Bool {
        guard case .aclsRefused(_, let refusals) = error else { return false }
        return refusals.contains { $0.code == KafkaErrorCode.securityDisabled }
    }

    /// Writes the status when it differs from the object's; returns whether it wrote.
    private func writeStatus(
        _ target: KafkaUser, state: UserState, acls: [AclBinding]?, message: String?, notAfter: Date?
    ) async throws(ReconcileError) -> Bool {
        let previous = target.status
        // Only a pass that applied the grants says which ACLs there are; the others keep the
        // last pass's list.
        var applied = previous?.acls
        if let acls { applied = acls.isEmpty ? nil : acls.map(Self.describe) }
        let status = KafkaUser.Status(
            state: state.rawValue, acls: applied,
            message: message,
            certificateNotAfter: notAfter.map(Self.timestamp) ?? previous?.certificateNotAfter,
            observedGeneration: target.metadata.generation)
        guard status != previous else { return false }
        var updated = target
        updated.status = status
        do { _ = try await api.updateStatus(updated) } catch {
            throw .api(error, during: "writing the status of KafkaUser \(namespace)/\(target.name)")
        }
        return true
    }

    static func timestamp(_ date: Date) -> String {
        UTCTimestamp.format(milliseconds: Int64(date.timeIntervalSince1970 * 1000))
    }
}

/// A KafkaCluster as the user controller reads it: only where its CA lives.
struct ClusterCAReference: KubernetesObject {
    static let resourceType = ResourceType.kafkaClusters
    var apiVersion: String?
    var kind: String?
    var metadata: Kubernetes.ObjectMeta
    var spec: Spec?

    struct Spec: Codable, Sendable {
        var listenersConfig: ListenersConfig?
    }

    struct ListenersConfig: Codable, Sendable {
        var sslSecrets: SSLSecrets?
    }

    struct SSLSecrets: Codable, Sendable {
        var tlsSecretName: String?
    }

    var tlsSecretName: String? {
        spec?.listenersConfig?.sslSecrets?.tlsSecretName.flatMap { $0.isEmpty ? nil : $0 }
    }
}
