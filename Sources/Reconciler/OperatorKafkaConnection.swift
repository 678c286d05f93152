import ClusterModel
import Foundation
import KafkaAdmin
import Kubernetes
import PKI

/// How the operator's own admin client reaches a cluster's brokers, as Koperator's does: the
/// cluster Service on the client-facing listener's port, and on an SSL listener mutual TLS
/// with the operator's certificate for that cluster (`<cluster>-controller`, a super user),
/// trusting the CAs in that Secret's `ca.crt`, or with the client keystore the spec brings
/// (`clientSSLCertSecret`), trusting its truststore.
public struct OperatorKafkaConnection: Equatable, Sendable {
    public var bootstrap: BrokerAddress
    /// nil on a plaintext listener.
    public var tls: KafkaTLSOptions?

    public init(bootstrap: BrokerAddress, tls: KafkaTLSOptions? = nil) {
        self.bootstrap = bootstrap
        self.tls = tls
    }

    /// The connection to the cluster `key` names, read afresh.
    public static func read(_ key: ClusterKey, api: any KubernetesAPI)
        async throws(OperatorKafkaConnectionError) -> OperatorKafkaConnection
    {
        let stored: ClusterDocument?
        do { stored = try await ClusterDocument.read(key, api: api) } catch {
            throw .unreadable("KafkaCluster \(key): \(error)")
        }
        guard let cluster = stored?.cluster else { throw .clusterNotFound(key) }
        return try await read(cluster, api: api)
    }

    /// The connection to `cluster`; on an SSL listener it reads the operator's certificate
    /// Secret, and throws while that Secret is not issued yet.
    public static func read(_ cluster: KafkaCluster, api: any KubernetesAPI)
        async throws(OperatorKafkaConnectionError) -> OperatorKafkaConnection
    {
        let name = cluster.metadata.name
        let namespace = cluster.metadata.namespace ?? "default"
        let (host, port) = ResourceConventions.clientBootstrap(
            cluster: name, namespace: namespace, spec: cluster.spec)
        let bootstrap = BrokerAddress(host: host, port: UInt16(clamping: port))
        let listener = BrokerListeners(cluster.spec).clientFacing
        switch listener.securityProtocol {
        case "PLAINTEXT": return OperatorKafkaConnection(bootstrap: bootstrap)
        case "SSL": break
        default: throw .unsupportedListener(name: listener.name, type: listener.type)
        }
        let identity =
            if let keystore = cluster.spec.clientCertificateSecret {
                try await OperatorCertificate.read(keystore: keystore, of: cluster, api: api)
            } else {
                try await OperatorCertificate.read(cluster, api: api)
            }
        return OperatorKafkaConnection(
            bootstrap: bootstrap,
            tls: KafkaTLSOptions(
                caPEM: identity.caPEM, certificatePEM: identity.certificatePEM,
                privateKeyPEM: identity.privateKeyPEM))
    }
}

/// The operator's client certificate for a cluster (`<cluster>-controller`, a super user) and
/// the CAs it trusts (that Secret's `ca.crt`), as PEM text.
public struct OperatorCertificate: Hashable, Sendable {
    public var caPEM: String
    public var certificatePEM: String
    public var privateKeyPEM: String

    /// Read from its Secret; throws while the reconciler has not issued it yet.
    public static func read(_ cluster: KafkaCluster, api: any KubernetesAPI)
        async throws(OperatorKafkaConnectionError) -> OperatorCertificate
    {
        let namespace = cluster.metadata.namespace ?? "default"
        let secretName = ResourceConventions.controllerCertificateSecretName(cluster: cluster.metadata.name)
        let secret: Secret
        do {
            secret = try await api.get(Secret.self, namespace: namespace, name: secretName)
        } catch .notFound {
            throw .certificateNotIssued(secret: "\(namespace)/\(secretName)")
        } catch {
            throw .unreadable("Secret \(namespace)/\(secretName): \(error)")
        }
        guard let ca = secret.text(KoperatorSecretKey.caBundle),
            let certificate = secret.text(KoperatorSecretKey.tlsCertificate),
            let key = secret.text(KoperatorSecretKey.tlsPrivateKey)
        else {
            throw .certificateNotIssued(secret: "\(namespace)/\(secretName)")
        }
        return OperatorCertificate(caPEM: ca, certificatePEM: certificate, privateKeyPEM: key)
    }

