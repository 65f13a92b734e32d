import Kernels
import Losses
import Model
import TensorCore

/// Small random batches and models for property tests.
enum TestFixtures {
    static func config(embedding: Int = 8, heads: Int = 2, blocks: Int = 1, inputSize: Int = 6, actions: Int = 4,
                       bins: Int = 1, hasQHead: Bool = true) -> ModelConfig {
        ModelConfig(embedding: embedding, heads: heads, blocks: blocks, inputSize: inputSize, actionCount: actions,
                    qBins: bins, hasQHead: hasQHead)
    }

    /// Random parameters; SwiGLU weights also random when `denseFFN` (to exercise its backward).
    static func parameters(_ layout: SableLayout, seed: UInt64, denseFFN: Bool = false) -> ParameterArena {
        var random = RandomStream(seed: seed)
        let arena = SableInitializer.parameters(for: layout, random: &random)
        for s in layout.arena.slices {
            // Move away from the init's special values (unit scales, zero biases, tiny heads) so
            // every parameter has a visible effect.
            if s.name.contains("/ffn/") && !denseFFN { continue }
            let v = arena.values(of: s).map { $0 + Float(random.nextNormal() * 0.1) }
            arena.setValues(v, of: s)
        }
        return arena
    }

    /// Random batch: every slot active, random legal masks (dataset action always legal), rewards
    /// in [0, 1), resets with probability `resetRate` (and at t = 0).
    static func batch(batchSize: Int, timeSteps: Int, agents: Int, config: ModelConfig, seed: UInt64,
                      resetRate: Double = 0.25, taskCount: Int = 1) -> AgentBatch {
        var r = RandomStream(seed: seed)
        let a = config.actionCount
        var b = AgentBatch(batchSize: batchSize, timeSteps: timeSteps, agentSlots: agents, inputSize: config.inputSize,
                           actionCount: a)
        let tokens = batchSize * timeSteps * agents
        b.observations.copy(from: (0..<(tokens * config.inputSize)).map { _ in Float(r.nextNormal()) })
        for i in 0..<tokens {
            let act = r.nextInt(below: a)
            b.actions[i] = Int32(act)
            b.rewards[i] = r.nextUniformFloat()
            for k in 0..<a { b.legal[i * a + k] = (k == act || r.nextUniformFloat() > 0.3) ? 1 : 0 }
        }
        for s in 0..<batchSize {
            for t in 0..<timeSteps { b.resets[s * timeSteps + t] = (t == 0 || r.nextUniformDouble() < resetRate) ? 1 : 0 }
            b.taskIndex[s] = Int32(s % taskCount)
        }
        b.agentMask = [Float](repeating: 1, count: batchSize * agents)
        return b
    }

    static func copy(_ arena: ParameterArena) -> ParameterArena {
        let c = ParameterArena(layout: arena.layout)
        c.copy(from: arena)
        return c
    }

    static func rows(_ m: Matrix) -> [[Float]] {
        (0..<m.rows).map { r in (0..<m.cols).map { m[r, $0] } }
    }
}
