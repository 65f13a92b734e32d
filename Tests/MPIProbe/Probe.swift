import Distributed

#if canImport(Glibc)
import Glibc
#endif

/// The scenarios of mpi-probe; each checks exact values and reports through `expect`.
final class Probe {
    let communicator: MPICommunicator
    private(set) var failures = 0
    var rank: Int { communicator.rank }
    var size: Int { communicator.size }

    init(communicator: MPICommunicator) {
        self.communicator = communicator
    }

    /// Prints `OK name rank r`, or `FAIL name rank r: detail` for the first mismatching index.
    func expect<T: Equatable>(_ name: String, count: Int, actual: (Int) -> T, expected: (Int) -> T) {
        for index in 0..<count where actual(index) != expected(index) {
            print("FAIL \(name) rank \(rank): index \(index) is \(actual(index)), expected \(expected(index))")
            failures += 1
            return
        }
        print("OK \(name) rank \(rank)")
    }

    /// Sum: rank r contributes (r+1)·(i mod 1000 + 1), so the sum is S·(i mod 1000 + 1), S = size(size+1)/2.
    /// Max: rank r contributes ((7i + 13r) mod 101) − 50.
    func allReduce(count: Int) throws {
        let ranksSum = size * (size + 1) / 2
        let floats = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { floats.deallocate() }
        for i in 0..<count { floats[i] = Float((rank + 1) * (i % 1000 + 1)) }
        try communicator.allReduceSum(floats)
        expect("allreduce-sum-float", count: count, actual: { floats[$0] }, expected: { Float(ranksSum * ($0 % 1000 + 1)) })

        var doubles = (0..<count).map { Double((rank + 1) * ($0 % 100_000 + 1)) }
        try communicator.allReduceSum(&doubles)
        expect("allreduce-sum-double", count: count, actual: { doubles[$0] }, expected: { Double(ranksSum * ($0 % 100_000 + 1)) })

        let maxPattern = { (r: Int, i: Int) in (7 * i + 13 * r) % 101 - 50 }
        // The pattern has period 101 in i, so the expected maxima fit in a table.
        let maxTable = (0..<101).map { i in (0..<size).map { maxPattern($0, i) }.max()! }
        let expectedMax = { (i: Int) in maxTable[i % 101] }
        for i in 0..<count { floats[i] = Float(maxPattern(rank, i)) }
        try communicator.allReduceMax(floats)
        expect("allreduce-max-float", count: count, actual: { floats[$0] }, expected: { Float(expectedMax($0)) })

        var doubleMax = (0..<count).map { Double(maxPattern(rank, $0)) }
        try communicator.allReduceMax(&doubleMax)
        expect("allreduce-max-double", count: count, actual: { doubleMax[$0] }, expected: { Double(expectedMax($0)) })

        for i in 0..<count { floats[i] = Float((rank + 1) * (i % 1000 + 1)) }
        let pending = try communicator.startAllReduceSum(floats)
        try pending.wait()
        expect("iallreduce-sum-float", count: count, actual: { floats[$0] }, expected: { Float(ranksSum * ($0 % 1000 + 1)) })
    }

    /// The last rank broadcasts (i mod 4093) − 2000.5 (exact in Float32); the others start from −1.
    func broadcast(count: Int) throws {
        let root = size - 1
        let pattern = { (i: Int) in Double(i % 4093) - 2000.5 }
        let floats = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { floats.deallocate() }
        for i in 0..<count { floats[i] = rank == root ? Float(pattern(i)) : -1 }
        try communicator.broadcast(floats, root: root)
        expect("broadcast-float", count: count, actual: { floats[$0] }, expected: { Float(pattern($0)) })

        var doubles = (0..<count).map { rank == root ? pattern($0) : -1 }
        try communicator.broadcast(&doubles, root: root)
        expect("broadcast-double", count: count, actual: { doubles[$0] }, expected: { pattern($0) })

        var bytes = (0..<count).map { rank == root ? UInt8(truncatingIfNeeded: $0 * 31) : 0 }
        try communicator.broadcast(&bytes, root: root)
        expect("broadcast-uint8", count: count, actual: { bytes[$0] }, expected: { UInt8(truncatingIfNeeded: $0 * 31) })
    }

