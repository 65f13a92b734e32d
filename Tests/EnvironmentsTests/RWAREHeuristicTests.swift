import Environments
import Testing

/// The scripted policy solves tasks clearly better than random play; render shows the grid.
@Suite struct RWAREHeuristicTests {
    /// Mean episode return and number of collisions over `episodes` parallel episodes.
    static func play(taskId: String, epsilon: Double, episodes: Int) throws -> (meanReturn: Double, collisions: Int) {
        let task = try TaskRegistry.task(id: taskId)
        let batch = task.makeBatch(copies: episodes)
        var rng = SplitMixGenerator(seed: 99)
        for c in 0..<episodes { batch.reset(copy: c, seed: UInt64(1000 + c)) }
        var actions = [Int32](repeating: 0, count: episodes * batch.agentCount)
        var rewards = [Float](repeating: 0, count: episodes)
        var terminal = [Bool](repeating: false, count: episodes)
        var truncated = [Bool](repeating: false, count: episodes)
        var total = 0.0
        var collisions = 0
        var running = [Bool](repeating: true, count: episodes)
        while running.contains(true) {
            batch.heuristicActions(epsilon: epsilon, rng: &rng, into: &actions)
            batch.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
            for c in 0..<episodes {
                if running[c] {
                    total += Double(rewards[c])
                    if terminal[c] { collisions += 1 }
                }
                if terminal[c] || truncated[c] {
                    running[c] = false
                    batch.reset(copy: c, seed: UInt64(5000 + c))
                }
            }
        }
        return (total / Double(episodes), collisions)
    }

    @Test(arguments: ["rware-tiny-2ag", "rware-tiny-4ag", "rware-small-4ag"])
    func theHeuristicBeatsRandomPlay(taskId: String) throws {
        let heuristic = try Self.play(taskId: taskId, epsilon: 0, episodes: 20).meanReturn
        let random = try Self.play(taskId: taskId, epsilon: 1, episodes: 20).meanReturn
        #expect(heuristic > 4 * random + 5, "\(taskId): heuristic \(heuristic), random \(random)")
    }

    /// Without random actions an agent only enters a cell that is empty or left by a lower-index
    /// agent and claimed by nobody earlier, so jumanji's collision rule (§4) never fires.
    @Test(arguments: ["rware-tiny-5ag", "rware-small-8ag", "rware-large-10ag"])
    func theGreedyHeuristicNeverCollides(taskId: String) throws {
        #expect(try Self.play(taskId: taskId, epsilon: 0, episodes: 10).collisions == 0)
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
