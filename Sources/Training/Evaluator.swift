import Distributed
import Environments
import Foundation
import Model
import TensorCore

/// Score of one task at one evaluation.
public struct TaskScore: Sendable {
    public let taskID: String
    public let split: TaskSplit
    public let episodes: Int
    public let meanReturn: Double
    /// meanReturn / reference return (NaN without a reference).
    public let normalisedReturn: Double
}

/// Zero-shot evaluation of the acting (recurrent) policy on whole episodes (spec §8).
///
/// Episodes of each task are dealt round-robin to ranks (episode e to rank e mod R), each rank
/// plays its share with batched environments, and returns are summed with one all-reduce.
/// Inputs per agent: the agent-ID one-hot over N_max slots, then the observation features
/// zero-padded to the run's feature width; only real agents are fed (padding slots are inert).
public struct Evaluator {
    public let layout: SableLayout
    public let binCenters: [Float]
    public let selection: ActionSelection
    public let tasks: TrainingTasks
    public let references: ReferenceReturnTable
    public let seed: UInt64

    public init(layout: SableLayout, binCenters: [Float], selection: ActionSelection, tasks: TrainingTasks,
                references: ReferenceReturnTable, seed: UInt64) {
        self.layout = layout
        self.binCenters = binCenters
        self.selection = selection
        self.tasks = tasks
        self.references = references
        self.seed = seed
    }

    /// Plays `episodes` episodes of every task in `evaluated` with `parameters`.
    /// - Parameter round: names this evaluation's random streams (resets and action sampling).
    public func evaluate(parameters: ParameterArena, evaluated: [TaskSpec], episodes: Int, round: Int,
                         communicator: any Communicator) throws -> [TaskScore] {
        var totals = [Double](repeating: 0, count: evaluated.count)
        for (index, task) in evaluated.enumerated() {
            let mine = Array(stride(from: communicator.rank, to: episodes, by: communicator.size))
            if !mine.isEmpty {
                totals[index] = play(task: task, episodeIndices: mine, parameters: parameters, round: round, taskIndex: index)
            }
        }
        try communicator.allReduceSum(&totals)
        return evaluated.enumerated().map { index, task in
            let mean = episodes > 0 ? totals[index] / Double(episodes) : .nan
            let reference = references.returns[task.id]
            let normalised = reference.map { $0 != 0 ? mean / $0 : .nan } ?? .nan
            return TaskScore(taskID: task.id, split: task.split, episodes: episodes, meanReturn: mean, normalisedReturn: normalised)
        }
    }

    /// Sum of the returns of the given episodes of `task`.
    func play(task: TaskSpec, episodeIndices: [Int], parameters: ParameterArena, round: Int, taskIndex: Int) -> Double {
        let copies = min(episodeIndices.count, 32)
        let n = task.agentCount, width = layout.config.inputSize, a = task.actionCount
        let env = task.makeBatch(copies: copies)
        let policy = SablePolicy(layout: layout, copies: copies, agents: n, selection: selection, binCenters: binCenters)
        let root = RandomStream(seed: seed).derived("evaluation", round, taskIndex)
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
        var total = 0.0
        while running.contains(where: { $0 >= 0 }) {
            env.observations(into: &observations)
            env.legalActions(into: &legal)
            buildInputs(&inputs, observations: observations, copies: copies, agents: n, features: task.observationSize)
            let actions = policy.step(parameters: parameters, observations: inputs, legal: legal, random: &random)
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
            }
        }
    }
}
