import Testing

@Suite struct LocalClusterPlaceholderTests {}
