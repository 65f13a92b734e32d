/// A failed MPI call, reported by MPI through `MPI_ERRORS_RETURN`.
public struct MPIError: Error, CustomStringConvertible, Sendable {
    /// The MPI function that failed, e.g. "MPI_Allreduce".
    public let call: String
    /// The rank that saw the failure (-1 before the rank is known).
    public let rank: Int
    /// MPI's error code.
    public let code: Int32
    /// MPI's text for `code` (`MPI_Error_string`).
    public let message: String

    public init(call: String, rank: Int, code: Int32, message: String) {
        self.call = call
        self.rank = rank
        self.code = code
        self.message = message
    }

    public var description: String {
        let who = rank >= 0 ? "rank \(rank)" : "rank ?"
        return "[\(who)] \(call) failed: \(message) (MPI error code \(code)); "
            + "check that every rank runs the same build and command line, and the mpirun output above."
    }
}
