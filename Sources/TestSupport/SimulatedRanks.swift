import Distributed
import Foundation

/// Test harness: runs the work of R ranks one after another in one process, so that code written
/// against `Communicator` (collectives, consistency checks, `GradientAllReduce`) can be tested with
/// several ranks without `mpirun`. The trainer does not use it: `--simulate-ranks` runs the ranks'
/// shares inside the trainer's own update loop (Training's `UpdateEngine`) over a
/// `SingleProcessCommunicator`; the product executables do not link this target.
///
/// Each rank runs `body` on its own thread with a `SimulatedRankCommunicator` of rank r of R,
/// but only one rank runs at any time: rank 0 runs until its first collective, then rank 1 until
/// its first collective, …; the last rank to arrive combines the buffers of all ranks (which are
/// all waiting inside the call), and rank 0 goes on to its next collective, and so on.
/// Sums are taken in rank order, ((b₀ + b₁) + b₂) + …, so results are deterministic.
///
/// Properties: every rank holds its own state, exactly as under mpirun. A collective that cannot
/// complete (a rank threw, returned early, or called a different collective or count) throws
/// `SimulatedRanksError` on the waiting ranks instead of hanging.
public enum SimulatedRanks {
    /// Runs `body` for ranks 0 ..< `size` and returns their results, indexed by rank.
    /// - Parameters:
    ///   - stackBytes: stack size of each rank's thread.
    /// - Throws: `SimulatedRanksError.rankFailed` for the first rank whose body threw.
    public static func run<Result: Sendable>(
        size: Int, stackBytes: Int = 64 << 20, _ body: @escaping @Sendable (SimulatedRankCommunicator) throws -> Result
    ) throws -> [Result] {
        precondition(size >= 1, "simulated rank count must be >= 1, got \(size)")
        let scheduler = SimulatedRankScheduler(size: size)
        let results = ResultSlots<Result>(count: size)
        for rank in 0..<size {
            let thread = Thread {
                scheduler.waitForTurn(rank)
                do {
                    results.store(try body(SimulatedRankCommunicator(rank: rank, scheduler: scheduler)), at: rank)
                    scheduler.finish(rank: rank, error: nil)
                } catch {
                    scheduler.finish(rank: rank, error: error)
                }
            }
            thread.name = "simulated rank \(rank)"
            thread.stackSize = stackBytes
            thread.start()
        }
        if let failure = scheduler.waitUntilAllFinished() { throw failure }
        return results.values()
    }
}

/// Why a simulated collective or rank failed.
public enum SimulatedRanksError: Error, CustomStringConvertible, @unchecked Sendable {
    // @unchecked Sendable: `underlying` is an error thrown by a rank's body, handed to the
    // calling thread only after that rank's thread has finished with it.
    /// Rank `rank`'s body threw `underlying`.
    case rankFailed(rank: Int, underlying: any Error)
    /// `rank` called `collective` after rank `finishedRank` had already returned.
    case rankFinishedEarly(rank: Int, collective: String, finishedRank: Int)
    /// The ranks called different collectives (or different counts) at the same step.
    case mismatchedCollectives(calls: [String])
    /// Another rank failed first; this collective cannot complete.
    case abandoned(rank: Int, collective: String, cause: String)

    public var description: String {
        switch self {
        case let .rankFailed(rank, underlying):
            "[simulated rank \(rank)] error: \(underlying)"
        case let .rankFinishedEarly(rank, collective, finishedRank):
            "[simulated rank \(rank)] error: \(collective) can never complete: rank \(finishedRank) has already "
                + "returned; every rank must call the same collectives."
        case let .mismatchedCollectives(calls):
            "simulated ranks called different collectives at the same step: "
                + calls.enumerated().map { "rank \($0.offset): \($0.element)" }.joined(separator: ", ")
                + "; every rank must call the same collectives with the same counts."
        case let .abandoned(rank, collective, cause):
            "[simulated rank \(rank)] error: \(collective) abandoned because \(cause)"
        }
    }
}

/// One rank's results, written by its own thread and read after every thread has finished.
private final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ value: Value, at index: Int) {
        lock.withLock { slots[index] = value }
    }

    func values() -> [Value] {
        lock.withLock { slots.map { $0! } }
    }
}
