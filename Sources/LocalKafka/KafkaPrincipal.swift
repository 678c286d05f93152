/// Kafka principals as the simulated brokers name a connection's client.
public enum KafkaPrincipal {
    /// A client that did not authenticate (PLAINTEXT, or SSL without a client certificate).
    public static let anonymous = "User:ANONYMOUS"

    /// What Kafka's default principal builder makes of an SSL client: `User:` and the
    /// certificate's subject in RFC 2253 form; anonymous without a certificate.
    public static func ssl(subject: String?) -> String {
        subject.map { "User:" + $0 } ?? anonymous
    }
}
