// online-probe: one PPO update under mpirun (or alone), for Tests/OnlineTests/RankInvarianceTests.
// Every rank collects the same rollout of ENVS envs (lbf-8x8-2p-2f-coop, E = 16 embedding, fixed
// seeds), keeps its contiguous block of ENVS / R envs, and all ranks run one `PPOUpdate` (2 epochs,
// shuffles on, M = 1) as one learner; rank 0 writes the updated parameters (raw little-endian
// Float32) to OUT and prints `moved X`, the largest parameter change. R ranks must then give the parameters of one rank on all ENVS envs.
import Distributed
import Environments
import Foundation
import Model
import Online
import TensorCore

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 2, let envs = Int(arguments.first!), envs > 0 else {
    print("usage: online-probe ENVS OUT")
    exit(2)
}
let out = arguments.last!

/// Envs `range` of `rollout` as a rollout of their own.
func block(of rollout: Rollout, envs range: Range<Int>, config: ModelConfig) -> Rollout {
    let t = rollout.steps, n = rollout.agents, d = rollout.inputSize, a = rollout.actionCount, size = rollout.stateSize
    let part = Rollout(envs: range.count, steps: t, agents: n, config: config)
    for (b, e) in range.enumerated() {
        for k in 0..<(t * n) {
            let to = b * t * n + k, from = e * t * n + k
            for j in 0..<d { part.observations[to * d + j] = rollout.observations[from * d + j] }
            for j in 0..<a { part.legal[to * a + j] = rollout.legal[from * a + j] }
            part.actions[to] = rollout.actions[from]
            part.logProbs[to] = rollout.logProbs[from]
            part.values[to] = rollout.values[from]
            part.rewards[to] = rollout.rewards[from]
            part.advantages[to] = rollout.advantages[from]
            part.returns[to] = rollout.returns[from]
        }
        for k in 0...t { part.first[b * (t + 1) + k] = rollout.first[e * (t + 1) + k] }
        for k in 0..<t { part.stepCounts[b * t + k] = rollout.stepCounts[e * t + k] }
        for i in 0..<n { part.bootstrapValues[b * n + i] = rollout.bootstrapValues[e * n + i] }
        for m in 0..<rollout.stateModules {
            for k in 0..<size { part.initialStates[(m * range.count + b) * size + k] = rollout.initialStates[(m * rollout.envs + e) * size + k] }
        }
    }
    return part
}

let world = try MPICommunicator.world()
do {
    guard envs % world.size == 0 else { throw ProbeFailure("ENVS \(envs) must be a multiple of the rank count \(world.size)") }
    let task = try TaskRegistry.task(id: "lbf-8x8-2p-2f-coop")
    var settings = OnlineRunSettings()
    settings.embedding = 16
    let config = settings.modelConfig(for: task)
    let layout = SableLayout(config: config)
    var initRandom = RandomStream(seed: 1)
    let parameters = SableInitializer.parameters(for: layout, random: &initRandom)
    let collector = RolloutCollector(task: task, layout: layout, copies: envs, random: RandomStream(seed: 2))
    // A warm-up rollout first, so the measured one starts mid-episode from non-zero h_start.
    collector.collect(parameters: parameters, into: Rollout(envs: envs, steps: 7, agents: task.agentCount, config: config))
    let rollout = Rollout(envs: envs, steps: 16, agents: task.agentCount, config: config)
    collector.collect(parameters: parameters, into: rollout)
    AdvantageEstimator().estimate(rollout)
    let share = envs / world.size
    let mine = block(of: rollout, envs: (world.rank * share)..<((world.rank + 1) * share), config: config)
    let update = PPOUpdate(layout: layout, parameters: parameters, envs: share, steps: rollout.steps, agents: task.agentCount,
                           settings: PPOUpdateSettings(epochs: 2, minibatches: 1, chunkSteps: 8), communicator: world)
    let start = parameters.buffer.toArray()
    var shuffles = RandomStream(seed: 3)
    _ = try update.run(rollout: mine, random: &shuffles)
    if world.rank == 0 {
        print("moved \(zip(start, parameters.buffer.toArray()).map { abs($0 - $1) }.max() ?? 0)")
        let bytes = parameters.buffer.withUnsafeBufferPointer { Array(UnsafeRawBufferPointer($0)) }
        guard FileManager.default.createFile(atPath: out, contents: Data(bytes)) else { throw ProbeFailure("cannot write \(out)") }
    }
    try world.finalize()
} catch {
    world.abort(message: "online-probe: \(error)")
}

struct ProbeFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
