import JSON

/// Drops from an object of a built-in kind what its Go type has no field for, as the API
/// server's JSON decoder drops it (and, under `Strict`, refuses it), and says which fields went
/// in the decoder's notation (`spec.foo`, `spec.containers[0].foo`). The fields are those of the
/// kind's official OpenAPI schema (`OpenAPISchemas.builtIn`), compiled once into a graph of
/// nodes so a write costs one dictionary lookup per member.
struct BuiltInFieldPruning: Sendable {
    /// What one schema allows of a value.
    struct Node: Sendable {
        /// Members of an object, each with its node.
        var properties: [String: Int] = [:]
        /// A map's values (`additionalProperties` with a schema).
        var values: Int?
        /// An array's items.
        var items: Int?
        /// No properties and no map values: any members are kept, as in RawExtension, FieldsV1,
        /// the JSON of a CRD's defaults, and every scalar.
        var open = true
    }

    /// The compiled schemas: every node, and the node of each component by name.
    struct Graph: Sendable {
        var nodes: [Node] = []
        var components: [String: Int] = [:]
    }

    static let graph: Graph = compile(OpenAPISchemas.builtIn)

    let root: Int

    /// The pruning for a built-in kind; nil for a kind without an official schema.
    init?(_ definition: ResourceDefinition) {
        guard let name = OpenAPISchemas.builtInName(definition), let root = Self.graph.components[name] else {
            return nil
        }
        self.root = root
    }

    /// Prunes a whole object; returns the paths dropped, in document order.
    func prune(_ object: inout JSONValue) -> [String] {
        var dropped: [String] = []
        var path = Path()
        Self.prune(&object, Self.graph.nodes, root, &path, &dropped)
        return dropped
    }

    /// Where the walk is: a member's path is written out only when the member is dropped, so a
    /// write whose fields are all known costs no strings.
    private struct Path {
        enum Step {
            case member(String)
            case item(Int)
        }
        var steps: [Step] = []

        func text(adding key: String) -> String {
            var text = ""
            for step in steps {
                switch step {
                case .member(let name): text += text.isEmpty ? name : ".\(name)"
                case .item(let index): text += "[\(index)]"
                }
            }
            return text.isEmpty ? key : "\(text).\(key)"
        }
    }

    private static func prune(
        _ value: inout JSONValue, _ nodes: [Node], _ index: Int, _ path: inout Path, _ dropped: inout [String]
    ) {
        switch value {
        case .object(var members):
            if nodes[index].open { return }
            var changed = false
            var position = 0
            while position < members.count {
                let key = members[position].key
                guard let child = nodes[index].values ?? nodes[index].properties[key] else {
                    dropped.append(path.text(adding: key))
                    members.remove(at: position)
                    changed = true
                    continue
                }
                if needsPruning(members[position].value, nodes[child]) {
                    var member = members[position].value
                    let before = dropped.count
                    path.steps.append(.member(key))
                    prune(&member, nodes, child, &path, &dropped)
                    path.steps.removeLast()
                    if dropped.count != before {
                        members[position].value = member
                        changed = true
                    }
                }
                position += 1
            }
            if changed { value = .object(members) }
        case .array(var items):
            guard let child = nodes[index].items, needsPruning(value, nodes[index]) else { return }
            var changed = false
            for position in items.indices where needsPruning(items[position], nodes[child]) {
                // Pruned apart, so an item with nothing to drop does not copy the array.
                var item = items[position]
                let before = dropped.count
                path.steps.append(.item(position))
                prune(&item, nodes, child, &path, &dropped)
                path.steps.removeLast()
                if dropped.count != before {
                    items[position] = item
                    changed = true
                }
            }
            if changed { value = .array(items) }
        default:
            return
        }
    }

    /// Whether a value can hold anything to drop under a node: an object under a closed node,
    /// or an array of items that can.
    private static func needsPruning(_ value: JSONValue, _ node: Node) -> Bool {
        switch value {
        case .object: return !node.open
        case .array: return node.items != nil
        default: return false
        }
    }

    // MARK: - Compiling

    static func compile(_ schemas: [String: JSONValue]) -> Graph {
        var graph = Graph()
        // Components first, so a reference, even a cyclic one, is an index known in advance.
        for name in schemas.keys.sorted() {
            graph.components[name] = graph.nodes.count
            graph.nodes.append(Node())
        }
        for name in schemas.keys.sorted() {
            guard let index = graph.components[name], let schema = schemas[name] else { continue }
            graph.nodes[index] = node(schema, &graph)
        }
        return graph
    }

    /// The node of a schema inside a component (a property's, an item's): the component it
    /// refers to, or one of its own.
    private static func index(of schema: JSONValue, _ graph: inout Graph) -> Int {
        if let reference = referenced(schema), let index = graph.components[reference] { return index }
        graph.nodes.append(Node())
        let index = graph.nodes.count - 1
        graph.nodes[index] = node(schema, &graph)
        return index
    }

    private static func node(_ schema: JSONValue, _ graph: inout Graph) -> Node {
        var node = Node()
        if case .object(let properties)? = schema["properties"] {
            node.open = false
            for (name, property) in properties { node.properties[name] = index(of: property, &graph) }
        }
        if let values = schema["additionalProperties"], values.members != nil {
            node.open = false
            node.values = index(of: values, &graph)
        }
        if let items = schema["items"] { node.items = index(of: items, &graph) }
        return node
    }

    /// The component a schema stands for: `$ref`, or an `allOf` of one `$ref` beside the
    /// property's own description, as the server's documents write a property of a struct type.
    private static func referenced(_ schema: JSONValue) -> String? {
        let prefix = OpenAPISchemas.referencePrefix
        if case .string(let reference)? = schema["$ref"], reference.hasPrefix(prefix) {
            return String(reference.dropFirst(prefix.count))
        }
        if case .array(let parts)? = schema["allOf"], parts.count == 1, schema["properties"] == nil {
            return referenced(parts[0])
        }
        return nil
    }
}
