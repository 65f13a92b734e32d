import Distributed
import OptionParsing

/// Runs `body` on every rank of MPI_COMM_WORLD and finalizes MPI after it. When it throws a
/// `CollectiveError`, every rank threw it together: all finalize, and rank 0 alone reports it.
/// Any other error on one rank stops all of them with that rank's reason (MPI_Abort) instead of
/// leaving them hanging.
func withWorld<Result>(_ body: (MPICommunicator) throws -> Result) throws -> Result {
    let world = try MPICommunicator.world()
    do {
        let result = try body(world)
        try world.finalize()
        return result
    } catch let error as any CollectiveError {
        try world.finalize()
        throw world.rank == 0 ? error : ReportedElsewhere()
    } catch {
        if world.size > 1 { world.abort(message: "\(error)") }
        throw error
    }
}

/// A failure that another rank reports: exit 1 without a message.
struct ReportedElsewhere: Error {}

/// A usage error every rank finds alike (e.g. a group size that does not divide the world): all
/// ranks finalize, rank 0 reports it, and the exit code is 2.
struct UsageErrorOnEveryRank: CollectiveError, CustomStringConvertible {
    let error: OptionError
    var description: String { "\(error)" }
}
