/// Query parameters of list and watch calls.
public struct ListOptions: Equatable, Sendable {
    /// `key=value,key!=value,key in (a,b),key,!key`.
    public var labelSelector: String?
    /// `metadata.name=x,involvedObject.uid=y`.
    public var fieldSelector: String?
    public var resourceVersion: String?
    public var limit: Int?
    public var `continue`: String?
    /// A watch ends after this many seconds; the client then resumes it.
    public var timeoutSeconds: Int?
    public var allowWatchBookmarks: Bool?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
    }

    /// The query parameters in the API's names, for a list (`watch` false) or a watch.
    public func queryItems(watch: Bool) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if watch { items.append(("watch", "true")) }
        if let labelSelector { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(("fieldSelector", fieldSelector)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if let limit { items.append(("limit", String(limit))) }
        if let `continue` { items.append(("continue", `continue`)) }
        if let timeoutSeconds { items.append(("timeoutSeconds", String(timeoutSeconds))) }
        if let allowWatchBookmarks { items.append(("allowWatchBookmarks", String(allowWatchBookmarks))) }
        return items
    }
}

/// The body of a delete (`metav1.DeleteOptions`).
public struct DeleteOptions: Codable, Equatable, Sendable {
    public enum Propagation: String, Codable, Sendable {
        /// Dependents are deleted before the owner is gone.
        case foreground = "Foreground"
        /// The owner goes at once; the garbage collector deletes dependents after.
        case background = "Background"
        /// Dependents stay, without the owner reference.
        case orphan = "Orphan"
    }

    /// The delete happens only if the object still has this uid and resourceVersion.
    public struct Preconditions: Codable, Equatable, Sendable {
        public var uid: String?
        public var resourceVersion: String?
        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }

    public var apiVersion: String? = "v1"
    public var kind: String? = "DeleteOptions"
    public var preconditions: Preconditions?
    public var propagationPolicy: Propagation?
    public var gracePeriodSeconds: Int64?

    public init(
        preconditions: Preconditions? = nil, propagationPolicy: Propagation? = nil,
        gracePeriodSeconds: Int64? = nil
    ) {
        self.preconditions = preconditions
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
    }
}

/// How a PATCH body is read.
public enum PatchType: String, Sendable {
    /// RFC 7386: objects merge, `null` deletes, arrays are replaced.
    case merge = "application/merge-patch+json"
    /// RFC 6902 operations.
    case json = "application/json-patch+json"
}
