/// Measures what a reconcile costs on the local cluster; `bench/reconcile` runs it.
@main enum ReconcileBenchmark {
    static func main() async throws {}
}
