#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension KubernetesClientConfiguration {
    /// Where a pod's service account is mounted.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The configuration of a pod: the API server from `KUBERNETES_SERVICE_HOST` and
    /// `KUBERNETES_SERVICE_PORT`, the service account's token (read again when it rotates),
    /// CA and namespace from `directory`. Nil when the environment variables are absent.
    public static func inCluster(
        environment: [String: String], serviceAccountDirectory directory: String = serviceAccountDirectory
    ) throws(KubernetesError) -> KubernetesClientConfiguration? {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else { return nil }
        guard let portNumber = UInt16(port), portNumber > 0 else {
            throw .configuration("KUBERNETES_SERVICE_PORT is \(port), not a port number")
        }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let tokenFile = directory + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenFile) else {
            throw .configuration("the service account token \(tokenFile) cannot be read")
        }
        let caFile = directory + "/ca.crt"
        guard let ca = FileManager.default.contents(atPath: caFile) else {
            throw .configuration("the service account CA \(caFile) cannot be read")
        }
        var namespace = "default"
        if let bytes = FileManager.default.contents(atPath: directory + "/namespace") {
            let text =
                String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace).first
                .map(String.init) ?? ""
            if !text.isEmpty { namespace = text }
        }
        return KubernetesClientConfiguration(
            server: "https://\(hostPart):\(portNumber)", certificateAuthority: .data(Array(ca)),
            credentials: .bearerTokenFile(tokenFile), namespace: namespace)
    }

    /// Finds the cluster to talk to, in controller-runtime's order: the files in `KUBECONFIG`,
    /// then the pod's service account, then `~/.kube/config`. Nil when there is none of them,
    /// which means no cluster is configured (the caller then starts the embedded one).
    ///
    /// In a pod the service account wins over a stray `~/.kube/config`; outside one,
    /// `KUBECONFIG` and `~/.kube/config` behave as in kubectl: missing files in `KUBECONFIG` are
    /// skipped, and a set `KUBECONFIG` is never supplemented by `~/.kube/config`. `context` picks a context other
    /// than the kubeconfig's current one.
    public static func detect(
        environment: [String: String] = ProcessInfo.processInfo.environment, context: String? = nil,
        homeDirectory: String? = nil, serviceAccountDirectory: String = serviceAccountDirectory
    ) throws(KubernetesError) -> KubernetesClientConfiguration? {
        let kubeconfigVariable = environment["KUBECONFIG"].map { !$0.isEmpty } ?? false
        if kubeconfigVariable {
            let paths = KubeConfig.paths(environment: environment, homeDirectory: homeDirectory)
            if let config = try KubeConfig.load(files: paths) {
                return try config.configuration(context: context)
            }
        }
        if let inCluster = try inCluster(
            environment: environment, serviceAccountDirectory: serviceAccountDirectory)
        {
            return inCluster
        }
        // As in kubectl, a set KUBECONFIG replaces ~/.kube/config even when its files are missing.
        if kubeconfigVariable { return nil }
        let home = KubeConfig.paths(
            environment: ["HOME": homeDirectory ?? environment["HOME"] ?? ""], homeDirectory: nil)
        if let config = try KubeConfig.load(files: home) {
            return try config.configuration(context: context)
        }
        return nil
    }
}
