import Datasets
import Distributed
import Foundation
import Losses
import Model
import TensorCore

/// One optimiser update of the multi-task objective, distributed as spec §4.4 prescribes.
///
/// Every rank builds the same plan, samples only its own entries (`TaskSharding`), and then:
/// 1. all-reduce (sum) the per-task valid-token counts;
/// 2. (Oryx) forward, all-reduce (max) the ICQ maxima, all-reduce (sum) the shifted exponential
///    sums and valid-sample counts, so ICQ groups split across ranks normalise exactly;
/// 3. backward of the local surrogate (1/M)·Σ_τ Σ_local m·ℓ / n_τ, and a bucketed all-reduce (sum)
///    of the flat gradient arena; the sum is the gradient of Eq. 1 on the whole batch;
/// 4. global-norm clipping of the summed gradient, Adam, then Polyak for the target network.
///
/// With `overlapsAllReduce` (the default), backward marks each layer's gradients final as it
/// finishes them (`SableLayout.backwardStages`, last layers first) and a bucket's reduction starts
/// as soon as the bucket is complete, while backward goes on (`GradientAllReduce`); otherwise the
/// buckets are reduced after backward. Both issue the same reductions of the same buckets in the
/// same order, so the summed gradient is the same, bit for bit. Open MPI advances the reductions
/// only inside MPI calls, so while overlapping, backward polls them between its kernels
/// (`ComputeProgress`, at most every `pollInterval`) on this, the MPI thread.
///
/// `shares` are the rank indices this process computes: its own rank under MPI, or all R ranks one
/// after another for `--simulate-ranks R` (then `communicator` is single-process and the shares'
/// contributions are combined here exactly as the all-reduces would; nothing to overlap).
public final class UpdateEngine {
    public let sampler: TaskBalancedSampler
    public let loss: SableLoss
    public let online: ParameterArena
    public let target: ParameterArena?
    public let gradients: ParameterArena
    public let optimizer: AdamOptimizer
    let communicator: any Communicator
    let reducer: GradientAllReduce
    let shares: [Int]
    let rankCount: Int
    let batchSize: Int
    let batching: BatchingMode
    let costs: [Double]
    let maxGradNorm: Float
    let tau: Float
    /// The last batch of each rank this process computes, by rank.
    private var batches: [Int: AgentBatch] = [:]
    /// Seconds between polls of the overlapped all-reduce during backward (between its kernels).
    static let pollInterval = 2e-4
    /// Where the last update's time went (`computeGradients`, then `apply`).
    public private(set) var lastPhases = UpdatePhaseTimes()

    /// - Parameters: `overlapsAllReduce`: start gradient buckets during backward (only where this
    ///   process computes one share); `bucketBytes`: the all-reduce's bucket size (`GradientAllReduce`).
    public init(sampler: TaskBalancedSampler, loss: SableLoss, online: ParameterArena, target: ParameterArena?,
                optimizer: AdamOptimizer, communicator: any Communicator, shares: [Int], rankCount: Int, batchSize: Int,
                batching: BatchingMode, costs: [Double], maxGradNorm: Float, tau: Float, overlapsAllReduce: Bool = true,
                bucketBytes: Int = 4 << 20) {
        self.sampler = sampler
        self.loss = loss
        self.online = online
        self.target = target
        self.optimizer = optimizer
        self.communicator = communicator
        self.shares = shares
        self.rankCount = rankCount
        self.batchSize = batchSize
        self.batching = batching
        self.costs = costs
        self.maxGradNorm = maxGradNorm
        self.tau = tau
        gradients = ParameterArena(layout: online.layout)
        reducer = GradientAllReduce(communicator: communicator, count: online.layout.totalCount, bucketBytes: bucketBytes,
                                    overlapsWithBackward: overlapsAllReduce && shares.count == 1)
    }

    /// The plan entries rank `rank` samples at `update`.
    public func entries(update: Int, rank: Int) -> [PlanEntry] {
        let plan = sampler.plan(mode: batching, update: update, batchSize: batchSize)
        let mine = TaskSharding.entries(forRank: rank, rankCount: rankCount, entryTasks: plan.entries.map(\.task), costs: costs)
        return mine.map { plan.entries[$0] }
    }

    /// Fills the batch of `rank`'s entries at `update`; nil when it has none. Each rank keeps its own
    /// batch (reused while its size stays the same): batches share storage by reference.
    func batch(update: Int, rank: Int) -> AgentBatch? {
        let mine = entries(update: update, rank: rank)
        guard !mine.isEmpty else { return nil }
        var batch = batches.removeValue(forKey: rank).flatMap { $0.batchSize == mine.count ? $0 : nil }
            ?? sampler.makeBatch(batchSize: mine.count)
        sampler.fill(&batch, update: update, entries: mine)
        batches[rank] = batch
        return batch
    }

