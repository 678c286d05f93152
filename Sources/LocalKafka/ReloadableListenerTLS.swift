import HTTPServer
import Synchronization

/// The TLS an SSL listener serves with, read again from its files when the broker is asked to
/// (Kafka's dynamic keystore update, KIP-226: an alter of the listener's `ssl.keystore.location`
/// or `ssl.truststore.location`). Connections accepted after a reload get the new context;
/// connections already open keep theirs, as in Kafka.
public final class ReloadableListenerTLS: Sendable {
    /// The listener's name in lower case, as `listener.name.<name>.` keys write it.
    public let listener: String
    private let tls: ListenerTLS
    private let readFile: @Sendable (String) -> String?
    private let loaded: Mutex<(material: ListenerTLS.Material, context: TLSServerContext)>

    public init(
        listener: String, tls: ListenerTLS, readFile: @escaping @Sendable (String) -> String? = { _ in nil }
    ) throws(ListenerTLSError) {
        self.listener = listener.lowercased()
        self.tls = tls
        self.readFile = readFile
        let material = try tls.material(readingFile: readFile)
        loaded = Mutex((material, try tls.context(material)))
    }

    /// The context a connection accepted now is served with.
    public var context: TLSServerContext { loaded.withLock { $0.context } }

    /// Reads the listener's files again. Unchanged text changes nothing; changed text must load,
    /// and its certificate must name the same subject (unless `allowSubjectChanges`,
    /// `ssl.allow.dn.changes`) and the same alternative names (unless
    /// `allowAlternativeNameChanges`, `ssl.allow.san.changes`), as Kafka requires (KIP-978).
    /// With `commit` false it only checks, as a `validateOnly` alter does.
    public func reload(allowSubjectChanges: Bool, allowAlternativeNameChanges: Bool, commit: Bool)
        throws(ListenerTLSError)
    {
        let material = try tls.material(readingFile: readFile)
        let current = loaded.withLock { $0 }
        guard material != current.material else { return }
        let context = try tls.context(material)
        if let old = current.context.certificateIdentity, let new = context.certificateIdentity {
            if !allowSubjectChanges && old.subject != new.subject {
                throw .subjectChanged(from: old, to: new)
            }
            if !allowAlternativeNameChanges && old.alternativeNames != new.alternativeNames {
                throw .alternativeNamesChanged(from: old, to: new)
            }
        }
        if commit { loaded.withLock { $0 = (material, context) } }
    }
}

/// The SSL listeners of the running simulated brokers, by broker and listener name, so that an
/// alter of a listener's keystore settings can reload what that listener serves.
public final class ListenerTLSRegistry: Sendable {
    private let listeners = Mutex<[Int32: [String: ReloadableListenerTLS]]>([:])

    public init() {}

    public func register(broker: Int32, _ tls: ReloadableListenerTLS) {
        listeners.withLock { $0[broker, default: [:]][tls.listener] = tls }
    }

    public func remove(broker: Int32) { listeners.withLock { $0[broker] = nil } }

    /// The listeners whose key material an update of `keys` asks to reload: those named by a
    /// `listener.name.<listener>.ssl.keystore.*` or `.ssl.truststore.*` key.
    static func listeners(reloadedBy keys: some Sequence<String>) -> Set<String> {
        var names: Set<String> = []
        for key in keys where key.hasPrefix("listener.name.") {
            let rest = key.dropFirst("listener.name.".count)
            guard let dot = rest.firstIndex(of: "."),
                rest[dot...].hasPrefix(".ssl.keystore.") || rest[dot...].hasPrefix(".ssl.truststore.")
            else { continue }
            names.insert(rest[..<dot].lowercased())
        }
        return names
    }

    /// Reloads `broker`'s listeners that an update of `keys` names; `settings` gives the
    /// broker's configuration value of a key. Every listener is checked before any is switched,
    /// so a refusal changes nothing.
    func reload(broker: Int32, keys: some Sequence<String>, settings: (String) -> String?, commit: Bool)
        throws(ListenerTLSError)
    {
        let names = Self.listeners(reloadedBy: keys)
        guard !names.isEmpty else { return }
        let served = listeners.withLock { $0[broker] ?? [:] }
        let reloading = names.sorted().compactMap { served[$0] }
        func allowed(_ listener: String, _ key: String) -> Bool {
            (settings("listener.name.\(listener).\(key)") ?? settings(key))?.lowercased() == "true"
        }
        for pass in commit ? [false, true] : [false] {
            for tls in reloading {
                try tls.reload(
                    allowSubjectChanges: allowed(tls.listener, "ssl.allow.dn.changes"),
                    allowAlternativeNameChanges: allowed(tls.listener, "ssl.allow.san.changes"),
                    commit: pass)
            }
        }
    }
}
