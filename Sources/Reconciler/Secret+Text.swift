import Foundation
import Kubernetes

extension Secret {
    /// `text` as a Secret's `data` holds it: base64 of its UTF-8.
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The text a `data` value decodes to; nil when it is not base64 of UTF-8.
    static func text(base64 value: String) -> String? {
        Data(base64Encoded: value).flatMap { String(data: $0, encoding: .utf8) }
    }

    /// The text `data[key]` decodes to; nil when absent or not base64 of UTF-8.
    func text(_ key: String) -> String? { data?[key].flatMap(Self.text(base64:)) }

    /// Sets `data[key]` to `text`.
    mutating func setText(_ text: String, for key: String) {
        data = (data ?? [:]).merging([key: Self.base64(text)]) { _, new in new }
    }
}