    /// Computes the all-reduced gradient of update `update` into `gradients` and returns the loss
    /// report summed over ranks. Does not step the optimiser (see `apply`).
    public func computeGradients(update: Int) throws -> LossReport {
        var phases = UpdatePhaseTimes()
        var clock = DispatchTime.now().uptimeNanoseconds
        /// Seconds since the last call (or the start), and restarts the clock.
        func lap() -> Double {
            let now = DispatchTime.now().uptimeNanoseconds
            defer { clock = now }
            return Double(now - clock) / 1e9
        }
        let local = shares.map { batch(update: update, rank: $0) }
        let m = loss.config.taskCount
        var counts = [Double](repeating: 0, count: 3 * m)
        for b in local.compactMap({ $0 }) { add(&counts, loss.localCounts(batch: b)) }
        try communicator.allReduceSum(&counts)
        let present = SableLoss.presentTaskCount(globalCounts: counts)

        var maxima: [Float] = []
        var sums: [Float] = []
        let needsICQ = loss.config.kind.usesICQStatistics
        if needsICQ {
            maxima = [Float](repeating: -.infinity, count: 2 * loss.icqGroupCount * loss.network.timeSteps * loss.network.agentSlots)
            for b in local.compactMap({ $0 }) {
                forward(b)
                let mine = loss.icqMaxima()
                for k in maxima.indices { maxima[k] = max(maxima[k], mine[k]) }
            }
            try communicator.allReduceMax(&maxima)
            sums = [Float](repeating: 0, count: maxima.count / 2 * 3)
            for b in local.compactMap({ $0 }) {
                if shares.count > 1 { forward(b) }
                add(&sums, loss.icqSums(globalMaxima: maxima))
            }
            try communicator.allReduceSum(&sums)
        }

        gradients.zero()
        var summed = [Double](repeating: 0, count: 3 * m + 7)
        // One share marks each range once; several shares accumulate, so theirs is final only at the end.
        let marksStages = shares.count == 1
        try gradients.buffer.withUnsafeMutableBufferPointer { buffer in
            try reducer.allReduce(buffer) { tracker in
                for b in local.compactMap({ $0 }) {
                    if !needsICQ || shares.count > 1 { forward(b) }
                    let matches = loss.actionMatches(batch: b)
                    phases.forward += lap()
                    let backward = {
                        try self.loss.backward(
                            globalMaxima: maxima, globalSums: sums, globalCounts: counts, presentTasks: present,
                            parameters: self.online, gradients: self.gradients,
                            finished: { if marksStages { try tracker.markFinal($0) } })
                    }
                    var report = marksStages && reducer.overlapsWithBackward
                        ? try ComputeProgress.polling(every: Self.pollInterval, tracker.poll, during: backward)
                        : try backward()
                    phases.backward += lap()
                    report.agentTokens = Int(b.agentMask.reduce(0) { $0 + Double($1) }) * b.timeSteps
                    report.actionMatches = matches
                    report.computedTokens = b.rowCount
                    add(&summed, report.flattened)
                }
                phases.forward += lap()
            }
        }
        try communicator.allReduceSum(&summed)
        phases.allReduceWait = lap()
        lastPhases = phases
        return LossReport(flattened: summed, taskCount: m)
    }

    /// Clips the summed gradient, steps Adam, then moves the target network (spec §4.1 step 6, P14, P18).
    /// A gradient whose norm is not finite changes nothing: the parameters, Adam state and target
    /// stay as they were (every rank holds the same summed gradient, so all ranks agree).
    /// - Returns: the gradient's global norm before clipping.
    @discardableResult
    public func apply() -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { lastPhases.optimizer = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let (norm, _) = ArenaMath.clipGlobalNorm(gradients.buffer, maxNorm: maxGradNorm)
        guard norm.isFinite else { return norm }
        optimizer.step(parameters: online.buffer, gradients: gradients.buffer)
        if let target { ArenaMath.polyakUpdate(target: target.buffer, online: online.buffer, tau: tau) }
        return norm
    }

    /// Per training task, the largest |input| and |reward| in the windows of the last computed
    /// update, over all ranks: where a non-finite update came from. Collective: every rank calls it.
    public func lastBatchMagnitudes() throws -> (inputs: [Double], rewards: [Double]) {
        let m = loss.config.taskCount
        var largest = [Double](repeating: 0, count: 2 * m)
        for batch in batches.values {
            batch.observations.withUnsafeBufferPointer { x in
                for b in 0..<batch.batchSize {
                    let task = Int(batch.taskIndex[b])
                    let rows = batch.rows(ofSample: b)
                    for k in (rows.lowerBound * batch.inputSize)..<(rows.upperBound * batch.inputSize) {
                        let v = Double(abs(x[k]))
                        if !(v <= largest[task]) { largest[task] = v }  // NaN wins
                    }
                    for r in rows {
                        let v = Double(abs(batch.rewards[r]))
                        if !(v <= largest[m + task]) { largest[m + task] = v }
                    }
                }
            }
        }
        try communicator.allReduceMax(&largest)
        return (Array(largest[0..<m]), Array(largest[m...]))
    }

    private func forward(_ batch: AgentBatch) {
        loss.forward(batch: batch, online: online, target: target)
    }

    private func add<T: FloatingPoint>(_ total: inout [T], _ part: [T]) {
        precondition(total.count == part.count, "reduction sizes differ: \(total.count) vs \(part.count)")
        for k in total.indices { total[k] += part[k] }
    }
}
