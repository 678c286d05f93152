/// Checks a broker's `server.properties` the way Kafka 3.x checks its configuration at
/// start-up, for the settings the operator renders: listeners against the security protocol
/// map and the inter-broker listener, one log dir per disk, and complete ZooKeeper or KRaft
/// settings (node id, roles, quorum voters, controller listener). Pure; every problem is
/// reported, each naming the key.
public enum ServerPropertiesCheck {
    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        public let key: String
        public let reason: String
        public var description: String { "\(key): \(reason)" }
    }

    static let securityProtocols: Set<String> = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]

    /// `disks` are the mount paths of the broker's data volumes; `containerPorts` the ports
    /// its container declares, which must be distinct and include every listener's;
    /// `secretMounts`, when given, where its container mounts Secrets: every keystore and
    /// truststore file the settings name must be under one.
    public static func problems(
        _ properties: [String: String], disks: [String], containerPorts: [Int32],
        secretMounts: [String]? = nil
    ) -> [Problem] {
        var problems: [Problem] = []
        func report(_ key: String, _ reason: String) { problems.append(Problem(key: key, reason: reason)) }
        func list(_ key: String) -> [String] {
            (properties[key] ?? "").split(separator: ",").map { String($0.filter { !$0.isWhitespace }) }
                .filter { !$0.isEmpty }
        }

        var protocols: [String: String] = [:]
        for entry in list("listener.security.protocol.map") {
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, securityProtocols.contains(parts[1].uppercased())
            else {
                report("listener.security.protocol.map", "'\(entry)' is not NAME:PROTOCOL")
                continue
            }
            if protocols.updateValue(parts[1], forKey: parts[0].uppercased()) != nil {
                report("listener.security.protocol.map", "\(parts[0]) is mapped twice")
            }
        }
        problems += sslProblems(properties, protocols: protocols, secretMounts: secretMounts)
        func endpoints(_ key: String) -> [(name: String, host: String, port: Int)] {
            list(key).compactMap { entry in
                guard let separator = entry.range(of: "://"),
                    let colon = entry[separator.upperBound...].lastIndex(of: ":"),
                    let port = Int(entry[entry.index(after: colon)...]), (0...65_535).contains(port)
                else {
                    report(key, "'\(entry)' is not NAME://host:port")
                    return nil
                }
                let name = entry[..<separator.lowerBound].uppercased()
                if protocols[name] == nil && !(protocols.isEmpty && securityProtocols.contains(name)) {
                    report(key, "listener \(name) has no security protocol in listener.security.protocol.map")
                }
                return (name, String(entry[separator.upperBound..<colon]), port)
            }
        }

        let listeners = endpoints("listeners")
        let listenerNames = Set(listeners.map(\.name))
        if listeners.isEmpty { report("listeners", "no listener is configured") }
        if listenerNames.count != listeners.count { report("listeners", "a listener name is used twice") }
        if Set(listeners.map(\.port)).count != listeners.count { report("listeners", "a port is used twice") }
        if Set(containerPorts).count != containerPorts.count {
            report("listeners", "the pod declares a port twice")
        }
        for listener in listeners where !containerPorts.contains(Int32(listener.port)) {
            report("listeners", "port \(listener.port) of \(listener.name) is not a port of the pod")
        }

        let logDirs = list("log.dirs").isEmpty ? list("log.dir") : list("log.dirs")
        if logDirs.count != disks.count {
            report("log.dirs", "\(logDirs.count) log dirs for \(disks.count) disks")
        }
        if Set(logDirs).count != logDirs.count { report("log.dirs", "a log dir is listed twice") }
        for directory in logDirs
        where !disks.contains(where: { directory == $0 || directory.hasPrefix($0 + "/") }) {
            report("log.dirs", "\(directory) is on no disk of the pod")
        }

        let roles = Set(list("process.roles"))
        let interBroker = properties["inter.broker.listener.name"]?.uppercased()
        let advertisedKey = "advertised.listeners"
        let advertised = properties[advertisedKey] == nil ? nil : endpoints(advertisedKey)
        let controllerNames = Set(list("controller.listener.names").map { $0.uppercased() })

        if roles.isEmpty {
            guard let id = properties["broker.id"].flatMap(Int32.init), id >= 0 else {
                report("broker.id", "ZooKeeper mode needs a broker id")
                return problems
            }
            if let node = properties["node.id"], node != String(id) {
                report("node.id", "differs from broker.id")
            }
            if list("zookeeper.connect").isEmpty { report("zookeeper.connect", "ZooKeeper mode needs it") }
            if !controllerNames.isEmpty { report("controller.listener.names", "is for KRaft mode only") }
            if let control = properties["control.plane.listener.name"]?.uppercased() {
                if !listenerNames.contains(control) {
                    report("control.plane.listener.name", "\(control) is not a listener")
                }
                if control == interBroker {
                    report("control.plane.listener.name", "is the inter-broker listener")
                }
            }
            checkBrokerListeners()
            return problems
        }

        guard let nodeID = properties["node.id"].flatMap(Int32.init), nodeID >= 0 else {
            report("node.id", "KRaft mode needs a node id")
            return problems
        }
        if let broker = properties["broker.id"], broker != String(nodeID) {
            report("broker.id", "differs from node.id")
        }
        if !roles.isSubset(of: ["broker", "controller"]) {
            report("process.roles", "only broker and controller exist")
        }
        if properties["zookeeper.connect"] != nil {
            report("zookeeper.connect", "is for ZooKeeper mode only")
        }
        if properties["control.plane.listener.name"] != nil {
            report("control.plane.listener.name", "is for ZooKeeper mode only")
        }
        var voters: [Int32: Int] = [:]
        for voter in list("controller.quorum.voters") {
            let parts = voter.split(separator: "@", maxSplits: 1)
            guard parts.count == 2, let id = Int32(parts[0]), let colon = parts[1].lastIndex(of: ":"),
                let port = Int(parts[1][parts[1].index(after: colon)...]), colon != parts[1].startIndex
            else {
                report("controller.quorum.voters", "'\(voter)' is not id@host:port")
                continue
            }
            voters[id] = port
        }
        if voters.isEmpty { report("controller.quorum.voters", "KRaft needs the controller quorum") }
        if controllerNames.isEmpty {
            report("controller.listener.names", "KRaft needs the controller listener")
        }
        for name in controllerNames where protocols[name] == nil {
            report(
                "controller.listener.names",
                "\(name) has no security protocol in listener.security.protocol.map")
        }
        let servedControllers = listeners.filter { controllerNames.contains($0.name) }
        if roles.contains("controller") {
            if voters[nodeID] == nil {
                report("controller.quorum.voters", "a controller must be one of the voters")
            }
            if servedControllers.isEmpty {
                report("listeners", "a controller must listen on its controller listener")
            }
            if let port = voters[nodeID], !servedControllers.contains(where: { $0.port == port }) {
                report(
                    "controller.quorum.voters",
                    "this node's voter port \(port) is not its controller listener's")
            }
        } else {
            if voters[nodeID] != nil {
                report("controller.quorum.voters", "a broker-only node must not be a voter")
            }
            if !servedControllers.isEmpty {
                report("listeners", "a broker-only node must not listen as a controller")
            }
        }
        if roles.contains("broker") {
            if let interBroker, controllerNames.contains(interBroker) {
                report("inter.broker.listener.name", "must not be a controller listener")
            }
            if advertised?.contains(where: { controllerNames.contains($0.name) }) == true {
                report(advertisedKey, "must not advertise a controller listener")
            }
            checkBrokerListeners()
        } else {
            if advertised != nil { report(advertisedKey, "a controller-only node advertises nothing") }
            if listeners.contains(where: { !controllerNames.contains($0.name) }) {
                report("listeners", "a controller-only node listens on its controller listener only")
            }
        }
        return problems

        func checkBrokerListeners() {
            let names = advertised.map { Set($0.map(\.name)) } ?? listenerNames.subtracting(controllerNames)
            if names.isEmpty { report(advertisedKey, "a broker needs an advertised listener") }
            if !names.isSubset(of: listenerNames) {
                report(advertisedKey, "advertises a listener it does not open")
            }
            if advertised?.contains(where: { $0.host == "0.0.0.0" || $0.host.isEmpty }) == true {
                report(advertisedKey, "advertises no reachable host")
            }
            guard let interBroker else {
                report("inter.broker.listener.name", "is not set")
                return
            }
            if !names.contains(interBroker) {
                report("inter.broker.listener.name", "\(interBroker) is not advertised")
            }
        }
    }

    /// What Kafka needs to start an SSL listener, and its metrics reporter an SSL client: a
    /// keystore (a file, or PEM inline), a password for a JKS or PKCS#12 store, files where a
    /// Secret is mounted, and every `${provider:...}` value naming a registered config provider.
    /// Kafka falls back from `listener.name.<l>.ssl.*` to the unprefixed key, and so does this.
    static func sslProblems(
        _ properties: [String: String], protocols: [String: String], secretMounts: [String]?
    )
        -> [Problem]
    {
        var problems: [Problem] = []
        func report(_ key: String, _ reason: String) { problems.append(Problem(key: key, reason: reason)) }
        var prefixes = protocols.filter { $0.value.uppercased().hasSuffix("SSL") }.keys.sorted().map {
            "listener.name.\($0.lowercased())."
        }
        let reporter = "cruise.control.metrics.reporter."
        if properties[reporter + "security.protocol"]?.uppercased().hasSuffix("SSL") == true {
            prefixes.append(reporter)
        }
        for prefix in prefixes {
            // The reporter is a client: it has no listener to fall back to.
            func setting(_ key: String) -> (key: String, value: String)? {
                if let value = properties[prefix + key] { return (prefix + key, value) }
                if prefix == reporter { return nil }
                return properties[key].map { (key, $0) }
            }
            let type = setting("ssl.keystore.type")?.value.uppercased() ?? "JKS"
            guard let location = setting("ssl.keystore.location") else {
                if type != "PEM" || setting("ssl.keystore.certificate.chain") == nil
                    || setting("ssl.keystore.key") == nil
                {
                    report(prefix + "ssl.keystore.location", "an SSL endpoint needs a keystore")
                }
                continue
            }
            if type != "PEM" && setting("ssl.keystore.password") == nil {
                report(prefix + "ssl.keystore.password", "a \(type) keystore needs its password")
            }
            for file in [location, setting("ssl.truststore.location")].compactMap({ $0 }) {
                if let secretMounts, !secretMounts.contains(where: { file.value.hasPrefix($0 + "/") }) {
                    report(file.key, "\(file.value) is in no mounted Secret")
                }
            }
        }
        let providers = Set(
            (properties["config.providers"] ?? "").split(separator: ",").map {
                String($0.filter { !$0.isWhitespace })
            })
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            var rest = value[...]
            while let start = rest.range(of: "${") {
                rest = rest[start.upperBound...]
                guard let colon = rest.firstIndex(of: ":") else { break }
                let provider = String(rest[..<colon])
                if !providers.contains(provider) || properties["config.providers.\(provider).class"] == nil {
                    report(key, "refers to the config provider '\(provider)', which is not registered")
                }
            }
        }
        return problems
    }
}
