/// A reduction started by `Communicator.startAllReduceSum`; its result is in the buffer after `wait()`.
/// Part of `GradientAllReduce`'s non-blocking path.
///
/// Properties: `wait()` may be called more than once (later calls return at once). Every started
/// reduction must be waited on before its buffer is read, written or freed.
public final class PendingReduction {
    private var completion: (() throws -> Void)?
    private let poll: (() throws -> Bool)?

    /// A reduction that finishes when `completion` runs (nil: already finished); `poll` reports
    /// without blocking whether it has finished, advancing the transport (MPI_Test).
    init(completion: (() throws -> Void)?, poll: (() throws -> Bool)? = nil) {
        self.completion = completion
        self.poll = poll
    }

    /// A reduction that has already finished (blocking transports).
    public static var completed: PendingReduction { PendingReduction(completion: nil) }

    /// Whether the reduction is known to have finished (after `wait()` or a `makeProgress()` that returned true).
    public var isFinished: Bool { completion == nil }

    /// Lets the transport make progress without blocking; returns whether the reduction has
    /// finished (then `wait()` returns at once).
    /// - Throws: `MPIError` if the transport reports a failure.
    @discardableResult
    public func makeProgress() throws -> Bool {
        guard completion != nil else { return true }
        guard let poll, try poll() else { return false }
        completion = nil
        return true
    }

    /// Blocks until the reduction has finished.
    /// - Throws: `MPIError` if the transport reports a failure.
    public func wait() throws {
        guard let completion else { return }
        self.completion = nil
        try completion()
    }
}
