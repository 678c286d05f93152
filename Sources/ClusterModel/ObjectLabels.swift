/// The labels and annotation by which a broker's objects say whose they are. Koperator uses the
/// same names, so claims it created are read the same way as the operator's own.
public enum ObjectLabels {
    /// The KafkaCluster an object belongs to.
    public static let cluster = "kafka_cr"
    /// The broker an object belongs to.
    public static let broker = "brokerId"
    /// On a PersistentVolumeClaim: the path its disk is mounted at (an annotation).
    public static let mountPath = "mountPath"
}
