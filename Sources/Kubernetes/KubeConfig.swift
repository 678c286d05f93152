import Yams

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A kubeconfig, as kubectl reads it: clusters, users and contexts by name, and the current
/// context. Several files merge in order, the first to name an entry (or to set
/// `current-context`) winning, as kubectl does with `KUBECONFIG=a:b`. Relative file paths are
/// resolved against the folder of the file that holds them.
///
/// Exec and auth-provider plugins are recognised but not run: choosing a context whose user
/// needs one is a configuration error.
public struct KubeConfig: Equatable, Sendable {
    public struct Cluster: Equatable, Sendable {
        public var name: String
        public var server: String?
        /// An absolute path.
        public var certificateAuthority: String?
        /// Base64, as in the file.
        public var certificateAuthorityData: String?
        public var insecureSkipTLSVerify: Bool
        public var tlsServerName: String?
    }

    public struct User: Equatable, Sendable {
        public var name: String
        public var token: String?
        /// An absolute path.
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: String?
        public var clientKey: String?
        public var clientKeyData: String?
        public var username: String?
        public var password: String?
        /// The exec plugin's command, when the user has one.
        public var execCommand: String?
        /// The auth-provider's name, when the user has one.
        public var authProvider: String?
    }

    public struct Context: Equatable, Sendable {
        public var name: String
        public var cluster: String
        public var user: String?
        public var namespace: String?
    }

    public var currentContext: String?
    public var clusters: [Cluster]
    public var users: [User]
    public var contexts: [Context]

    public init(
        currentContext: String? = nil, clusters: [Cluster] = [], users: [User] = [], contexts: [Context] = []
    ) {
        self.currentContext = currentContext
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
    }

    /// Reads one kubeconfig document; relative paths in it are resolved against `directory`.
    /// `source` names the file in error messages.
    public init(yaml: String, directory: String, source: String = "the kubeconfig") throws(KubernetesError) {
        if yaml.allSatisfy(\.isWhitespace) {
            self.init()
            return
        }
        let raw: RawKubeConfig
        do {
            raw = try YAMLDecoder().decode(RawKubeConfig.self, from: yaml)
        } catch {
            throw .configuration("\(source) is not a valid kubeconfig: \(Self.describe(error))")
        }
        func resolve(_ path: String?) -> String? {
            guard let path, !path.isEmpty else { return nil }
            return path.hasPrefix("/") ? path : directory + "/" + path
        }
        func nonEmpty(_ text: String?) -> String? { text?.isEmpty == false ? text : nil }

        var clusters: [Cluster] = []
        for (index, entry) in (raw.clusters ?? []).enumerated() {
            guard let name = nonEmpty(entry.name) else {
                throw .configuration("cluster entry \(index + 1) in \(source) has no name")
            }
            let cluster = entry.cluster ?? RawCluster()
            clusters.append(
                Cluster(
                    name: name, server: nonEmpty(cluster.server),
                    certificateAuthority: resolve(cluster.certificateAuthority),
                    certificateAuthorityData: nonEmpty(cluster.certificateAuthorityData),
                    insecureSkipTLSVerify: cluster.insecureSkipTLSVerify ?? false,
                    tlsServerName: nonEmpty(cluster.tlsServerName)))
        }
        var users: [User] = []
        for (index, entry) in (raw.users ?? []).enumerated() {
            guard let name = nonEmpty(entry.name) else {
                throw .configuration("user entry \(index + 1) in \(source) has no name")
            }
            let user = entry.user ?? RawUser()
            users.append(
                User(
                    name: name, token: nonEmpty(user.token), tokenFile: resolve(user.tokenFile),
                    clientCertificate: resolve(user.clientCertificate),
                    clientCertificateData: nonEmpty(user.clientCertificateData),
                    clientKey: resolve(user.clientKey), clientKeyData: nonEmpty(user.clientKeyData),
                    username: nonEmpty(user.username), password: user.password,
                    execCommand: user.exec.map { $0.command ?? "" },
                    authProvider: user.authProvider.map { $0.name ?? "" }))
        }
        var contexts: [Context] = []
        for (index, entry) in (raw.contexts ?? []).enumerated() {
            guard let name = nonEmpty(entry.name) else {
                throw .configuration("context entry \(index + 1) in \(source) has no name")
            }
            guard let cluster = nonEmpty(entry.context?.cluster) else {
                throw .configuration("context \(name) in \(source) names no cluster")
            }
            contexts.append(
                Context(
                    name: name, cluster: cluster, user: nonEmpty(entry.context?.user),
                    namespace: nonEmpty(entry.context?.namespace)))
        }
        self.init(
            currentContext: nonEmpty(raw.currentContext), clusters: clusters, users: users, contexts: contexts
        )
    }

