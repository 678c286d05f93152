import AddressResolution
import TestSupport
import Testing

@testable import KafkaAdmin

/// The client reaches a broker named by its Kubernetes service through the address map, and
/// keeps the service's name in what it reports.
struct AddressResolverTests {
    static let service = ServiceAddress(host: "kafka-all-broker.kafka.svc.cluster.local", port: 29092)

    static func options(_ map: AddressMap) -> KafkaAdminOptions {
        KafkaAdminOptions(
            connectTimeout: .seconds(2), requestTimeout: .seconds(2), callTimeout: .seconds(5), attempts: 1,
            addressResolver: map)
    }

    @Test func aServiceNameMappedToLoopbackReachesTheBroker() async throws {
        let peer = try FakeKafkaPeer(
            .script { request in
                switch request.apiKey {
                case 18: ScriptedBrokerTests.apiVersions(request, [(18, 0, 3), (3, 0, 12)])
                case 3: ScriptedBrokerTests.metadata(request, brokers: [(1, 9092)])
                default: nil
                }
            })
        defer { peer.stop() }
        // DNS names match without case or a trailing dot.
        let map = AddressMap([Self.service: ServiceAddress(host: "127.0.0.1", port: peer.port)])
        let client = try KafkaProtocolAdminClient(
            bootstrap: "KAFKA-all-broker.kafka.svc.cluster.local.:29092", options: Self.options(map))
        #expect(try await client.metadata(topics: []).clusterId == "scripted")
        await client.close()
    }

    @Test func aFailedConnectionNamesTheServiceNotTheSocket() async throws {
        let closed = freeLoopbackPort()
        let map = AddressMap([Self.service: ServiceAddress(host: "127.0.0.1", port: closed)])
        let client = try KafkaProtocolAdminClient(bootstrap: "\(Self.service)", options: Self.options(map))
        do {
            _ = try await client.metadata(topics: [])
            Issue.record("a closed port answered")
        } catch let error as KafkaAdminError {
            #expect("\(error)".contains("kafka-all-broker.kafka.svc.cluster.local:29092"))
            #expect(!"\(error)".contains("127.0.0.1"))
        }
        await client.close()
    }

    @Test func identityAndUnmappedAddressesPassThrough() {
        let other = ServiceAddress(host: "elsewhere", port: 9092)
        #expect(IdentityAddressResolver().resolve(Self.service) == Self.service)
        #expect(AddressMap([Self.service: other]).resolve(other) == other)
        #expect(
            AddressMap([Self.service: other]).resolve(ServiceAddress(host: Self.service.host, port: 1)).port
                == 1)
    }
}
