import ResourceQuantity

/// Checks a KafkaCluster against the rules the operator relies on, reporting every problem.
public enum ClusterValidator {
    public static func problems(in cluster: KafkaCluster) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        func report(_ path: String, _ rule: String) {
            problems.append(ValidationProblem(path: path, rule: rule))
        }

        if cluster.metadata.name.isEmpty { report("metadata.name", "must not be empty") }
        let spec = cluster.spec
        let groups = spec.brokerConfigGroups ?? [:]

        for name in groups.keys.sorted() {
            checkStorage(
                groups[name]?.storageConfigs ?? [], at: "spec.brokerConfigGroups.\(name)", report: report)
        }

        var seenIDs: Set<Int32> = []
        for (index, broker) in spec.brokers.enumerated() {
            let path = "spec.brokers[\(index)]"
            if broker.id < 0 || broker.id >= 65_535 {
                report("\(path).id", "must be between 0 and 65534, not \(broker.id)")
            }
            if !seenIDs.insert(broker.id).inserted {
                report("\(path).id", "broker id \(broker.id) is used twice")
            }
            if let group = broker.brokerConfigGroup, groups[group] == nil {
                report("\(path).brokerConfigGroup", "no broker config group is called '\(group)'")
            }
            checkStorage(
                broker.brokerConfig?.storageConfigs ?? [], at: "\(path).brokerConfig", report: report)
            // The broker's own disk at a group disk's exact path replaces it; any other overlap,
            // the broker's own disks among themselves included, is a collision.
            let own = broker.brokerConfig?.storageConfigs?.map(\.mountPath) ?? []
            let inherited =
                broker.brokerConfigGroup.flatMap { groups[$0]?.storageConfigs }?.map(\.mountPath) ?? []
            checkMountPathCollisions(inherited.filter { !own.contains($0) } + own, at: path, report: report)
        }

        if let budget = spec.disruptionBudget, budget.allowedDown(brokers: spec.brokers.count) == nil {
            report(
                "spec.disruptionBudget.budget",
                "must be a whole number of brokers or a percentage from 0% to 100%, not '\(budget.budget ?? "")'"
            )
        }

        if spec.listenersConfig?.sslSecrets != nil || spec.needsClusterCA,
            SSLSecrets(spec.listenersConfig?.sslSecrets) == nil
        {
            report(
                "spec.listenersConfig.sslSecrets.tlsSecretName",
                spec.needsClusterCA
                    ? "an ssl listener needs the name of the Secret holding the cluster's CA"
                    : "must name the Secret holding the cluster's CA")
        }

        if let envoy = spec.envoyConfig {
            for (field, value) in [
                ("connectTimeout", envoy.connectTimeout), ("idleTimeout", envoy.idleTimeout),
            ] {
                guard let value else { continue }
                let milliseconds = DurationText.milliseconds(value)
                if milliseconds == nil || milliseconds == 0 {
                    report(
                        "spec.envoyConfig.\(field)",
                        "must be a positive duration such as 500ms, 2s or 1m30s, not '\(value)'")
                }
            }
            if let limit = envoy.maxConnections, limit < 1 {
                report("spec.envoyConfig.maxConnections", "must be at least 1, not \(limit)")
            }
        }

        var listenerNames: Set<String> = []
        var listenerPorts: Set<Int> = []
        // Each listener with its path, and the fields both kinds have.
        let listeners =
            (spec.listenersConfig?.internalListeners ?? []).enumerated().map {
                (
                    path: "spec.listenersConfig.internalListeners[\($0.offset)]", name: $0.element.name,
                    port: $0.element.containerPort, type: $0.element.type,
                    certificate: $0.element.serverSSLCertSecret
                )
            }
            + (spec.listenersConfig?.externalListeners ?? []).enumerated().map {
                (
                    path: "spec.listenersConfig.externalListeners[\($0.offset)]", name: $0.element.name,
                    port: $0.element.containerPort, type: $0.element.type,
                    certificate: $0.element.serverSSLCertSecret
                )
            }
        for listener in listeners where listener.certificate != nil {
            if secretReferenceName(listener.certificate) == nil {
                report(
                    "\(listener.path).serverSSLCertSecret.name",
                    "must name the Secret holding the listener's keystore")
            }
            if !["ssl", "sasl_ssl"].contains(listener.type.lowercased()) {
                report(
                    "\(listener.path).serverSSLCertSecret", "a \(listener.type) listener uses no certificate")
            }
        }
        if spec.clientSSLCertSecret != nil && spec.clientCertificateSecret == nil {
            report("spec.clientSSLCertSecret.name", "must name the Secret holding the client keystore")
        }
        for (path, name, port, _, _) in listeners {
            if name.isEmpty { report("\(path).name", "must not be empty") }
            if !listenerNames.insert(name).inserted {
                report("\(path).name", "listener name '\(name)' is used twice")
            }
            if !(1...65_535).contains(port) {
                report("\(path).containerPort", "must be a port between 1 and 65535")
            }
            if !listenerPorts.insert(port).inserted {
                report("\(path).containerPort", "port \(port) is used twice")
            }
        }