    /// Reads one kubeconfig file.
    public static func load(file path: String) throws(KubernetesError) -> KubeConfig {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw .configuration("the kubeconfig \(path) cannot be read")
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw .configuration("the kubeconfig \(path) is not UTF-8 text")
        }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            .joined(separator: "/")
        return try KubeConfig(
            yaml: text, directory: directory.isEmpty ? (path.hasPrefix("/") ? "" : ".") : directory,
            source: "the kubeconfig \(path)")
    }

    /// Reads and merges `paths` in order; files that do not exist are skipped, as kubectl skips
    /// them. Nil when none exists.
    public static func load(files paths: [String]) throws(KubernetesError) -> KubeConfig? {
        var merged: KubeConfig?
        for path in paths where FileManager.default.fileExists(atPath: path) {
            let next = try load(file: path)
            if merged == nil { merged = next } else { merged?.merge(next) }
        }
        return merged
    }

    /// The kubeconfig files kubectl would read: `KUBECONFIG` split at `:` (empty parts
    /// dropped), else `~/.kube/config`.
    public static func paths(environment: [String: String], homeDirectory: String?) -> [String] {
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            return list.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        guard let home = homeDirectory ?? environment["HOME"], !home.isEmpty else { return [] }
        return [home + "/.kube/config"]
    }

    /// Adds `other`'s entries whose names this config lacks; this config's entries and current
    /// context win.
    public mutating func merge(_ other: KubeConfig) {
        if currentContext == nil { currentContext = other.currentContext }
        let clusterNames = Set(clusters.map(\.name))
        clusters += other.clusters.filter { !clusterNames.contains($0.name) }
        let userNames = Set(users.map(\.name))
        users += other.users.filter { !userNames.contains($0.name) }
        let contextNames = Set(contexts.map(\.name))
        contexts += other.contexts.filter { !contextNames.contains($0.name) }
    }

    /// The client configuration of `context` (the current context when nil): its cluster's
    /// server and CA, its user's credentials, its namespace. Certificate and key files are read
    /// now; a token file is read by the client, and again whenever it changes.
    public func configuration(context: String? = nil) throws(KubernetesError) -> KubernetesClientConfiguration
    {
        guard let contextName = context ?? currentContext else {
            throw .configuration("the kubeconfig has no current-context and no context was named")
        }
        guard let chosen = contexts.first(where: { $0.name == contextName }) else {
            throw .configuration("the kubeconfig has no context named \(contextName)")
        }
        guard let cluster = clusters.first(where: { $0.name == chosen.cluster }) else {
            throw .configuration(
                "context \(contextName) names cluster \(chosen.cluster), which the kubeconfig does not define"
            )
        }
        guard let server = cluster.server else {
            throw .configuration("cluster \(cluster.name) in the kubeconfig has no server")
        }
        var configuration = KubernetesClientConfiguration(
            server: server, insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
            tlsServerName: cluster.tlsServerName, namespace: chosen.namespace ?? "default")
        configuration.certificateAuthority = try Self.pem(
            data: cluster.certificateAuthorityData, file: cluster.certificateAuthority,
            what: "certificate-authority of cluster \(cluster.name)")

        guard let userName = chosen.user else { return configuration }
        guard let user = users.first(where: { $0.name == userName }) else {
            throw .configuration(
                "context \(contextName) names user \(userName), which the kubeconfig does not define")
        }
        if let command = user.execCommand {
            throw .configuration(
                "user \(userName) authenticates through the exec plugin \(command.isEmpty ? "(no command)" : command), "
                    + "which this client does not run; give the user a token or a client certificate")
        }
        if let provider = user.authProvider {
            throw .configuration(
                "user \(userName) authenticates through the auth-provider \(provider.isEmpty ? "(unnamed)" : provider), "
                    + "which this client does not support; give the user a token or a client certificate")
        }
        configuration.clientCertificate = try Self.pem(
            data: user.clientCertificateData, file: user.clientCertificate,
            what: "client-certificate of user \(userName)")
        configuration.clientKey = try Self.pem(
            data: user.clientKeyData, file: user.clientKey, what: "client-key of user \(userName)")
        switch (configuration.clientCertificate, configuration.clientKey) {
        case (.some, .none):
            throw .configuration("user \(userName) has a client certificate but no client key")
        case (.none, .some):
            throw .configuration("user \(userName) has a client key but no client certificate")
        default: break
        }
        if let tokenFile = user.tokenFile {
            // The file wins over an inline token, as in client-go: it is the one that rotates.
            guard FileManager.default.isReadableFile(atPath: tokenFile) else {
                throw .configuration("the tokenFile \(tokenFile) of user \(userName) cannot be read")
            }
            configuration.credentials = .bearerTokenFile(tokenFile)
        } else if let token = user.token {
            configuration.credentials = .bearerToken(token)
        } else if let username = user.username {
            configuration.credentials = .basic(username: username, password: user.password ?? "")
        }
        return configuration
    }

    /// Inline base64 data wins over a file, as in kubectl.
    private static func pem(data: String?, file: String?, what: String) throws(KubernetesError)
        -> KubernetesClientConfiguration.PEMSource?
    {
        if let data {
            let compact = data.filter { !$0.isWhitespace }
            guard let decoded = Data(base64Encoded: compact), !decoded.isEmpty else {
                throw .configuration("the \(what) data is not valid base64")
            }
            return .data(Array(decoded))
        }
        if let file {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw .configuration("the \(what) file \(file) cannot be read")
            }
            return .data(Array(contents))
        }
        return nil
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

