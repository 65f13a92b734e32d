/// Many copies of one task stepping together (struct-of-arrays inside).
///
/// Layouts (row-major): observations `(copies, N, obsSize)`, legal masks `(copies, N, A)` as 0/1 bytes,
/// actions `(copies, N)`, rewards/flags `(copies)`. Rewards are the team reward.
/// The caller resets a copy after its episode ended (terminal or truncated); stepping a finished
/// copy without a reset is a programmer error.
public protocol BatchedEnvironment: AnyObject {
    var copyCount: Int { get }
    var agentCount: Int { get }
    var observationSize: Int { get }
    var actionCount: Int { get }
    var timeLimit: Int { get }

    /// Starts a new episode in copy `copy`, drawn from the task's generator with `seed`.
    func reset(copy: Int, seed: UInt64)

    /// Writes every copy's current observations into `buffer` (length copies·N·obsSize).
    func observations(into buffer: inout [Float])

    /// Writes every copy's legal-action masks into `buffer` (length copies·N·A; 1 = legal).
    func legalActions(into buffer: inout [UInt8])

    /// Steps every copy with its joint action. `actions` has length copies·N.
    /// Fills `rewards`, `terminal` and `truncated` (length copies each).
    func step(actions: [Int32], rewards: inout [Float], terminal: inout [Bool], truncated: inout [Bool])

    /// Scripted heuristic actions for every copy (spec'd per environment); with probability
    /// `epsilon` per agent a uniformly random legal action instead.
    func heuristicActions(epsilon: Double, rng: inout SplitMixGenerator, into actions: inout [Int32])

    /// The grid of copy `copy` as text, for people.
    func render(copy: Int) -> String
}

/// A batched environment whose copies step independently, one after another: `stepCopy` steps one
/// copy, and `step(actions:rewards:terminal:truncated:)` of `BatchedEnvironment` is the one loop
/// over the copies below, shared by every environment.
protocol CopyByCopyEnvironment: BatchedEnvironment {
    /// Steps copy `copy` with its joint action `actions[copy·N ..< (copy+1)·N]` (`actions` holds
    /// every copy's); returns the team reward, whether the episode ended (terminal) and whether
    /// it reached the time limit without ending (truncated).
    func stepCopy(_ copy: Int, actions: [Int32]) -> (reward: Float, terminal: Bool, truncated: Bool)
}

extension CopyByCopyEnvironment {
    public func step(actions: [Int32], rewards: inout [Float], terminal: inout [Bool], truncated: inout [Bool]) {
        let copies = copyCount
        precondition(
            actions.count == copies * agentCount,
            "actions has \(actions.count) entries, expected \(copies)·\(agentCount)")
        precondition(
            rewards.count == copies && terminal.count == copies && truncated.count == copies,
            "rewards/terminal/truncated need \(copies) entries each")
        for copy in 0..<copies {
            let outcome = stepCopy(copy, actions: actions)
            rewards[copy] = outcome.reward
            terminal[copy] = outcome.terminal
            truncated[copy] = outcome.truncated
        }
    }
}

/// A tiny seedable generator for environments (which depend on nothing else of ours).
public struct SplitMixGenerator: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform integer in `0..<bound`.
    public mutating func nextInt(below bound: Int) -> Int { Int(next(upperBound: UInt64(bound))) }
    /// Uniform in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }
}
