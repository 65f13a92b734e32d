import Datasets
import Distributed
import Losses
import Model
import TensorCore
import Testing
import TestSupport
import Training

/// Issue #17 (spec §7.1): updates on compact batches, which leave absent agent slots out, give the
/// padded batches' loss, gradient and parameter update on multi-task batches of 1, 2, 3, 5 and 23
/// agents (N = 23), alone and split over simulated ranks.
@Suite struct CompactUpdateTests {
    static let agentCounts = [1, 2, 3, 5, 23]
    static let timeSteps = 5, batchSize = 12, bins = 11

    /// One synthetic dataset per agent count (features differ too, so they are zero-padded); every
    /// stored action is legal, as in collected data.
    static let datasets: Result<[DatasetFile], any Error> = Result {
        let directory = try TemporaryDirectory(prefix: "mtrl-compact")
        retained.append(directory)
        return try agentCounts.enumerated().map { index, agents in
            var contents = syntheticContents(id: "task-\(agents)", agents: agents, features: 2 + index % 3,
                                             seed: UInt64(40 + index))
            let a = contents.task.actionCount
            for (token, action) in contents.actions.enumerated() { contents.legal[token * a + Int(action)] = 1 }
            return try writeAndOpen(contents, in: directory.url.path)
        }
    }
    nonisolated(unsafe) static var retained: [TemporaryDirectory] = []

    /// An update engine for `kind` on the synthetic tasks, computing `ranks` simulated ranks' shares.
    static func engine(_ kind: LossKind, layout agentLayout: AgentLayout, ranks: Int) throws -> UpdateEngine {
        let data = try datasets.get()
        let sampler = try TaskBalancedSampler(datasets: data, configuration: SamplerConfiguration(
            timeSteps: timeSteps, shuffle: .perUpdate, agentLayout: agentLayout, seed: 7))
        var lossConfig = LossConfig(kind: kind, taskCount: data.count)
        lossConfig.valueMin = -2
        lossConfig.valueMax = 6
        lossConfig.valueTemperature = 0.5
        let config = ModelConfig(embedding: 16, heads: 2, blocks: 1, inputSize: sampler.inputSize,
                                 actionCount: sampler.actionCount, qBins: kind.usesQHead ? bins : 1, hasQHead: kind.usesQHead)
        let layout = SableLayout(config: config)
        var random = RandomStream(seed: 5)
        let online = SableInitializer.parameters(for: layout, random: &random)
        let target: ParameterArena? = kind.usesTargetNetwork ? ParameterArena(layout: layout.arena) : nil
        target?.copy(from: online)
        let costs = data.map { Double($0.metadata.task.agentCount * $0.metadata.task.observationSize) }
        let network = SableNetwork(layout: layout, maxBatch: batchSize, timeSteps: timeSteps, agentSlots: sampler.agentSlots,
                                   binCenters: lossConfig.binCenters(bins: config.qBins))
        return UpdateEngine(
            sampler: sampler, loss: SableLoss(network: network, config: lossConfig), online: online, target: target,
            optimizer: AdamOptimizer(parameterCount: layout.arena.totalCount, settings: .init(learningRate: 1e-3)),
            communicator: SingleProcessCommunicator(), shares: Array(0..<ranks), rankCount: ranks, batchSize: batchSize,
            batching: .balanced, costs: costs, maxGradNorm: 10, tau: 0.005)
    }

    /// max |a − b| / max |b|.
    static func relativeDifference(_ a: [Float], _ b: [Float]) -> Float {
        let scale = b.map(abs).max() ?? 0
        return (zip(a, b).map { abs($0 - $1) }.max() ?? 0) / max(scale, .leastNormalMagnitude)
    }

    @Test(arguments: LossKind.allCases, [1, 3])
    func compactUpdatesEqualPaddedUpdates(_ kind: LossKind, ranks: Int) throws {
        let padded = try Self.engine(kind, layout: .padded, ranks: 1)
        let compact = try Self.engine(kind, layout: .compact, ranks: ranks)
        for update in 0..<3 {
            let label = "\(kind), \(ranks) rank(s), update \(update)"
            let before = padded.online.buffer.toArray()
            let p = try padded.computeGradients(update: update), c = try compact.computeGradients(update: update)
            #expect(c.agentTokens == p.agentTokens && p.agentTokens > 0, "\(label): agent-tokens")
            // Compact batches compute only real agents; padded ones every slot of N_max = 23.
            #expect(c.computedTokens == c.agentTokens, "\(label): compact computed \(c.computedTokens) of \(c.agentTokens)")
            #expect(p.computedTokens == Self.batchSize * Self.timeSteps * 23, "\(label): padded computed \(p.computedTokens)")
            #expect(abs(c.total - p.total) <= 1e-5 * abs(p.total), "\(label): loss \(c.total) vs \(p.total)")
            for (name, ours, theirs) in [("critic", c.critic, p.critic), ("policy", c.policy, p.policy),
                                         ("conservative", c.conservative, p.conservative)] {
                #expect(zip(ours, theirs).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(label) \(name): \(ours) vs \(theirs)")
            }
            let gradients = padded.gradients.buffer.toArray()
            #expect(gradients.contains { $0 != 0 })
            let gradientDifference = Self.relativeDifference(compact.gradients.buffer.toArray(), gradients)
            #expect(gradientDifference <= 1e-5, "\(label): gradient differs by \(gradientDifference) of its largest entry")
            let pn = padded.apply(), cn = compact.apply()
            #expect(abs(cn - pn) <= 1e-5 * pn, "\(label): gradient norm \(cn) vs \(pn)")
            let step = zip(padded.online.buffer.toArray(), before).map { $0 - $1 }
            let compactStep = zip(compact.online.buffer.toArray(), before).map { $0 - $1 }
            let stepDifference = Self.relativeDifference(compactStep, step)
            #expect(stepDifference <= 1e-3, "\(label): parameter update differs by \(stepDifference) of its largest entry")
            if let target = padded.target, let compactTarget = compact.target {
                let targetDifference = Self.relativeDifference(compactTarget.buffer.toArray(), target.buffer.toArray())
                #expect(targetDifference <= 1e-6, "\(label): target differs by \(targetDifference)")
            }
            // Continue both from the padded run's parameters, so each update compares one step.
            compact.online.copy(from: padded.online)
            if let target = padded.target { compact.target?.copy(from: target) }
        }
    }
}
