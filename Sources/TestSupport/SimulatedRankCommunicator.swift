#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Distributed

/// Rank r of R inside `SimulatedRanks.run` (a test harness): collectives wait for the other simulated ranks.
/// Only valid on the thread `SimulatedRanks.run` started for this rank.
public final class SimulatedRankCommunicator: Communicator {
    public let rank: Int
    public var size: Int { scheduler.size }
    private let scheduler: SimulatedRankScheduler

    init(rank: Int, scheduler: SimulatedRankScheduler) {
        self.rank = rank
        self.scheduler = scheduler
    }

    public func barrier() throws {
        try scheduler.perform(SimulatedCall(kind: .barrier, buffer: nil, input: nil, byteCount: 0), rank: rank)
    }

    public func broadcast(bytes: UnsafeMutableRawBufferPointer, root: Int) throws {
        precondition((0..<size).contains(root), "broadcast root \(root) is not a rank of \(size)")
        try scheduler.perform(
            SimulatedCall(kind: .broadcast(root: root), buffer: bytes.baseAddress, input: nil, byteCount: bytes.count),
            rank: rank)
    }

    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ op: ReductionOp) throws {
        let bytes = UnsafeMutableRawBufferPointer(buffer)
        try scheduler.perform(
            SimulatedCall(kind: .allReduceFloat(op), buffer: bytes.baseAddress, input: nil, byteCount: bytes.count),
            rank: rank)
    }

    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ op: ReductionOp) throws {
        let bytes = UnsafeMutableRawBufferPointer(buffer)
        try scheduler.perform(
            SimulatedCall(kind: .allReduceDouble(op), buffer: bytes.baseAddress, input: nil, byteCount: bytes.count),
            rank: rank)
    }

    public func allGather(bytes: UnsafeRawBufferPointer, into result: UnsafeMutableRawBufferPointer) throws {
        precondition(result.count == bytes.count * size,
                     "allGather: result has \(result.count) bytes, expected \(bytes.count) x \(size) ranks")
        try scheduler.perform(
            SimulatedCall(kind: .allGather, buffer: result.baseAddress, input: bytes.baseAddress, byteCount: bytes.count),
            rank: rank)
    }

    /// Prints `[rank r] error: message` and ends the process (every simulated rank with it).
    public func abort(message: String) -> Never {
        fflush(nil)
        let line = Array("[rank \(rank)] error: \(message)\n".utf8)
        line.withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
        exit(1)
    }
}
