import Distributed

extension Probe {
    /// Prints (rank 0) the median time of `repetitions` sum all-reduces of `count` floats: one
    /// call over the whole buffer, then 4 MB buckets blocking and overlapped. A figure, not a check.
    func timeAllReduce(count: Int, repetitions: Int) throws {
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 1)
        let variants: [(String, () throws -> Void)] = [
            ("single call", { try self.communicator.allReduceSum(buffer) }),
            ("4 MB buckets, blocking", {
                try GradientAllReduce(communicator: self.communicator, count: count).allReduce(buffer)
            }),
            ("4 MB buckets, overlapped", {
                try GradientAllReduce(communicator: self.communicator, count: count, overlapsWithBackward: true)
                    .allReduce(buffer)
            }),
        ]
        for (name, body) in variants {
            var seconds: [Double] = []
            for _ in 0..<max(1, repetitions) {
                try communicator.barrier()
                let start = ContinuousClock.now
                try body()
                let elapsed = ContinuousClock.now - start
                seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
            let median = seconds.sorted()[seconds.count / 2]
            if rank == 0 {
                let megabytes = Double(count * 4) / 1e6
                print("allreduce \(count) floats (\(megabytes) MB) on \(size) ranks, \(name): median \(median * 1e3) ms")
            }
        }
    }
}
