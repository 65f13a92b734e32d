import Environments
import Testing

/// The scripted policy solves tasks clearly better than random play; render shows the grid.
@Suite struct RWAREHeuristicTests {
    /// Mean episode return over `episodes` episodes of `copies` parallel copies.
    static func meanReturn(taskId: String, epsilon: Double, episodes: Int) throws -> Double {
        let task = try TaskRegistry.task(id: taskId)
        let batch = task.makeBatch(copies: episodes)
        var rng = SplitMixGenerator(seed: 99)
        for c in 0..<episodes { batch.reset(copy: c, seed: UInt64(1000 + c)) }
        var actions = [Int32](repeating: 0, count: episodes * batch.agentCount)
        var rewards = [Float](repeating: 0, count: episodes)
        var terminal = [Bool](repeating: false, count: episodes)
        var truncated = [Bool](repeating: false, count: episodes)
        var total = 0.0
        var running = [Bool](repeating: true, count: episodes)
        while running.contains(true) {
            batch.heuristicActions(epsilon: epsilon, rng: &rng, into: &actions)
            batch.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
            for c in 0..<episodes {
                if running[c] { total += Double(rewards[c]) }
                if terminal[c] || truncated[c] {
                    running[c] = false
                    batch.reset(copy: c, seed: UInt64(5000 + c))
                }
            }
        }
        return total / Double(episodes)
    }

    @Test(arguments: ["rware-tiny-2ag", "rware-tiny-4ag", "rware-small-4ag"])
    func theHeuristicBeatsRandomPlay(taskId: String) throws {
        let heuristic = try Self.meanReturn(taskId: taskId, epsilon: 0, episodes: 20)
        let random = try Self.meanReturn(taskId: taskId, epsilon: 1, episodes: 20)
        #expect(heuristic > 4 * random + 5, "\(taskId): heuristic \(heuristic), random \(random)")
    }

    @Test func renderShowsTheGridWithALegend() throws {
        let scene = RWAREScene(agents: [(9, 3), (1, 1)], facing: [Dir.right, Dir.up])
        try scene.batch.load(scene.state, copy: 0)
        let lines = scene.batch.render(copy: 0).split(separator: "\n")
        #expect(lines.count == 12)
        #expect(lines[0].hasPrefix("legend"))
        #expect(lines.dropFirst().allSatisfy { $0.count == 20 })
        #expect(lines[10].contains("A>"))
        #expect(lines[2].contains("B^"))
    }
}
