/// A `host:port` to listen on, as given on the command line: `0.0.0.0:8080`, `[::1]:8443`,
/// `:8080` (all IPv4 interfaces), port 0 for any free port.
struct ListenAddress: Equatable, CustomStringConvertible {
    let host: String
    let port: UInt16

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    init(parsing text: String) throws(ListenAddressError) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"),
                text[text.index(after: close)...].hasPrefix(":")
            else { throw .malformed(text) }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw .malformed(text)
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard let port = UInt16(portPart) else { throw .badPort(text) }
        self.host = hostPart.isEmpty ? "0.0.0.0" : String(hostPart)
        self.port = port
    }
}

enum ListenAddressError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case badPort(String)

    var description: String {
        switch self {
        case .malformed(let text):
            return "listen address '\(text)' is not host:port (write IPv6 hosts in brackets: [::1]:8080)"
        case .badPort(let text):
            return "listen address '\(text)' has no port number between 0 and 65535"
        }
    }
}
