import HTTPServer
import Prometheus

/// The probe and metrics endpoints every deployment needs: `/healthz`, `/readyz`, `/metrics`.
struct OperatorEndpoints {
    let registry: PrometheusCollectorRegistry
    let readiness: Readiness

    func register(on router: inout Router) {
        router.add(.get, "/healthz") { _ in
            HTTPResponse(status: .ok, contentType: "text/plain; charset=utf-8", body: "ok\n")
        }
        let readiness = self.readiness
        router.add(.get, "/readyz") { _ in
            readiness.isReady
                ? HTTPResponse(status: .ok, contentType: "text/plain; charset=utf-8", body: "ready\n")
                : HTTPResponse(
                    status: .serviceUnavailable, contentType: "text/plain; charset=utf-8",
                    body: "shutting down\n")
        }
        let registry = self.registry
        router.add(.get, "/metrics") { _ in
            var body: [UInt8] = []
            registry.emit(into: &body)
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                body: body)
        }
    }
}
