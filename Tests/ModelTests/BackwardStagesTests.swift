import Losses
import Model
import TensorCore
import Testing

/// Issue #17 part 2: backward reports each layer's gradient range final (so its all-reduce may
/// start during the rest of backward) only once it will not write that range again.
@Suite struct BackwardStagesTests {
    @Test("the stages tile the arena, heads first, observation encoder last", arguments: [1, 3])
    func stagesTileTheArena(blocks: Int) {
        let layout = SableLayout(config: TestFixtures.config(embedding: 8, blocks: blocks))
        let stages = layout.backwardStages
        #expect(stages.count == 2 * blocks + 3)
        #expect(stages.first?.upperBound == layout.arena.totalCount && stages.last?.lowerBound == 0)
        #expect(zip(stages, stages.dropFirst()).allSatisfy { $0.lowerBound == $1.upperBound } && stages.allSatisfy { !$0.isEmpty })
        #expect(stages.first?.contains(layout.policyHead.kernel1.offset) == true)
        #expect(stages.last?.contains(layout.encoderNorm.offset) == true)
    }

    /// Two blocks (each encoder block adds into the shared encoder norm's gradient), both heads,
    /// active SwiGLU: a copy of each range taken when it is reported equals the finished gradient.
    @Test(arguments: [LossKind.oryx, .bc])
    func aReportedRangeNeverChangesAgain(kind: LossKind) {
        let config = TestFixtures.config(embedding: 8, blocks: 2, hasQHead: kind.usesQHead)
        let layout = SableLayout(config: config)
        let parameters = TestFixtures.parameters(layout, seed: 11, denseFFN: true)
        let target = TestFixtures.copy(parameters)
        let batch = TestFixtures.batch(batchSize: 3, timeSteps: 4, agents: 3, config: config, seed: 12)
        let loss = SableLoss(network: SableNetwork(layout: layout, maxBatch: 3, timeSteps: 4, agentSlots: 3),
                             config: LossConfig(kind: kind))
        let plain = ParameterArena(layout: layout.arena)
        _ = loss.lossAndGradients(batch: batch, online: parameters, target: target, gradients: plain)

        let gradients = ParameterArena(layout: layout.arena)
        let counts = loss.localCounts(batch: batch)
        loss.forward(batch: batch, online: parameters, target: target)
        let maxima = loss.icqMaxima()
        var reported: [(range: Range<Int>, values: [Float])] = []
        _ = loss.backward(globalMaxima: maxima, globalSums: loss.icqSums(globalMaxima: maxima), globalCounts: counts,
                          presentTasks: SableLoss.presentTaskCount(globalCounts: counts), parameters: parameters,
                          gradients: gradients, finished: { range in reported.append((range, Array(gradients.buffer.toArray()[range]))) })

        #expect(reported.map(\.range) == layout.backwardStages)
        let finished = gradients.buffer.toArray()
        for (stage, (range, values)) in reported.enumerated() {
            let changed = zip(finished[range], values).filter { $0 != $1 }.count
            #expect(changed == 0, "stage \(stage) (\(range)): \(changed) values changed after it was reported final")
            #expect(values.contains { $0 != 0 }, "stage \(stage) has no gradient")
        }
        let matchesPlain = finished == plain.buffer.toArray()
        #expect(matchesPlain, "reporting the stages changed the gradient")
    }
}
