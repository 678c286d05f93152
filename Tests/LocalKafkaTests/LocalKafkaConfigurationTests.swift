import LocalKafka
import Testing

@Suite struct LocalKafkaConfigurationTests {
    @Test func theDefaultPortsNeverMeetForBrokerIdsBelow9928() {
        #expect(LocalKafkaConfiguration().portClash(brokers: Array(0..<9_928)) == nil)
        #expect(LocalKafkaConfiguration().metricsPort(2) == 29_022)
        #expect(LocalKafkaConfiguration().metricsPort(-1) == nil)
        #expect(LocalKafkaConfiguration().metricsPort(40_000) == nil)
    }

    @Test func portsThatMeetAreNamed() {
        let configuration = LocalKafkaConfiguration(metricsBasePort: 19_020)
        #expect(
            configuration.portClash(brokers: [0, 72])
                == "broker 0's Kafka socket and broker 72's metrics would both listen on port 19092")
        #expect(
            LocalKafkaConfiguration(cruiseControlPort: 29_021).portClash(brokers: [1])
                == "Cruise Control and broker 1's metrics would both listen on port 29021")
        // Port 0 is any free port: it meets nothing.
        #expect(LocalKafkaConfiguration(cruiseControlPort: 0, controlPort: 0).portClash(brokers: [0]) == nil)
    }
}
