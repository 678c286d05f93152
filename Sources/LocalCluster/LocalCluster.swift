// The embedded Kubernetes-API-compatible cluster.
