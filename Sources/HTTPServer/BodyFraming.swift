/// How a request's body is delimited (RFC 9112 §6.3), decided from its head.
enum BodyFraming: Equatable {
    case none
    case length(Int)
    case chunked

    init(head: HTTPRequestHead, maxBodyBytes: Int) throws(HTTPParseError) {
        let transferEncodings = head.headers.values(of: "Transfer-Encoding")
        let contentLengths = head.headers.values(of: "Content-Length")
        if !transferEncodings.isEmpty {
            // Both framings at once is the classic request-smuggling vector: refuse it outright.
            guard contentLengths.isEmpty else {
                throw .conflictingFraming("both Transfer-Encoding and Content-Length are present")
            }
            guard head.version == .http11 else {
                throw .conflictingFraming("Transfer-Encoding is not allowed in an HTTP/1.0 request")
            }
            let codings = transferEncodings.flatMap(Tokens.list)
            guard let last = codings.last, last.caseInsensitiveEquals("chunked") else {
                throw .unsupportedTransferCoding(codings.last ?? "")
            }
            // RFC 9112 §6.1: chunked is applied once, and last. Twice (in one field or two) is a
            // malformed message, not a coding we lack.
            if codings.dropLast().contains(where: { $0.caseInsensitiveEquals("chunked") }) {
                throw .conflictingFraming("chunked is applied more than once")
            }
            if let other = codings.dropLast().first {
                throw .unsupportedTransferCoding(other)
            }
            self = .chunked
            return
        }
        if contentLengths.count == 1, let length = Self.plainLength(contentLengths[0]) {
            // The common case, without splitting and trimming: one field of 1 to 18 digits.
            guard length <= maxBodyBytes else { throw .bodyTooLarge(limit: maxBodyBytes) }
            self = .length(length)
            return
        }
        if !contentLengths.isEmpty {
            let values = contentLengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
                .map { $0.trimmingCharacters(in: " \t") }
            guard let first = values.first, values.allSatisfy({ $0 == first }) else {
                throw .conflictingFraming("differing Content-Length values")
            }
            guard !first.isEmpty, first.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw .invalidContentLength(String(first.prefix(32)))
            }
            // All digits; leading zeros carry no value. Anything longer is over any limit we allow.
            let significant = first.drop { $0 == "0" }
            guard significant.utf8.count <= 18, let length = significant.isEmpty ? 0 : Int(significant) else {
                throw .bodyTooLarge(limit: maxBodyBytes)
            }
            guard length <= maxBodyBytes else { throw .bodyTooLarge(limit: maxBodyBytes) }
            self = .length(length)
            return
        }
        if [.post, .put, .patch].contains(head.method) { throw .lengthRequired }
        self = .none
    }
}

extension BodyFraming {
    fileprivate static func plainLength(_ value: String) -> Int? {
        var length = 0
        var significantDigits = 0
        for byte in value.utf8 {
            guard byte >= 48 && byte <= 57, significantDigits < 18 else { return nil }
            length = length * 10 + Int(byte - 48)
            if length > 0 { significantDigits += 1 }
        }
        return value.isEmpty ? nil : length
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        return String(drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}
