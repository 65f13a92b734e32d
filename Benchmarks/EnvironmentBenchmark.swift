import Environments
import Foundation

/// Steps per second of every environment for 1 and 256 parallel copies (issue #4).
/// Times `step` + `observations` + `legalActions` (what collection and evaluation call per step);
/// actions come from the random-legal policy, drawn outside the timed region.
enum EnvironmentBenchmark {
    static func run(arguments: [String]) {
        BenchmarkSupport.printHeader("environment stepping (single thread)")
        let ids = BenchmarkSupport.option("tasks", in: arguments).map { $0.split(separator: ",").map(String.init) }
            ?? ["rware-tiny-2ag", "rware-medium-6ag", "lbf-8x8-2p-2f-coop", "lbf-15x15-3p-5f", "con-5x5x3a", "con-10x10x10a"]
        let seconds = Double(BenchmarkSupport.option("seconds", in: arguments) ?? "") ?? 1.0
        print("task                  copies  env-steps/s   agent-steps/s")
        for id in ids {
            guard let task = try? TaskRegistry.task(id: id) else { print("\(id): unknown task"); continue }
            for copies in [1, 256] {
                let rate = stepsPerSecond(task: task, copies: copies, seconds: seconds)
                print(id.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "%6d  %11.0f   %13.0f", copies, rate,
                                                                                     rate * Double(task.agentCount)))
            }
        }
    }

    /// Environment steps per second (one copy stepping once = one env-step).
    static func stepsPerSecond(task: TaskSpec, copies: Int, seconds: Double) -> Double {
        let env = task.makeBatch(copies: copies)
        for c in 0..<copies { env.reset(copy: c, seed: UInt64(c)) }
        let n = task.agentCount
        var rng = SplitMixGenerator(seed: 7)
        var actions = [Int32](repeating: 0, count: copies * n)
        var rewards = [Float](repeating: 0, count: copies)
        var terminal = [Bool](repeating: false, count: copies)
        var truncated = [Bool](repeating: false, count: copies)
        var obs = [Float](repeating: 0, count: copies * n * task.observationSize)
        var legal = [UInt8](repeating: 0, count: copies * n * task.actionCount)
        var timed: UInt64 = 0
        var steps = 0
        var resetCount = 0
        while Double(timed) / 1e9 < seconds {
            env.heuristicActions(epsilon: 1, rng: &rng, into: &actions)
            let t0 = DispatchTime.now().uptimeNanoseconds
            env.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
            env.observations(into: &obs)
            env.legalActions(into: &legal)
            timed += DispatchTime.now().uptimeNanoseconds - t0
            steps += copies
            for c in 0..<copies where terminal[c] || truncated[c] {
                resetCount += 1
                env.reset(copy: c, seed: UInt64(copies + resetCount))
            }
        }
        return Double(steps) / (Double(timed) / 1e9)
    }
}
