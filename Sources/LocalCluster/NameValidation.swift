/// The API's name rules (RFC 1123 labels and subdomains), with its messages.
enum NameValidation {
    /// Why `name` is not a DNS-1123 subdomain, or nil when it is one.
    static func subdomainProblem(_ name: String) -> String? {
        if name.isEmpty { return "a name is required" }
        if name.utf8.count > 253 { return "must be no more than 253 characters" }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            if labelIsValid(label) == false {
                return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                    + "'-' or '.', and must start and end with an alphanumeric character "
                    + "(e.g. 'example.com', regex used for validation is "
                    + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            }
        }
        return nil
    }

    /// Why `name` is not a DNS-1123 label, or nil when it is one.
    static func labelProblem(_ name: String) -> String? {
        if name.isEmpty { return "a name is required" }
        if name.utf8.count > 63 { return "must be no more than 63 characters" }
        if !labelIsValid(Substring(name)) {
            return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
                + "and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', "
                + "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        }
        return nil
    }

    private static func labelIsValid(_ label: Substring) -> Bool {
        let bytes = Array(label.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return alphanumeric(first) && alphanumeric(last)
            && bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}
