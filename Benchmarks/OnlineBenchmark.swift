import Distributed
import Environments
import Foundation
import Model
import Online
import TensorCore

/// The online Sable loop's speed (issue #18): per task, updates of `OnlineRunSettings`' defaults
/// (Mava's latest set: E = 64, 16 envs × 128 steps, 10 PPO epochs, 16-step chunks) on one rank,
/// split into acting (the rollout: recurrent acting, env steps, bootstrap; and GAE) and training
/// (the PPO epochs), as env agent-steps per second of each and of the whole loop; beside it the
/// raw sgemm rate of the projections' shape (T·N·16 tokens × E × E), measured between updates.
///
/// Flags: `--tasks lbf-8x8-2p-2f-coop,con-5x5x3a,rware-tiny-2ag`, `--updates 3` (after one warm-up).
public enum OnlineBenchmark {
    public static func run(arguments: [String]) {
        let tasks = (BenchmarkSupport.option("tasks", in: arguments) ?? "lbf-8x8-2p-2f-coop,con-5x5x3a,rware-tiny-2ag")
            .split(separator: ",").map(String.init)
        let updates = Int(BenchmarkSupport.option("updates", in: arguments) ?? "3") ?? 0
        guard updates > 0 else {
            print("online: --updates takes a positive integer")
            return
        }
        BenchmarkSupport.printHeader("online Sable: acting and training per update (one rank)")
        print("task                  N  agent-steps/update  acting s  training s  acting agent-steps/s  training  whole loop  sgemm GFLOP/s")
        for id in tasks {
            guard let task = try? TaskRegistry.task(id: id) else {
                print("\(id): unknown task")
                continue
            }
            let m = measure(task: task, updates: updates)
            let steps = Double(m.agentSteps)
            print(id.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: " %2d  %18d  %8.3f  %10.3f  %20.0f  %8.0f  %10.0f  %13.1f",
                         task.agentCount, m.agentSteps, m.acting, m.training, steps / m.acting, steps / m.training,
                         steps / (m.acting + m.training), m.sgemmGFLOPS))
        }
    }

    /// Mean seconds acting and training per update, env agent-steps per update, and the mean sgemm rate.
    static func measure(task: TaskSpec, updates: Int) -> (acting: Double, training: Double, agentSteps: Int, sgemmGFLOPS: Double) {
        let settings = OnlineRunSettings()
        let config = settings.modelConfig(for: task)
        let layout = SableLayout(config: config)
        var random = RandomStream(seed: 11)
        let parameters = SableInitializer.parameters(for: layout, random: &random)
        let collector = RolloutCollector(task: task, layout: layout, copies: settings.envs, random: random.derived("collector"))
        let rollout = Rollout(envs: settings.envs, steps: settings.steps, agents: task.agentCount, config: config)
        let update = PPOUpdate(layout: layout, parameters: parameters, envs: settings.envs, steps: settings.steps,
                               agents: task.agentCount, settings: settings.update, communicator: SingleProcessCommunicator())
        let probe = SgemmProbe(m: settings.update.chunkSteps * task.agentCount * settings.envs, n: settings.embedding,
                               k: settings.embedding)
        var shuffles = random.derived("shuffles")
        var acting = 0.0, training = 0.0, rates: [Double] = []
        for u in 0...updates {
            if u > 0 { rates.append(probe.gflops(seconds: 0.3)) }
            let t0 = DispatchTime.now().uptimeNanoseconds
            collector.collect(parameters: parameters, into: rollout)
            settings.advantages.estimate(rollout)
            let t1 = DispatchTime.now().uptimeNanoseconds
            _ = try? update.run(rollout: rollout, random: &shuffles)
            let t2 = DispatchTime.now().uptimeNanoseconds
            if u > 0 {  // update 0 warms up
                acting += Double(t1 - t0) / 1e9
                training += Double(t2 - t1) / 1e9
            }
        }
        return (acting / Double(updates), training / Double(updates), settings.envs * settings.steps * task.agentCount,
                rates.reduce(0, +) / Double(rates.count))
    }
}
