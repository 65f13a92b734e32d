import Environments

/// A deterministic stand-in environment whose observations reveal what the recorder must store.
///
/// Agent i of an episode started with seed s sees `[step, i, s mod 1000, ...]`; the episode lasts
/// 1 + (s mod (limit + 3)) steps, cut by truncation at the limit. Action k is legal unless
/// (k + step + i) mod 3 = 0 (action 0 always legal). The heuristic picks the highest legal action;
/// the team reward is 0.1 · Σ actions.
final class ScriptedEnvironment: BatchedEnvironment {
    let copyCount: Int
    let agentCount: Int
    let observationSize = 4
    let actionCount = 5
    let timeLimit: Int
    private var seeds: [UInt64]
    private var steps: [Int]

    init(copies: Int, agents: Int, timeLimit: Int) {
        copyCount = copies
        agentCount = agents
        self.timeLimit = timeLimit
        seeds = [UInt64](repeating: 0, count: copies)
        steps = [Int](repeating: 0, count: copies)
    }

    func length(seed: UInt64) -> Int { 1 + Int(seed % UInt64(timeLimit + 3)) }

    func isLegal(action k: Int, step: Int, agent i: Int) -> Bool { k == 0 || (k + step + i) % 3 != 0 }

    func reset(copy: Int, seed: UInt64) {
        seeds[copy] = seed
        steps[copy] = 0
    }

    func observations(into buffer: inout [Float]) {
        for c in 0..<copyCount {
            for i in 0..<agentCount {
                let base = (c * agentCount + i) * observationSize
                buffer[base] = Float(steps[c])
                buffer[base + 1] = Float(i)
                buffer[base + 2] = Float(seeds[c] % 1000)
                buffer[base + 3] = 0.5
            }
        }
    }

    func legalActions(into buffer: inout [UInt8]) {
        for c in 0..<copyCount {
            for i in 0..<agentCount {
                for k in 0..<actionCount {
                    buffer[(c * agentCount + i) * actionCount + k] =
                        isLegal(action: k, step: steps[c], agent: i) ? 1 : 0
                }
            }
        }
    }

    func step(actions: [Int32], rewards: inout [Float], terminal: inout [Bool], truncated: inout [Bool]) {
        for c in 0..<copyCount {
            precondition(steps[c] < min(length(seed: seeds[c]), timeLimit), "stepped a finished copy \(c)")
            rewards[c] = 0.1 * Float(actions[(c * agentCount)..<((c + 1) * agentCount)].reduce(0, +))
            steps[c] += 1
            terminal[c] = steps[c] == length(seed: seeds[c])
            truncated[c] = !terminal[c] && steps[c] == timeLimit
        }
    }

    func heuristicActions(epsilon: Double, rng: inout SplitMixGenerator, into actions: inout [Int32]) {
        for c in 0..<copyCount {
            for i in 0..<agentCount {
                let legal = (0..<actionCount).filter { isLegal(action: $0, step: steps[c], agent: i) }
                actions[c * agentCount + i] = Int32(
                    rng.nextUnit() < epsilon ? legal[rng.nextInt(below: legal.count)] : legal.last!)
            }
        }
    }

    func render(copy: Int) -> String { "copy \(copy) step \(steps[copy])" }
}
