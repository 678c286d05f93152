import Foundation
import Kubernetes

/// Recognises the operator's own embedded cluster behind a configured kubeconfig. The README
/// tells kubectl users to `export KUBECONFIG=<data dir>/kubeconfig`; a restart in that shell
/// would otherwise take the stopped embedded cluster for a remote one and fail to reach it.
enum OwnLocalCluster {
    /// Whether `configuration` names the cluster whose kubeconfig this operator wrote into
    /// `dataDirectory`, on loopback, with nothing listening there now: then it is this
    /// operator's to start. A running one (a `local-cluster` command, another operator) is
    /// managed like any other cluster.
    static func isStopped(_ configuration: KubernetesClientConfiguration, dataDirectory: String) -> Bool {
        let ownPath = URL(fileURLWithPath: dataDirectory).appendingPathComponent("kubeconfig").path
        guard FileManager.default.fileExists(atPath: ownPath),
            let own = try? KubeConfig.load(file: ownPath).configuration(),
            own.server == configuration.server,
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
