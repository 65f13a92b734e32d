import Distributed

/// Runs `body` on every rank of MPI_COMM_WORLD: finalizes MPI after it returns, and when it throws
/// on one rank, stops all of them with that rank's reason (MPI_Abort) instead of leaving them hanging.
func withWorld<Result>(_ body: (MPICommunicator) throws -> Result) throws -> Result {
    let world = try MPICommunicator.world()
    do {
        let result = try body(world)
        try world.finalize()
        return result
    } catch {
        if world.size > 1 { world.abort(message: "\(error)") }
        throw error
    }
}
