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
    private let readFile: MountedFileReader
    fileprivate let loaded: Mutex<(material: ListenerTLS.Material, context: TLSServerContext)>

    public init(
        listener: String, tls: ListenerTLS, readFile: @escaping MountedFileReader = { _ in nil }
    ) throws(ListenerTLSError) {
        self.listener = listener.lowercased()
        self.tls = tls
        self.readFile = readFile
        let material = try tls.material(readingFile: readFile)
        loaded = Mutex((material, try tls.context(material)))
    }

    /// What `endpoint` serves when it is an SSL listener; nil for any other.
    public static func serving(
        _ endpoint: BrokerListenerEndpoint, readFile: @escaping MountedFileReader
    ) throws(ListenerTLSError) -> ReloadableListenerTLS? {
        guard let tls = endpoint.tls else { return nil }
        return try ReloadableListenerTLS(listener: endpoint.name, tls: tls, readFile: readFile)
    }

    /// The context a connection accepted now is served with.
    public var context: TLSServerContext { loaded.withLock { $0.context } }

    /// Key material read again from the listener's files, checked and ready to serve.
    public struct Reloaded: Sendable {
        fileprivate let listener: ReloadableListenerTLS
        fileprivate let material: ListenerTLS.Material
        fileprivate let context: TLSServerContext

        /// New connections are served with it from now on.
        public func commit() { listener.loaded.withLock { $0 = (material, context) } }
    }

    /// Reads the listener's files again: nil when their text is unchanged; else the new
    /// material, which must load, and whose certificate must name the same subject (unless
    /// `allowSubjectChanges`, `ssl.allow.dn.changes`) and the same alternative names (unless
    /// `allowAlternativeNameChanges`, `ssl.allow.san.changes`), as Kafka requires (KIP-978).
    /// Nothing is served until it is committed.
    public func reload(allowSubjectChanges: Bool, allowAlternativeNameChanges: Bool)
        throws(ListenerTLSError) -> Reloaded?
    {
        let material = try tls.material(readingFile: readFile)
        let current = loaded.withLock { $0 }
        guard material != current.material else { return nil }
        let context = try tls.context(material)
        if let old = current.context.certificateIdentity, let new = context.certificateIdentity {
            if !allowSubjectChanges && old.subject != new.subject {
                throw .subjectChanged(from: old, to: new)
            }
            if !allowAlternativeNameChanges && old.alternativeNames != new.alternativeNames {
                throw .alternativeNamesChanged(from: old, to: new)
            }
        }
        return Reloaded(listener: self, material: material, context: context)
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
    /// broker's configuration value of a key. Every listener is read and checked before any is
    /// switched, so a refusal changes nothing; with `commit` false nothing is switched, as a
    /// `validateOnly` alter.
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
        var reloaded: [ReloadableListenerTLS.Reloaded] = []
        for tls in reloading {
            let next = try tls.reload(
                allowSubjectChanges: allowed(tls.listener, "ssl.allow.dn.changes"),
                allowAlternativeNameChanges: allowed(tls.listener, "ssl.allow.san.changes"))
            if let next { reloaded.append(next) }
        }
        if commit { for next in reloaded { next.commit() } }
    }
}
