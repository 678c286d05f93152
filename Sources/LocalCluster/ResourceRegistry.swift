import KubernetesAPITypes

/// The resources the local API serves, looked up by group, version and plural (or short name).
struct ResourceRegistry: Sendable {
    let definitions: [ResourceDefinition]

    static let standard = ResourceRegistry(definitions: [
        ResourceDefinition(
            type: .pods, singularName: "pod", shortNames: ["po"], categories: ["all"], hasStatus: true,
            nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .configMaps, singularName: "configmap", shortNames: ["cm"], categories: [],
            hasStatus: false,
            nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .persistentVolumeClaims, singularName: "persistentvolumeclaim", shortNames: ["pvc"],
            categories: [], hasStatus: true, nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .services, singularName: "service", shortNames: ["svc"], categories: ["all"],
            hasStatus: true,
            nameRule: .label, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .secrets, singularName: "secret", shortNames: [], categories: [], hasStatus: false,
            nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .events, singularName: "event", shortNames: ["ev"], categories: [], hasStatus: false,
            nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .namespaces, singularName: "namespace", shortNames: ["ns"], categories: [], hasStatus: true,
            nameRule: .label, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .deployments, singularName: "deployment", shortNames: ["deploy"], categories: ["all"],
            hasStatus: true, nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .podDisruptionBudgets, singularName: "poddisruptionbudget", shortNames: ["pdb"],
            categories: [], hasStatus: true, nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .nodes, singularName: "node", shortNames: ["no"], categories: [], hasStatus: true,
            nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .storageClasses, singularName: "storageclass", shortNames: ["sc"], categories: [],
            hasStatus: false, nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .leases, singularName: "lease", shortNames: [], categories: [], hasStatus: false,
            nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .serviceAccounts, singularName: "serviceaccount", shortNames: ["sa"], categories: [],
            hasStatus: false, nameRule: .subdomain, allowsUnconditionalUpdate: true),
        // RBAC objects are stored so deploy/ applies as on Kubernetes; nothing enforces them.
        ResourceDefinition(
            type: .clusterRoles, singularName: "clusterrole", shortNames: [], categories: [],
            hasStatus: false,
            nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .clusterRoleBindings, singularName: "clusterrolebinding", shortNames: [], categories: [],
            hasStatus: false, nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .roles, singularName: "role", shortNames: [], categories: [], hasStatus: false,
            nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .roleBindings, singularName: "rolebinding", shortNames: [], categories: [],
            hasStatus: false,
            nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            type: .customResourceDefinitions, singularName: "customresourcedefinition",
            shortNames: ["crd", "crds"],
            categories: [], hasStatus: true, nameRule: .subdomain, allowsUnconditionalUpdate: true),
        ResourceDefinition(
            // As deploy/crd.yaml declares it: no status subresource, so an action's spec change
            // and its status record are one write.
            type: .kafkaClusters, singularName: "kafkacluster", shortNames: ["kc"],
            categories: ["all", "kafka"],
            hasStatus: false, nameRule: .subdomain, allowsUnconditionalUpdate: false,
            printerColumns: [
                .init(name: "State", type: "string", jsonPath: ".status.state"),
                .init(name: "Brokers", type: "integer", jsonPath: ".status.brokerCount"),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp"),
            ]),
        ResourceDefinition(
            // Koperator's record of a Cruise Control task; its status is a subresource.
            type: .cruiseControlOperations, singularName: "cruisecontroloperation", shortNames: ["cco"],
            categories: [], hasStatus: true, nameRule: .subdomain, allowsUnconditionalUpdate: false,
            printerColumns: [
                .init(name: "Operation", type: "string", jsonPath: ".status.currentTask.operation"),
                .init(name: "State", type: "string", jsonPath: ".status.currentTask.state"),
                .init(name: "Retries", type: "integer", jsonPath: ".status.retryCount"),
                .init(name: "Task ID", type: "string", jsonPath: ".status.currentTask.id", priority: 1),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp"),
            ]),
        ResourceDefinition(
            // Koperator's topic resource, as deploy/crd-kafkatopic.yaml declares it.
            type: .kafkaTopics, singularName: "kafkatopic", shortNames: ["kt"], categories: [],
            hasStatus: true,
            nameRule: .subdomain, allowsUnconditionalUpdate: false,
            printerColumns: [
                .init(name: "Topic", type: "string", jsonPath: ".spec.name"),
                .init(name: "Partitions", type: "integer", jsonPath: ".spec.partitions"),
                .init(name: "Replication", type: "integer", jsonPath: ".spec.replicationFactor"),
                .init(name: "State", type: "string", jsonPath: ".status.state"),
                .init(name: "Message", type: "string", jsonPath: ".status.message", priority: 1),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp"),
            ]),
        ResourceDefinition(
            // Koperator's user resource, as deploy/crd-kafkauser.yaml declares it.
            type: .kafkaUsers, singularName: "kafkauser", shortNames: ["ku"], categories: [],
            hasStatus: true,
            nameRule: .subdomain, allowsUnconditionalUpdate: false,
            printerColumns: [
                .init(name: "Cluster", type: "string", jsonPath: ".spec.clusterRef.name"),
                .init(name: "Secret", type: "string", jsonPath: ".spec.secretName"),
                .init(name: "State", type: "string", jsonPath: ".status.state"),
                .init(name: "Expires", type: "string", jsonPath: ".status.certificateNotAfter", priority: 1),
                .init(name: "Message", type: "string", jsonPath: ".status.message", priority: 1),
                .init(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp"),
            ]),
    ])

    func find(group: String, version: String, plural: String) -> ResourceDefinition? {
        definitions.first { $0.group == group && $0.type.version == version && $0.plural == plural }
    }

    func definition(for type: ResourceType) -> ResourceDefinition? {
        definitions.first { $0.type == type }
    }

    /// The groups other than core, in the order they were defined, each with its versions.
    var groups: [(name: String, versions: [String])] {
        var result: [(name: String, versions: [String])] = []
        for definition in definitions where !definition.group.isEmpty {
            if let index = result.firstIndex(where: { $0.name == definition.group }) {
                if !result[index].versions.contains(definition.type.version) {
                    result[index].versions.append(definition.type.version)
                }
            } else {
                result.append((definition.group, [definition.type.version]))
            }
        }
        return result
    }

    func resources(group: String, version: String) -> [ResourceDefinition] {
        definitions.filter { $0.group == group && $0.type.version == version }
    }

    // `standard` lists namespaces literally above, so the lookup cannot fail.
    static let namespaces = standard.definition(for: .namespaces)!
}
