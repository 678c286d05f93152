/// The metadata of a list (`metav1.ListMeta`).
public struct ListMeta: Codable, Equatable, Sendable {
    public var resourceVersion: String?
    /// Set when the list was cut short by `limit`: pass it back to get the next page.
    public var `continue`: String?

    public init(resourceVersion: String? = nil) { self.resourceVersion = resourceVersion }
}
