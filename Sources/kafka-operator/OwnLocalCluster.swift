import Foundation
import Kubernetes

/// Recognises an embedded cluster behind a configured kubeconfig. The README tells kubectl
/// users to `export KUBECONFIG=<data dir>/kubeconfig`; a restart in that shell would otherwise
/// take the stopped embedded cluster for a remote one and fail to reach it. This operator's
/// own is started again; another data directory's is an error that says what to do.
enum OwnLocalCluster {
    /// Whether `configuration` names the cluster whose kubeconfig this operator wrote into
    /// `dataDirectory`, on loopback, with nothing listening there now: then it is this
    /// operator's to start. A running one (a `local-cluster` command, another operator) is
    /// managed like any other cluster.
    static func isStopped(_ configuration: KubernetesClientConfiguration, dataDirectory: String) -> Bool {
        namesStoppedCluster(configuration, kubeconfig: kubeconfigPath(dataDirectory: dataDirectory))
    }

    /// The data directory of another `serve`'s embedded cluster that `configuration` names
    /// and that is not running, found beside one of `kubeconfigPaths` (`serve` writes
    /// `<data dir>/kubeconfig` next to `<data dir>/local-cluster`). This operator cannot start
    /// it, and retrying it cannot help; nil when the configuration names anything else.
    static func stoppedDataDirectory(
        _ configuration: KubernetesClientConfiguration, kubeconfigPaths: [String]
    )
        -> String?
    {
        for path in kubeconfigPaths {
            let file = URL(fileURLWithPath: path).standardizedFileURL
            let directory = file.deletingLastPathComponent()
            var isDirectory: ObjCBool = false
            guard file.lastPathComponent == "kubeconfig",
                FileManager.default.fileExists(
                    atPath: directory.appendingPathComponent("local-cluster").path, isDirectory: &isDirectory),
                isDirectory.boolValue, namesStoppedCluster(configuration, kubeconfig: file.path)
            else { continue }
            return directory.path
        }
        return nil
    }

    static func kubeconfigPath(dataDirectory: String) -> String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("kubeconfig").path
    }

    /// Whether the kubeconfig at `path` is for the same plain-HTTP loopback server as
    /// `configuration`, and nothing listens there now.
    private static func namesStoppedCluster(
        _ configuration: KubernetesClientConfiguration, kubeconfig path: String
    )
        -> Bool
    {
        guard FileManager.default.fileExists(atPath: path),
            let written = try? KubeConfig.load(file: path).configuration(),
            written.server == configuration.server,
            let url = URL(string: configuration.server), url.scheme == "http",
            let host = url.host, ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host),
            let port = url.port.flatMap({ UInt16(exactly: $0) })
        else { return false }
        return !isAccepting(host: host, port: port)
    }

    /// A TCP connect on loopback: answered at once, accepted or refused.
    private static func isAccepting(host: String, port: UInt16) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let name = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        guard getaddrinfo(name, String(port), &hints, &list) == 0 else { return false }
        defer { freeaddrinfo(list) }
        var entry = list
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return true }
        }
        return false
    }
}
