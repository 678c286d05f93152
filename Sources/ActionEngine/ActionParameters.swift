import ClusterModel
import ResourceQuantity

/// The syntax and bounds of the parameters actions take from alerts and people, checked
/// before anything changes, so a bad value gets a clear reason naming the parameter instead of
/// reaching a PVC, a Pod or `server.properties`.
enum ActionParameters {
    /// The smallest disk an action adds: Kafka's default log segment (`log.segment.bytes`) is
    /// 1 GiB, so a smaller disk cannot hold one full segment.
    static let minimumDiskSize: (bytes: Int64, text: String) = (1 << 30, "1Gi")
    /// The largest `--max-disk-size` may allow: beyond every cloud provider's largest volume
    /// (64 TiB today).
    static let maximumDiskSize: (bytes: Int64, text: String) = (1 << 50, "1Pi")

    /// A disk size: a Kubernetes quantity of whole bytes from the smallest disk up to `maximum`.
    /// `true` or `false`, as the alert or request gives it; anything else is refused rather
    /// than guessed (a mistyped `force` must not force).
    static func flag(_ text: String?, name: String) throws(ActionError) -> Bool {
        switch text {
        case nil, "false": return false
        case "true": return true
        case let other?:
            throw .invalidParameter(name: name, reason: "must be true or false, not '\(other.prefix(32))'")
        }
    }

    static func diskSize(_ text: String, name: String = "diskSize", maximum: Int64) throws(ActionError)
        -> Quantity
    {
        let quantity = try wholeBytes(text, name: name)
        guard quantity.value >= minimumDiskSize.bytes else {
            throw .invalidParameter(
                name: name,
                reason:
                    "'\(text.prefix(32))' is \(quantity.value) bytes; a disk must be at least \(minimumDiskSize.text)"
            )
        }
        guard quantity.value <= maximum else {
            throw .invalidParameter(
                name: name,
                reason: "'\(text.prefix(32))' is larger than the limit of \(Quantity.text(units: maximum))")
        }
        return quantity
    }

    /// How much to grow a disk by: a Kubernetes quantity of whole bytes, more than zero.
    static func increment(_ text: String, name: String = "incrementBy") throws(ActionError) -> Int64 {
        let quantity = try wholeBytes(text, name: name)
        guard quantity.value > 0 else {
            throw .invalidParameter(name: name, reason: "'\(text.prefix(32))' is zero; a disk can only grow")
        }
        return quantity.value
    }

    private static func wholeBytes(_ text: String, name: String) throws(ActionError) -> Quantity {
        let quantity: Quantity
        do {
            quantity = try Quantity(parsing: text)
        } catch {
            throw .invalidParameter(name: name, reason: error.description)
        }
        guard quantity.milliValue % 1000 == 0 else {
            throw .invalidParameter(name: name, reason: "'\(text.prefix(32))' is not a whole number of bytes")
        }
        return quantity
    }

    /// A storage class name: a Kubernetes object name (RFC 1123 subdomain): at most 253
    /// characters of lower-case letters, digits, `-` and `.`, each dot-separated part starting
    /// and ending with a letter or digit.
    static func storageClass(_ text: String, name: String = "storageClass") throws(ActionError) -> String {
        let bytes = Array(text.utf8)
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard bytes.count <= 253,
            labels.allSatisfy({ label in
                guard let first = label.first, let last = label.last else { return false }
                return isLowerAlphanumeric(first) && isLowerAlphanumeric(last)
                    && label.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
            })
        else {
            throw .invalidParameter(
                name: name,
                reason:
                    "'\(text.prefix(64))' is not a Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)"
            )
        }
        return text
    }

    /// A mount path: absolute, at most 255 characters of letters, digits, `_`, `-`, `.` and
    /// `/`, with no empty, `.` or `..` parts and no trailing `/`. Narrower than Linux allows on
    /// purpose: the path also becomes an entry of Kafka's comma-separated `log.dirs`.
    static func absolutePath(_ text: String, name: String) throws(ActionError) -> String {
        let bytes = Array(text.utf8)
        let parts = bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard bytes.first == UInt8(ascii: "/"), bytes.count > 1, bytes.count <= 255,
            bytes.allSatisfy({ isPathByte($0) }),
            parts.allSatisfy({ !$0.isEmpty && !$0.elementsEqual(".".utf8) && !$0.elementsEqual("..".utf8) })
        else {
            throw .invalidParameter(
                name: name,
                reason:
                    "'\(text.prefix(64))' is not an absolute path of letters, digits, '_', '-', '.' and '/' (no '..', no empty part)"
            )
        }
        return text
    }

    /// A container image reference, `[registry[:port]/]path[:tag][@digest]`, as the
    /// distribution reference grammar defines it.
    static func image(_ text: String, name: String = "image") throws(ActionError) -> String {
        guard ImageReference.isValid(text) else {
            throw .invalidParameter(
                name: name,
                reason: "'\(text.prefix(64))' is not an image reference like registry.example.com/kafka:3.9.0"
            )
        }
        return text
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isPathByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "/"):
            return true
        default: return false
        }
    }
}
