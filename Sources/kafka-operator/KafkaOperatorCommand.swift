import ArgumentParser

/// The `kafka-operator` command line.
@main
struct KafkaOperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-operator",
        abstract: "Runs Apache Kafka on Kubernetes and scales it in response to Prometheus alerts.",
        discussion: """
            Start the operator with `kafka-operator serve`. Alertmanager posts its webhooks to
            POST /alerts; /healthz, /readyz and /metrics serve probes and Prometheus.
            Every option can also be set through the environment variable named in its help.
            """,
        version: OperatorVersion.current,
        subcommands: [ServeCommand.self, KafkaCommand.self, LocalClusterCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
