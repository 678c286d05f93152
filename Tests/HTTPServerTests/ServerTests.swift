import Testing

/// The suites that run a server in this process and talk to it with blocking sockets.
///
/// They run one test at a time: a test blocked in `recv` holds a thread of Swift's cooperative
/// pool, which has one per core, and the server's handlers need a free one to finish.
@Suite(.serialized) enum ServerTests {}
