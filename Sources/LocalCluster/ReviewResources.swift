import JSON

/// The create-only review APIs kubectl's `auth whoami` and `auth can-i` call. Nothing is
/// stored: the answer is made from the request. The local cluster authenticates nobody beyond
/// its optional token and enforces no RBAC, so every caller is one administrator and every
/// access review is allowed, with a reason that says why.
enum ReviewResources {
    struct Review: Sendable {
        let group: String
        let version: String
        let plural: String
        let kind: String
    }

    static let all = [
        Review(
            group: "authentication.k8s.io", version: "v1", plural: "selfsubjectreviews",
            kind: "SelfSubjectReview"),
        Review(
            group: "authorization.k8s.io", version: "v1", plural: "selfsubjectaccessreviews",
            kind: "SelfSubjectAccessReview"),
    ]

    static func find(group: String, version: String, plural: String) -> Review? {
        all.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    /// The review's answer to `body`, the review as sent.
    static func answer(_ review: Review, body: JSONValue) -> JSONValue {
        let status: JSONValue
        switch review.plural {
        case "selfsubjectreviews":
            status = .object([
                (
                    "userInfo",
                    .object([
                        ("username", .string("local-admin")),
                        ("groups", .array([.string("system:masters"), .string("system:authenticated")])),
                    ])
                )
            ])
        default:
            status = .object([
                ("allowed", .bool(true)),
                ("reason", .string("the local cluster does not enforce RBAC: every request is allowed")),
            ])
        }
        var members: [(key: String, value: JSONValue)] = [
            ("kind", .string(review.kind)), ("apiVersion", .string("\(review.group)/\(review.version)")),
            ("metadata", .object([])),
        ]
        if let spec = body["spec"] { members.append(("spec", spec)) }
        members.append(("status", status))
        return .object(members)
    }

    /// The discovery entry of a review resource.
    static func discoveryEntry(_ review: Review) -> JSONValue {
        .object([
            ("name", .string(review.plural)), ("singularName", .string("")), ("namespaced", .bool(false)),
            ("kind", .string(review.kind)), ("verbs", .array([.string("create")])),
        ])
    }
}