        if let limits = spec.alertManagerConfig {
            if let up = limits.upScaleLimit, up < spec.brokers.count {
                report(
                    "spec.alertManagerConfig.upScaleLimit",
                    "is \(up), below the \(spec.brokers.count) brokers the cluster already has")
            }
            if let down = limits.downScaleLimit, down < 0 {
                report("spec.alertManagerConfig.downScaleLimit", "must not be negative")
            }
            if let up = limits.upScaleLimit, let down = limits.downScaleLimit, down > up {
                report("spec.alertManagerConfig.downScaleLimit", "is above upScaleLimit (\(down) > \(up))")
            }
        }
        if let threshold = spec.rollingUpgradeConfig?.failureThreshold, threshold < 0 {
            report("spec.rollingUpgradeConfig.failureThreshold", "must not be negative")
        }
        if let concurrent = spec.rollingUpgradeConfig?.concurrentBrokerRestartCountPerRack, concurrent < 1 {
            report("spec.rollingUpgradeConfig.concurrentBrokerRestartCountPerRack", "must be at least 1")
        }
        if let cruiseControl = spec.cruiseControlConfig {
            CruiseControlValidation.check(cruiseControl, in: spec, report: report)
        }
        return problems
    }

    private static func checkStorage(
        _ storage: [StorageConfig], at path: String, report: (String, String) -> Void
    ) {
        for (index, disk) in storage.enumerated() {
            let diskPath = "\(path).storageConfigs[\(index)]"
            if !disk.mountPath.hasPrefix("/") || disk.mountPath.count < 2 {
                report(
                    "\(diskPath).mountPath", "must be an absolute path other than /, not '\(disk.mountPath)'")
            }
            guard let size = disk.pvcSpec?.storage else { continue }
            do {
                let quantity = try Quantity(parsing: size)
                if quantity.milliValue <= 0 {
                    report("\(diskPath).pvcSpec.resources.requests.storage", "must be more than zero")
                }
            } catch {
                report("\(diskPath).pvcSpec.resources.requests.storage", error.description)
            }
        }
    }

    /// Two disks of one broker must not share a mount path, nor may one be inside the other.
    private static func checkMountPathCollisions(
        _ paths: [String], at path: String, report: (String, String) -> Void
    ) {
        let normalised = paths.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        for (index, mount) in normalised.enumerated() {
            for other in normalised[..<index] {
                if mount == other {
                    report("\(path).storageConfigs", "mount path \(mount) is used twice")
                } else if mount.hasPrefix(other + "/") || other.hasPrefix(mount + "/") {
                    report("\(path).storageConfigs", "mount paths \(other) and \(mount) are nested")
                }
            }
        }
    }
}

/// One broken rule, at a field path such as `spec.brokers[2].id`.
public struct ValidationProblem: Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let rule: String

    public var description: String { "\(path): \(rule)" }
}

extension KafkaClusterSpec {
    /// The broker's disks: those of its config group, each replaced by the broker's own disk
    /// at the same mount path (as Koperator merges them, so one broker's disk can differ from
    /// its group's), then the broker's other disks.
    public func effectiveStorage(of broker: Broker) -> [StorageConfig] {
        let group = broker.brokerConfigGroup.flatMap { brokerConfigGroups?[$0]?.storageConfigs } ?? []
        let own = broker.brokerConfig?.storageConfigs ?? []
        let groupPaths = Set(group.map(\.mountPath))
        return group.map { disk in own.first { $0.mountPath == disk.mountPath } ?? disk }
            + own.filter { !groupPaths.contains($0.mountPath) }
    }
}
