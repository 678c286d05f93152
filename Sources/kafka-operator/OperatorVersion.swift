/// The operator's version, shown by `--version` and exported as `operator_build_info`.
enum OperatorVersion {
    static let current = "0.1.0"
}
