import KafkaProtocol
import TestSupport
import Testing

@testable import KafkaAdmin

/// ACL answers neither tansu nor the simulated brokers give: a CreateAcls answer with a
/// result missing, and a DeleteAcls answer refusing one of the bindings its filter matched.
extension ScriptedBrokerTests {
    static let aclRanges: [(Int16, Int16, Int16)] = [(18, 0, 3), (30, 1, 3), (31, 1, 3)]

    static let read = AclBinding(
        resourceType: .topic, resourceName: "orders", principal: "User:alice", operation: .read)
    static let write = AclBinding(
        resourceType: .topic, resourceName: "orders", principal: "User:alice", operation: .write)

    /// A binding's seven fields, compact (v2+).
    static func compact(_ binding: AclBinding) -> [UInt8] {
        B.i8(binding.resourceType.rawValue) + B.cstr(binding.resourceName)
            + B.i8(binding.patternType.rawValue)
            + B.cstr(binding.principal) + B.cstr(binding.host) + B.i8(binding.operation.rawValue)
            + B.i8(binding.permission.rawValue)
    }

    @Test func aclAnswersThatDoNotAccountForEveryBindingAreErrors() async throws {
        let peer = try FakeKafkaPeer(
            .script { request in
                switch request.apiKey {
                case 18: return Self.apiVersions(request, Self.aclRanges)
                case 30:
                    // No result for the one creation asked for.
                    return Self.frame(request, flexibleHeader: true, B.i32(0) + B.ccount(0) + B.noTags)
                case 31:
                    let matching =
                        B.ccount(2) + B.i16(0) + B.nullCstr + Self.compact(Self.read) + B.noTags + B.i16(7)
                        + B.cstr("timed out") + Self.compact(Self.write) + B.noTags
                    return Self.frame(
                        request, flexibleHeader: true,
                        B.i32(0) + B.ccount(1) + B.i16(0) + B.nullCstr + matching + B.noTags + B.noTags)
                default: return nil
                }
            })
        defer { peer.stop() }
        let client = try KafkaProtocolAdminClient(
            bootstrap: peer.bootstrap,
            options: KafkaAdminOptions(connectTimeout: .seconds(2), requestTimeout: .seconds(2), attempts: 1))
        await #expect(
            throws: KafkaAdminError.brokerError(
                api: .createAcls, code: -1, message: "the response has 0 results for 1 ACLs", resource: nil)
        ) { try await client.createAcls([Self.read]) }
        // A binding the broker could not delete is refused on its own; retrying may help with a
        // retriable code.
        let refusal = KafkaAdminError.aclsRefused(
            api: .deleteAcls, [AclRefusal(.binding(Self.write), code: 7, message: "timed out")])
        await #expect(throws: refusal) {
            _ = try await client.deleteAcls([AclBindingFilter(principal: "User:alice")])
        }
        #expect(refusal.isRetryable)
    }
}
