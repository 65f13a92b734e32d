import Distributed
import Environments
import Foundation
import Model
import TensorCore

extension RunEvaluation {
    /// Sum of the returns of the given episodes of `task`.
    func play(task: TaskSpec, episodeIndices: [Int], parameters: ParameterArena, round: Int, taskIndex: Int) -> Double {
        let copies = min(episodeIndices.count, 32)
        let n = task.agentCount, width = layout.config.inputSize, a = task.actionCount
        let env = task.makeBatch(copies: copies)
        let policy = SablePolicy(layout: layout, copies: copies, agents: n, selection: actionSelection,
                                 binCenters: binCenters)
        let root = RandomStream(seed: UInt64(config.seed)).derived("evaluation", round, taskIndex)
        var random = root.derived("actions", episodeIndices[0])
        var next = 0
        var running = [Int](repeating: -1, count: copies)  // episode index per copy, -1 = idle
        func start(_ copy: Int) {
            if next < episodeIndices.count {
                running[copy] = episodeIndices[next]
                var g = root.derived("reset", episodeIndices[next])
                env.reset(copy: copy, seed: g.next())
                next += 1
            } else {
                running[copy] = -1
                env.reset(copy: copy, seed: UInt64(copy))
            }
            policy.reset(copy: copy)
        }
        for c in 0..<copies { start(c) }
        var observations = [Float](repeating: 0, count: copies * n * task.observationSize)
        var legal = [UInt8](repeating: 0, count: copies * n * a)
        var inputs = [Float](repeating: 0, count: copies * n * width)
        var rewards = [Float](repeating: 0, count: copies)
        var terminal = [Bool](repeating: false, count: copies)
        var truncated = [Bool](repeating: false, count: copies)
        var actions = [Int32](repeating: 0, count: copies * n)
        var total = 0.0
        while running.contains(where: { $0 >= 0 }) {
            env.observations(into: &observations)
            env.legalActions(into: &legal)
            buildInputs(&inputs, observations: observations, copies: copies, agents: n, features: task.observationSize)
            policy.step(parameters: parameters, observations: inputs, legal: legal, random: &random, stepCounts: nil, into: &actions)
            env.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
            for c in 0..<copies {
                if running[c] >= 0 { total += Double(rewards[c]) }
                if terminal[c] || truncated[c] { start(c) }
            }
        }
        return total
    }

    /// Rows [one-hot(i) over N_max, features padded with zeros to the run's feature width].
    func buildInputs(_ inputs: inout [Float], observations: [Float], copies: Int, agents n: Int, features: Int) {
        let slots = tasks.agentSlots, width = layout.config.inputSize
        for k in inputs.indices { inputs[k] = 0 }
        for c in 0..<copies {
            for i in 0..<n {
                let row = (c * n + i) * width
                inputs[row + i] = 1
                let source = (c * n + i) * features
                for f in 0..<features { inputs[row + slots + f] = observations[source + f] }
                if let standardiser {
                    inputs.withUnsafeMutableBufferPointer { standardiser.apply($0.baseAddress! + row + slots, count: features) }
                }
            }
        }
    }
}
