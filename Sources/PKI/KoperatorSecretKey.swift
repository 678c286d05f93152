/// The data keys of the Secrets Koperator reads and writes, so Secrets made by either operator
/// read the same. The names are Koperator's `api/v1alpha1` constants (`CACertKey`,
/// `CAPrivateKeyKey`, `ClientCertKey`, ..., `CoreCACertKey`, `CaChainPem`) and Kubernetes'
/// `kubernetes.io/tls` keys (`tls.crt`, `tls.key`), which its user and broker Secrets use.
public enum KoperatorSecretKey {
    /// The CA certificate in the cluster's CA Secret (`listenersConfig.sslSecrets.tlsSecretName`).
    public static let caCertificate = "caCert"
    /// The CA's private key in the same Secret.
    public static let caPrivateKey = "caKey"
    /// The operator's and Cruise Control's client certificate.
    public static let clientCertificate = "clientCert"
    public static let clientPrivateKey = "clientKey"
    /// A broker's certificate.
    public static let peerCertificate = "peerCert"
    public static let peerPrivateKey = "peerKey"
    /// The CA (or trust bundle) in user and broker Secrets.
    public static let caBundle = "ca.crt"
    /// The CA certificates as a chain, in user Secrets.
    public static let caChain = "chain.pem"
    /// A leaf's certificate (chain) in user and broker Secrets, as in a `kubernetes.io/tls` Secret.
    public static let tlsCertificate = "tls.crt"
    /// A leaf's private key, as in a `kubernetes.io/tls` Secret.
    public static let tlsPrivateKey = "tls.key"
    /// Koperator's JKS keystore, truststore and their password; written only for JKS consumers,
    /// since this operator gives Kafka PEM.
    public static let jksKeystore = "keystore.jks"
    public static let jksTruststore = "truststore.jks"
    public static let jksPassword = "password"
}
