extension Duration {
    /// `count` days of 86,400 seconds.
    public static func days(_ count: Int) -> Duration { .seconds(count * 86_400) }

    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
