import Testing

@Suite struct ReconcilerPlaceholderTests {}
