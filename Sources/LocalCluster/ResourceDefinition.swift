import KubernetesAPITypes

/// One resource the local API serves: its type, what discovery says about it, and the rules
/// that differ between resources (a status subresource, how names are validated).
struct ResourceDefinition: Sendable, Hashable {
    enum NameRule: Sendable, Hashable {
        /// RFC 1123 subdomain: up to 253 characters, dots allowed.
        case subdomain
        /// RFC 1123 label: up to 63 characters, no dots (namespaces, services).
        case label

        /// Why `name` breaks this rule, or nil when it keeps it.
        func problem(with name: String) -> String? {
            switch self {
            case .subdomain: return NameValidation.subdomainProblem(name)
            case .label: return NameValidation.labelProblem(name)
            }
        }
    }

    /// A column a CustomResourceDefinition declares in `additionalPrinterColumns`.
    struct PrinterColumn: Sendable, Hashable {
        let name: String
        /// `string`, `integer`, `number`, `boolean` or `date`.
        let type: String
        /// A simple JSONPath: `.status.state`.
        let jsonPath: String
        var priority = 0
    }

    let type: ResourceType
    let singularName: String
    let shortNames: [String]
    let categories: [String]
    let hasStatus: Bool
    let nameRule: NameRule
    /// Whether a PUT without `metadata.resourceVersion` is accepted (custom resources refuse it).
    let allowsUnconditionalUpdate: Bool
    /// A custom resource's columns, as its CRD in deploy/ declares them; nil for built-in kinds,
    /// whose tables have the columns kubectl prints for them.
    var printerColumns: [PrinterColumn]? = nil

    var kind: String { type.kind }
    var group: String { type.group }
    var plural: String { type.plural }
    var namespaced: Bool { type.namespaced }
    var apiVersion: String { type.apiVersion }
    /// `pods`, `kafkaclusters.kafka.banzaicloud.io`: how messages name the resource.
    var qualifiedName: String { type.group.isEmpty ? type.plural : "\(type.plural).\(type.group)" }
    /// A key unique across groups, used for storage folders.
    var storageKey: String { type.group.isEmpty ? type.plural : "\(type.plural).\(type.group)" }

    func details(name: String) -> Status.Details {
        Status.Details(name: name, group: type.group, kind: type.plural)
    }

    static let verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
}
