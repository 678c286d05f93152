/// The client's messages for one SASL authentication, one step per SaslAuthenticate round.
struct SASLExchange {
    private enum State {
        case start
        case plainSent
        case scramFirstSent(SCRAMClient)
        case scramFinalSent(SCRAMClient)
        case done
    }

    private let credentials: SASLCredentials
    private var state = State.start

    init(credentials: SASLCredentials) { self.credentials = credentials }

    /// The next message to send given the broker's last answer, or nil when authentication is complete.
    mutating func next(challenge: [UInt8]?, broker: BrokerAddress) throws -> [UInt8]? {
        let mechanism = credentials.mechanism.rawValue
        switch state {
        case .start:
            switch credentials.mechanism {
            case .plain:
                state = .plainSent
                return Array("\0\(credentials.username)\0\(credentials.password)".utf8)
            case .scramSHA256, .scramSHA512:
                let client = SCRAMClient(
                    hash: credentials.mechanism == .scramSHA256 ? .sha256 : .sha512,
                    username: credentials.username, password: credentials.password)
                state = .scramFirstSent(client)
                return Array(client.clientFirstMessage.utf8)
            }
        case .plainSent:
            state = .done
            return nil
        case .scramFirstSent(var client):
            let serverFirst = String(decoding: challenge ?? [], as: UTF8.self)
            do {
                let final = try client.clientFinalMessage(serverFirst: serverFirst)
                state = .scramFinalSent(client)
                return Array(final.utf8)
            } catch {
                throw KafkaAdminError.saslFailed(
                    broker: broker, mechanism: mechanism, reason: error.description)
            }
        case .scramFinalSent(let client):
            do {
                try client.verify(serverFinal: String(decoding: challenge ?? [], as: UTF8.self))
            } catch {
                throw KafkaAdminError.saslFailed(
                    broker: broker, mechanism: mechanism, reason: error.description)
            }
            state = .done
            return nil
        case .done:
            return nil
        }
    }
}
