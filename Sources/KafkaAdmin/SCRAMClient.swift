/// The client side of a SCRAM exchange (RFC 5802, RFC 7677) without channel binding:
/// client-first → server-first → client-final → server-final.
///
/// Usernames are escaped (`=` → `=2C`/`=3D`) but not SASLprep-normalised; Kafka's own client
/// does the same.
public struct SCRAMClient: Sendable {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case malformedServerMessage(String)
        case nonceMismatch
        case iterationCountTooLow(Int)
        /// Kafka allows at most 16384; far more would let a hostile server stall us in PBKDF2.
        case iterationCountTooHigh(Int)
        case serverError(String)
        case serverSignatureMismatch

        public var description: String {
            switch self {
            case .malformedServerMessage(let message):
                return "The server's SCRAM message \"\(message)\" is malformed."
            case .nonceMismatch: return "The server's nonce does not extend ours."
            case .iterationCountTooLow(let count): return "The server asked for only \(count) iterations."
            case .iterationCountTooHigh(let count):
                return
                    "The server asked for \(count) iterations, more than the \(SCRAMClient.maximumIterations) allowed."
            case .serverError(let text): return "The server rejected the credentials: \(text)."
            case .serverSignatureMismatch:
                return "The server's signature is wrong; it does not know the password."
            }
        }
    }

    static let maximumIterations: Int32 = 100_000

    private let hash: SCRAMHash
    private let username: String
    private let password: String
    private let clientNonce: String
    private var expectedServerSignature: [UInt8] = []

    public init(hash: SCRAMHash, username: String, password: String, clientNonce: String? = nil) {
        self.hash = hash
        self.username = username
        self.password = password
        self.clientNonce = clientNonce ?? Self.randomNonce()
    }

    private var clientFirstBare: String { "n=\(Self.escape(username)),r=\(clientNonce)" }

    public var clientFirstMessage: String { "n,,\(clientFirstBare)" }

    /// Answers the server-first message with the client-final message.
    public mutating func clientFinalMessage(serverFirst: String) throws(Failure) -> String {
        let attributes = Self.attributes(serverFirst)
        if let error = attributes["e"] { throw Failure.serverError(error) }
        guard let nonce = attributes["r"], let saltText = attributes["s"], let salt = Base64.decode(saltText),
            let iterationText = attributes["i"], let iterations = Int32(iterationText)
        else {
            throw Failure.malformedServerMessage(serverFirst)
        }
        guard nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count else {
            throw Failure.nonceMismatch
        }
        guard iterations >= 4096 else {
            throw Failure.iterationCountTooLow(Int(iterations))
        }
        guard iterations <= Self.maximumIterations else {
            throw Failure.iterationCountTooHigh(Int(iterations))
        }
        let withoutProof = "c=biws,r=\(nonce)"
        let saltedPassword = hash.pbkdf2(password: Array(password.utf8), salt: salt, iterations: iterations)
        let clientKey = hash.hmac(key: saltedPassword, data: Array("Client Key".utf8))
        let storedKey = hash.hash(clientKey)
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let clientSignature = hash.hmac(key: storedKey, data: authMessage)
        let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        let serverKey = hash.hmac(key: saltedPassword, data: Array("Server Key".utf8))
        expectedServerSignature = hash.hmac(key: serverKey, data: authMessage)
        return "\(withoutProof),p=\(Base64.encode(proof))"
    }

    /// Checks the server-final message proves the server knows the password.
    public func verify(serverFinal: String) throws(Failure) {
        let attributes = Self.attributes(serverFinal)
        if let error = attributes["e"] { throw Failure.serverError(error) }
        guard let signatureText = attributes["v"], let signature = Base64.decode(signatureText) else {
            throw Failure.malformedServerMessage(serverFinal)
        }
        guard !expectedServerSignature.isEmpty, signature == expectedServerSignature else {
            throw Failure.serverSignatureMismatch
        }
    }

    private static func attributes(_ message: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in message.split(separator: ",") {
            guard let equals = part.firstIndex(of: "="), equals != part.startIndex else { continue }
            let key = String(part[..<equals])
            if result[key] == nil { result[key] = String(part[part.index(after: equals)...]) }
        }
        return result
    }

    private static func escape(_ name: String) -> String {
        name.replacing("=", with: "=3D").replacing(",", with: "=2C")
    }

    private static func randomNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Base64.encode(bytes)
    }
}
