import Distributed
import Foundation

/// One rank's pending collective in `SimulatedRanks`: its kind and the memory it lends.
struct SimulatedCall {
    enum Kind: Equatable {
        case barrier
        case broadcast(root: Int)
        case allReduceFloat(ReductionOp)
        case allReduceDouble(ReductionOp)
        case allGather
    }

    let kind: Kind
    /// The rank's buffer (all-reduce, broadcast) or all-gather's result (size·byteCount bytes).
    let buffer: UnsafeMutableRawPointer?
    /// All-gather's input.
    let input: UnsafeRawPointer?
    /// Bytes of the buffer (all-gather: of the input).
    let byteCount: Int

    var label: String { "\(kind) of \(byteCount) bytes" }
}

/// The baton of the `SimulatedRanks` test harness: lets one rank run at a time and performs each collective once
/// every rank has arrived at it.
final class SimulatedRankScheduler: @unchecked Sendable {
    // @unchecked Sendable: every mutable property is guarded by `condition`.
    let size: Int
    private let condition = NSCondition()
    /// The rank allowed to run (-1 once every rank has finished).
    private var turn = 0
    private var finished: [Bool]
    private var calls: [SimulatedCall?]
    private var completedCollectives = 0
    /// The first failure; every later collective throws.
    private var failure: SimulatedRanksError?

    init(size: Int) {
        self.size = size
        finished = Array(repeating: false, count: size)
        calls = Array(repeating: nil, count: size)
    }

    func waitForTurn(_ rank: Int) {
        condition.lock()
        defer { condition.unlock() }
        while turn != rank { condition.wait() }
    }

    /// Called by `rank` while it holds the turn; returns when the collective has completed and
    /// the turn is back with `rank`.
    func perform(_ call: SimulatedCall, rank: Int) throws {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw SimulatedRanksError.abandoned(rank: rank, collective: call.label, cause: failure.description) }
        if let finishedRank = finished.firstIndex(of: true) {
            let error = SimulatedRanksError.rankFinishedEarly(rank: rank, collective: call.label, finishedRank: finishedRank)
            failure = error
            throw error
        }
        let arrival = completedCollectives
        calls[rank] = call
        if rank == size - 1 {
            let arrived = calls.compactMap { $0 }
            if arrived.allSatisfy({ $0.kind == call.kind && $0.byteCount == call.byteCount }) {
                combine(arrived)
                completedCollectives += 1
            } else {
                failure = .mismatchedCollectives(calls: arrived.map(\.label))
            }
            calls = Array(repeating: nil, count: size)
        }
        passTurn(from: rank)
        while turn != rank { condition.wait() }
        if completedCollectives == arrival {
            throw failure.map { SimulatedRanksError.abandoned(rank: rank, collective: call.label, cause: $0.description) }
                ?? SimulatedRanksError.mismatchedCollectives(calls: [call.label])
        }
    }

    /// Marks `rank` finished (with the error its body threw, if any) and passes the turn on.
    func finish(rank: Int, error: (any Error)?) {
        condition.lock()
        defer { condition.unlock() }
        finished[rank] = true
        if let error, failure == nil {
            failure = (error as? SimulatedRanksError) ?? .rankFailed(rank: rank, underlying: error)
        } else if failure == nil, let waiting = calls.firstIndex(where: { $0 != nil }), let call = calls[waiting] {
            failure = .rankFinishedEarly(rank: waiting, collective: call.label, finishedRank: rank)
        }
        passTurn(from: rank)
    }

    /// Blocks until every rank has finished; returns the first failure, if any.
    func waitUntilAllFinished() -> SimulatedRanksError? {
        condition.lock()
        defer { condition.unlock() }
        while !finished.allSatisfy({ $0 }) { condition.wait() }
        return failure
    }

    /// Gives the turn to the next unfinished rank after `rank` (cyclically); caller holds the lock.
    private func passTurn(from rank: Int) {
        let next = (1...size).map { (rank + $0) % size }.first { !finished[$0] }
        turn = next ?? -1
        condition.broadcast()
    }

    /// Performs the collective on the buffers of all ranks (all waiting inside `perform`).
    private func combine(_ calls: [SimulatedCall]) {
        let bytes = calls[0].byteCount
        guard bytes > 0 else { return }
        switch calls[0].kind {
        case .barrier:
            break
        case let .broadcast(root):
            for rank in calls.indices where rank != root {
                calls[rank].buffer!.copyMemory(from: calls[root].buffer!, byteCount: bytes)
            }
        case let .allReduceFloat(op):
            reduce(Float.self, op, calls)
        case let .allReduceDouble(op):
            reduce(Double.self, op, calls)
        case .allGather:
            for receiver in calls {
                for (rank, sender) in calls.enumerated() {
                    (receiver.buffer! + rank * bytes).copyMemory(from: sender.input!, byteCount: bytes)
                }
            }
        }
    }

    /// Accumulates into rank 0's buffer in rank order, then copies the result to every rank.
    private func reduce<T: FloatingPoint>(_: T.Type, _ op: ReductionOp, _ calls: [SimulatedCall]) {
        let count = calls[0].byteCount / MemoryLayout<T>.stride
        let accumulator = calls[0].buffer!.assumingMemoryBound(to: T.self)
        for call in calls.dropFirst() {
            let values = call.buffer!.assumingMemoryBound(to: T.self)
            switch op {
            case .sum: for index in 0..<count { accumulator[index] += values[index] }
            case .max: for index in 0..<count { accumulator[index] = Swift.max(accumulator[index], values[index]) }
            }
        }
        for call in calls.dropFirst() {
            call.buffer!.copyMemory(from: accumulator, byteCount: calls[0].byteCount)
        }
    }
}