    /// Read from the client keystore Secret the spec brings (`clientSSLCertSecret`): its key
    /// entry's key and chain, trusting its truststore's certificates.
    public static func read(keystore secretName: String, of cluster: KafkaCluster, api: any KubernetesAPI)
        async throws(OperatorKafkaConnectionError) -> OperatorCertificate
    {
        let namespace = cluster.metadata.namespace ?? "default"
        let secret: Secret
        do {
            secret = try await api.get(Secret.self, namespace: namespace, name: secretName)
        } catch .notFound {
            throw .unusableKeystore("the keystore Secret \(namespace)/\(secretName) does not exist")
        } catch {
            throw .unreadable("Secret \(namespace)/\(secretName): \(error)")
        }
        do {
            let keystore = try KeystoreSecret(secret)
            return OperatorCertificate(
                caPEM: keystore.trustedCertificatesPEM, certificatePEM: keystore.identity.certificateChainPEM,
                privateKeyPEM: keystore.identity.privateKeyPEM)
        } catch {
            throw .unusableKeystore(error.description)
        }
    }
}

/// How the operator reaches a cluster's Cruise Control: at its endpoint or Service, over HTTPS
/// when Cruise Control's web server has TLS on, then trusting the CAs of the operator's
/// certificate Secret and showing that certificate (Cruise Control's Jetty asks for none; a
/// proxy in front of it may).
public struct OperatorCruiseControlConnection: Hashable, Sendable {
    public var url: String
    /// nil over plain HTTP, or over HTTPS trusting the system's CAs (a keystore the spec
    /// configures itself, on a cluster whose certificates are not the operator's).
    public var tls: OperatorCertificate?

    public static func read(_ cluster: KafkaCluster, api: any KubernetesAPI)
        async throws(OperatorKafkaConnectionError) -> OperatorCruiseControlConnection
    {
        let namespace = cluster.metadata.namespace ?? "default"
        let (host, port) = ResourceConventions.cruiseControlAddress(
            cluster: cluster.metadata.name, namespace: namespace, spec: cluster.spec)
        guard cluster.spec.runsCruiseControl,
            CruiseControlProperties(
                cluster: cluster.spec, clusterName: cluster.metadata.name, namespace: namespace
            )
            .scheme == "https"
        else { return OperatorCruiseControlConnection(url: "http://\(host):\(port)") }
        let trust: OperatorCertificate? =
            cluster.spec.listenersConfig?.sslSecrets == nil
            ? nil : try await OperatorCertificate.read(cluster, api: api)
        return OperatorCruiseControlConnection(url: "https://\(host):\(port)", tls: trust)
    }
}

/// Why the operator cannot reach a cluster's brokers (yet).
public enum OperatorKafkaConnectionError: Error, Equatable, CustomStringConvertible {
    case clusterNotFound(ClusterKey)
    /// The client-facing listener is SSL and the operator's certificate is not in its Secret
    /// yet (the reconciler issues it).
    case certificateNotIssued(secret: String)
    /// A SASL listener: the operator holds no SASL credentials of its own for a cluster.
    case unsupportedListener(name: String, type: String)
    /// The cluster is not one this operator's Kafka connection reaches.
    case notReachable(ClusterKey)
    /// The client keystore Secret (`clientSSLCertSecret`) is missing or cannot be opened.
    case unusableKeystore(String)
    case unreadable(String)

    public var description: String {
        switch self {
        case .clusterNotFound(let key): "KafkaCluster \(key) does not exist"
        case .certificateNotIssued(let secret):
            "the operator's client certificate \(secret) is not issued yet"
        case .unsupportedListener(let name, let type):
            "the client-facing listener \(name) is \(type); the operator reaches brokers over plaintext or "
                + "ssl only, or through the --kafka-* options"
        case .notReachable(let key): "no Kafka connection reaches KafkaCluster \(key)"
        case .unusableKeystore(let reason): "the operator's client keystore cannot be used: \(reason)"
        case .unreadable(let reason): "cannot be read: \(reason)"
        }
    }
}
