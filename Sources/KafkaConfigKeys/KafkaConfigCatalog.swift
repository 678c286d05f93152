/// Which broker configuration keys Kafka can change at run time, and how.
///
/// From the "Dynamic Update Mode" column of the broker configuration reference in Apache
/// Kafka 3.7's documentation (and `DynamicBrokerConfig`'s reconfigurable sets). A key not
/// listed is treated as read-only: restarting a broker for a key that could have been set
/// live costs time, while setting a read-only key live fails or silently does nothing.
public enum KafkaConfigCatalog {
    /// Keys that may be updated per broker only (never as a cluster-wide default).
    static let perBroker: Set<String> = [
        "advertised.listeners", "listeners", "listener.security.protocol.map",
        "ssl.keystore.type", "ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.key",
        "ssl.keystore.certificate.chain", "ssl.key.password", "ssl.truststore.type",
        "ssl.truststore.location",
        "ssl.truststore.password", "ssl.truststore.certificates", "ssl.protocol", "ssl.provider",
        "ssl.cipher.suites", "ssl.enabled.protocols", "ssl.keymanager.algorithm",
        "ssl.trustmanager.algorithm",
        "ssl.endpoint.identification.algorithm", "ssl.secure.random.implementation", "ssl.client.auth",
        "ssl.engine.factory.class", "sasl.enabled.mechanisms", "sasl.jaas.config",
        "sasl.kerberos.service.name", "sasl.kerberos.kinit.cmd", "sasl.kerberos.ticket.renew.window.factor",
        "sasl.kerberos.ticket.renew.jitter", "sasl.kerberos.min.time.before.relogin",
        "sasl.kerberos.principal.to.local.rules", "sasl.login.refresh.window.factor",
        "sasl.login.refresh.window.jitter", "sasl.login.refresh.min.period.seconds",
        "sasl.login.refresh.buffer.seconds", "sasl.mechanism.inter.broker.protocol",
        "follower.replication.throttled.rate", "leader.replication.throttled.rate",
        "replica.alter.log.dirs.io.max.bytes.per.second",
    ]

    /// Keys that may be updated as a cluster-wide default (and also per broker).
    static let clusterWide: Set<String> = [
        "background.threads", "num.io.threads", "num.network.threads", "num.replica.fetchers",
        "num.recovery.threads.per.data.dir", "log.cleaner.threads", "log.cleaner.io.max.bytes.per.second",
        "log.cleaner.dedupe.buffer.size", "log.cleaner.io.buffer.size", "log.cleaner.io.buffer.load.factor",
        "log.cleaner.backoff.ms", "log.cleaner.delete.retention.ms", "log.cleaner.min.compaction.lag.ms",
        "log.cleaner.max.compaction.lag.ms", "log.cleaner.min.cleanable.ratio", "log.cleanup.policy",
        "log.flush.interval.messages", "log.flush.interval.ms", "log.index.interval.bytes",
        "log.index.size.max.bytes", "log.message.downconversion.enable", "log.message.timestamp.type",
        "log.message.timestamp.difference.max.ms", "log.message.timestamp.before.max.ms",
        "log.message.timestamp.after.max.ms", "log.preallocate", "log.retention.bytes", "log.retention.ms",
        "log.retention.minutes", "log.retention.hours", "log.roll.ms", "log.roll.hours", "log.roll.jitter.ms",
        "log.roll.jitter.hours", "log.segment.bytes", "log.segment.delete.delay.ms",
        "log.local.retention.bytes", "log.local.retention.ms", "message.max.bytes", "min.insync.replicas",
        "compression.type", "unclean.leader.election.enable", "max.connections", "max.connections.per.ip",
        "max.connections.per.ip.overrides", "max.connection.creation.rate", "metric.reporters",
        "producer.id.expiration.ms", "remote.log.manager.copy.max.bytes.per.second",
        "remote.log.manager.fetch.max.bytes.per.second", "remote.log.index.file.cache.total.size.bytes",
        "transaction.partition.verification.enable", "principal.builder.class",
        "ssl.principal.mapping.rules",
    ]

    /// How `key` may be changed. `listener.name.<listener>.<key>` takes the mode of `<key>`
    /// (listener-scoped security settings are per broker).
    public static func mode(of key: String) -> DynamicConfigMode {
        if key.hasPrefix("listener.name.") {
            let rest = key.dropFirst("listener.name.".count)
            guard let dot = rest.firstIndex(of: "."), dot != rest.startIndex else { return .readOnly }
            let inner = String(rest[rest.index(after: dot)...])
            // `listener.name.x.plain.sasl.jaas.config`: a mechanism-scoped JAAS config.
            if inner.hasSuffix("sasl.jaas.config") { return .perBroker }
            return mode(of: inner) == .readOnly ? .readOnly : .perBroker
        }
        if perBroker.contains(key) { return .perBroker }
        if clusterWide.contains(key) { return .clusterWide }
        return .readOnly
    }
}