    func allGather() throws {
        let words = try communicator.allGather(UInt64(rank * 1000 + 7))
        expect("allgather-uint64", count: 1, actual: { _ in words }, expected: { _ in (0..<self.size).map { UInt64($0 * 1000 + 7) } })
        let doubles = try communicator.allGather([Double(rank), Double(rank) / 4, -1])
        expect("allgather-doubles", count: 1, actual: { _ in doubles },
               expected: { _ in (0..<self.size).map { [Double($0), Double($0) / 4, -1] } })
        try communicator.barrier()
        print("OK barrier rank \(rank)")
    }

    /// Gradient buckets: rank r holds (r+1)·(i mod 1000 + 1); backward marks ranges final from the
    /// end in uneven steps (as a real backward would), some ranges never.
    func buckets(count: Int, bucketBytes: Int, overlaps: Bool) throws {
        let ranksSum = size * (size + 1) / 2
        let gradients = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { gradients.deallocate() }
        for i in 0..<count { gradients[i] = Float((rank + 1) * (i % 1000 + 1)) }
        let reducer = GradientAllReduce(
            communicator: communicator, count: count, bucketBytes: bucketBytes, overlapsWithBackward: overlaps)
        try reducer.allReduce(gradients) { tracker in
            var upper = count
            var step = 1
            while upper > count / 3 {
                let lower = max(count / 3, upper - step * 1237)
                try tracker.markFinal(lower..<upper)
                upper = lower
                step += 1
            }
        }
        expect("buckets-\(overlaps ? "overlapped" : "blocking")-\(reducer.bucketRanges.count)", count: count,
               actual: { gradients[$0] }, expected: { Float(ranksSum * ($0 % 1000 + 1)) })
    }

    /// Rank 1 (mismatch) changes one parameter; the check must throw on every rank.
    func checksum(mismatch: Bool) throws {
        var parameters = (0..<100_003).map { Float($0 % 97) * 0.25 }
        if mismatch && rank == 1 { parameters[5] += 1 }
        try parameters.withUnsafeBufferPointer { try communicator.checkIdentical(parameters: $0) }
        print("OK checksum rank \(rank)")
    }

    /// The last rank (mismatch) has a different config text.
    func config(mismatch: Bool) throws {
        let text = "env = lbf\nembed = 64\nseed = \(mismatch && rank == size - 1 ? 2 : 1)\n"
        try communicator.checkIdentical(text: text)
        print("OK config rank \(rank)")
    }

    /// The last rank aborts while the others wait in a barrier that can never complete.
    func abortFromLastRank() throws {
        if rank == size - 1 {
            usleep(300_000)
            communicator.abort(message: "deliberate failure for the abort test")
        }
        try communicator.barrier()
        print("FAIL abort rank \(rank): barrier returned although rank \(size - 1) aborted")
        failures += 1
    }

    /// A broadcast from a rank that does not exist must throw an MPIError naming the call.
    func mpiError() throws {
        var values: [Float] = [1, 2, 3]
        do {
            try communicator.broadcast(&values, root: size + 3)
            print("FAIL mpi-error rank \(rank): broadcast from root \(size + 3) did not throw")
            failures += 1
        } catch let error as MPIError {
            print("OK mpi-error rank \(rank): \(error)")
        }
    }

    /// A normal end, with or without an explicit finalize().
    func finalize(explicitly: Bool) throws {
        var values: [Float] = [Float(rank)]
        try communicator.allReduceSum(&values)
        expect("finalize-sum", count: 1, actual: { values[$0] }, expected: { _ in Float(self.size * (self.size - 1) / 2) })
        if explicitly {
            try communicator.finalize()
            try communicator.finalize()
        }
    }

    /// The last rank exits with status 3 without finalizing; the others wait in a barrier.
    func exitEarlyFromLastRank() throws {
        if rank == size - 1 {
            usleep(300_000)
            print("rank \(rank) exits early with status 3")
            exit(3)
        }
        try communicator.barrier()
        print("FAIL exit-early rank \(rank): barrier returned although rank \(size - 1) exited")
        failures += 1
    }
}
