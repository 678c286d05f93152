import Testing

@Suite struct KubernetesPlaceholderTests {}
