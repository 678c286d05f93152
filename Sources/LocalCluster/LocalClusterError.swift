/// Why the local cluster could not start or keep its data.
public enum LocalClusterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A stored object could not be read back: the file is named so a person can inspect it.
    case corruptObjectFile(path: String, reason: String)
    /// The data directory could not be read or written.
    case dataDirectory(path: String, reason: String)
    /// `port`, `baseURL` or the kubeconfig were asked for before `start()`.
    case notStarted
    case alreadyStarted
    case kubeconfig(path: String, reason: String)

    public var description: String {
        switch self {
        case .corruptObjectFile(let path, let reason):
            return "the stored object \(path) is corrupt (\(reason)); repair or remove it to start"
        case .dataDirectory(let path, let reason):
            return "the data directory \(path) cannot be used: \(reason)"
        case .notStarted: return "the local cluster has not been started"
        case .alreadyStarted: return "the local cluster was already started"
        case .kubeconfig(let path, let reason):
            return "the kubeconfig could not be written to \(path): \(reason)"
        }
    }
}
