import Foundation
import JSON
import TestSupport

/// Envoy bootstraps as the operator renders them, pointed at loopback: in a test the upstreams'
/// in-cluster names resolve nowhere, so each cluster's endpoints are rewritten to a local port.
public enum EnvoyBootstrapOnLoopback {
    /// The bootstrap with every upstream of cluster `name` at `127.0.0.1:upstreams[name]`, as a
    /// resolver mapping the brokers' in-cluster names to loopback would give.
    public static func resolved(_ bootstrap: JSONValue, upstreams: [String: Int]) -> JSONValue {
        func rewrite(_ value: JSONValue, port: Int) -> JSONValue {
            switch value {
            case .object(let members):
                return .object(
                    members.map { key, member in
                        switch key {
                        case "socket_address":
                            return (
                                key,
                                .object([
                                    ("address", .string("127.0.0.1")), ("port_value", .number(String(port))),
                                ])
                            )
                        case "health_check_config":
                            return (key, .object([("port_value", .number(String(port)))]))
                        default: return (key, rewrite(member, port: port))
                        }
                    })
            case .array(let items): return .array(items.map { rewrite($0, port: port) })
            default: return value
            }
        }
        guard case .object(var top) = bootstrap,
            let index = top.firstIndex(where: { $0.key == "static_resources" }),
            case .object(var resources) = top[index].value,
            let clustersIndex = resources.firstIndex(where: { $0.key == "clusters" }),
            case .array(let clusters) = resources[clustersIndex].value
        else { return bootstrap }
        resources[clustersIndex].value = .array(
            clusters.map { cluster in
                guard case .string(let name)? = cluster["name"], let port = upstreams[name],
                    case .object(var fields) = cluster,
                    let assignment = fields.firstIndex(where: { $0.key == "load_assignment" })
                else { return cluster }
                fields[assignment].value = rewrite(fields[assignment].value, port: port)
                return .object(fields)
            })
        top[index].value = .object(resources)
        return .object(top)
    }

    /// Real Envoy (one worker) running `bootstrap` resolved to `upstreams`, its files in
    /// `directory`, once it listens on every one of `ports`; nil with Envoy's log when it does
    /// not start. The caller stops it.
    public static func run(
        _ bootstrap: JSONValue, upstreams: [String: Int], in directory: TemporaryDirectory, ports: [Int]
    ) async throws -> Result<BackgroundProcess, EnvoyDidNotStart> {
        let file = directory.file("envoy.json")
        try Data(resolved(bootstrap, upstreams: upstreams).encoded()).write(to: file)
        let envoy = try BackgroundProcess(
            "envoy", ["-c", file.path, "--disable-hot-restart", "--concurrency", "1", "-l", "warning"],
            logFile: directory.file("envoy.log"))
        let listening = await waitUntil {
            ports.allSatisfy { isListening(port: UInt16($0)) } || !envoy.isRunning
        }
        guard listening && envoy.isRunning else {
            _ = envoy.stop(signal: SIGKILL)
            return .failure(EnvoyDidNotStart(log: envoy.log))
        }
        return .success(envoy)
    }
}

/// Envoy exited or never listened; its log says why.
public struct EnvoyDidNotStart: Error, CustomStringConvertible {
    public let log: String
    public var description: String { "envoy did not start: \(log)" }
}
