/// A reduction started by `Communicator.startAllReduceSum`; its result is in the buffer after `wait()`.
///
/// Properties: `wait()` may be called more than once (later calls return at once). Every started
/// reduction must be waited on before its buffer is read, written or freed.
public final class PendingReduction {
    private var completion: (() throws -> Void)?

    /// A reduction that finishes when `completion` runs (nil: already finished).
    init(completion: (() throws -> Void)?) {
        self.completion = completion
    }

    /// A reduction that has already finished (blocking transports).
    public static var completed: PendingReduction { PendingReduction(completion: nil) }

    /// Blocks until the reduction has finished.
    /// - Throws: `MPIError` if the transport reports a failure.
    public func wait() throws {
        guard let completion else { return }
        self.completion = nil
        try completion()
    }
}
