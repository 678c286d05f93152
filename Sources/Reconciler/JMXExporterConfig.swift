/// The Prometheus JMX exporter's rules for brokers when `monitoringConfig` gives none: every
/// `kafka.*` MBean's `Count` as a counter and `Value` as a gauge, named after its domain, type
/// and name, with a topic or a single extra key as a label. More specific patterns come first:
/// the exporter uses the first rule that matches.
enum JMXExporterConfig {
    static let brokerDefault = """
        lowercaseOutputName: true
        lowercaseOutputLabelNames: true
        rules:
          - pattern: 'kafka.(\\w+)<type=(.+), name=(.+), topic=(.+), partition=(.+)><>Value'
            name: kafka_$1_$2_$3
            type: GAUGE
            labels:
              topic: "$4"
              partition: "$5"
          - pattern: 'kafka.(\\w+)<type=(.+), name=(.+), topic=(.+)><>Count'
            name: kafka_$1_$2_$3_total
            type: COUNTER
            labels:
              topic: "$4"
          - pattern: 'kafka.(\\w+)<type=(.+), name=(.+), (\\w+)=(.+)><>Count'
            name: kafka_$1_$2_$3_total
            type: COUNTER
            labels:
              "$4": "$5"
          - pattern: 'kafka.(\\w+)<type=(.+), name=(.+)><>Count'
            name: kafka_$1_$2_$3_total
            type: COUNTER
          - pattern: 'kafka.(\\w+)<type=(.+), name=(.+), (\\w+)=(.+)><>Value'
            name: kafka_$1_$2_$3
            type: GAUGE
            labels:
              "$4": "$5"
          - pattern: 'kafka.(\\w+)<type=(.+), name=(.+)><>Value'
            name: kafka_$1_$2_$3
            type: GAUGE

        """
}