private struct RawKubeConfig: Decodable {
    var currentContext: String?
    var clusters: [NamedCluster]?
    var users: [NamedUser]?
    var contexts: [NamedContext]?

    enum CodingKeys: String, CodingKey {
        case currentContext = "current-context"
        case clusters, users, contexts
    }
}

private struct NamedCluster: Decodable {
    var name: String?
    var cluster: RawCluster?
}

private struct NamedUser: Decodable {
    var name: String?
    var user: RawUser?
}

private struct NamedContext: Decodable {
    var name: String?
    var context: RawContext?
}

private struct RawCluster: Decodable {
    var server: String?
    var certificateAuthority: String?
    var certificateAuthorityData: String?
    var insecureSkipTLSVerify: Bool?
    var tlsServerName: String?

    enum CodingKeys: String, CodingKey {
        case server
        case certificateAuthority = "certificate-authority"
        case certificateAuthorityData = "certificate-authority-data"
        case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        case tlsServerName = "tls-server-name"
    }
}

private struct RawUser: Decodable {
    var token: String?
    var tokenFile: String?
    var clientCertificate: String?
    var clientCertificateData: String?
    var clientKey: String?
    var clientKeyData: String?
    var username: String?
    var password: String?
    var exec: RawExec?
    var authProvider: RawAuthProvider?

    enum CodingKeys: String, CodingKey {
        case token, tokenFile, username, password, exec
        case clientCertificate = "client-certificate"
        case clientCertificateData = "client-certificate-data"
        case clientKey = "client-key"
        case clientKeyData = "client-key-data"
        case authProvider = "auth-provider"
    }
}

private struct RawExec: Decodable {
    var command: String?
}

private struct RawAuthProvider: Decodable {
    var name: String?
}

private struct RawContext: Decodable {
    var cluster: String?
    var user: String?
    var namespace: String?
}
