import Environments
import Testing

/// Deliveries and request replacement (spec env-rware.md §4–§5).
@Suite struct RWAREDeliveryTests {
    /// The newly requested ids must be fresh, distinct and consistent with `shelfRequested`.
    func expectValidReplacement(before: [Int], after: RWAREState, delivered: [Int]) {
        #expect(Set(after.requestQueue).count == after.requestQueue.count)
        #expect(after.shelfRequested == (0..<after.shelfRequested.count).map { after.requestQueue.contains($0) })
        for (old, new) in zip(before, after.requestQueue) where old != new {
            #expect(!before.contains(new), "new request \(new) was already requested in \(before)")
            #expect(delivered.contains(old))
        }
    }

    @Test(arguments: [(9, 4), (9, 5)])
    func steppingOntoEitherGoalDeliversARequestedShelf(row: Int, col: Int) throws {
        var scene = RWAREScene(agents: [(row, col), (5, 0)], facing: [Dir.down, Dir.up], requested: [3, 30])
        scene.carry(agent: 0, shelf: 30)
        let result = try scene.step([Act.forward, Act.noop])
        #expect(result.reward == 1)
        #expect(!result.terminal)
        #expect(result.next.requestQueue[0] == 3, "the other queue slot is untouched")
        #expect(result.next.requestQueue[1] != 30)
        #expect(!result.next.shelfRequested[30])
        #expect(result.next.agentCarrying[0], "no toggle: the carrier keeps the delivered shelf")
        expectValidReplacement(before: [3, 30], after: result.next, delivered: [30])
    }

    @Test func bothGoalsDeliverInOneStep() throws {
        var scene = RWAREScene(agents: [(9, 4), (9, 5)], facing: [Dir.down, Dir.down], requested: [12, 30, 31])
        scene.carry(agent: 0, shelf: 31)
        scene.carry(agent: 1, shelf: 12)
        let result = try scene.step([Act.forward, Act.forward])
        #expect(result.reward == 2)
        #expect(result.next.requestQueue[1] == 30)
        expectValidReplacement(before: [12, 30, 31], after: result.next, delivered: [12, 31])
    }

    @Test func anUnrequestedShelfOnAGoalIsNotDelivered() throws {
        var scene = RWAREScene(agents: [(9, 4), (5, 0)], facing: [Dir.down, Dir.up], requested: [3])
        scene.carry(agent: 0, shelf: 30)
        let result = try scene.step([Act.forward, Act.noop])
        #expect(result.reward == 0)
        #expect(result.next.requestQueue == [3])
    }

    @Test func aRequestedShelfStandingOnAGoalIsDeliveredWithoutMoving() throws {
        var scene = RWAREScene(agents: [(10, 5), (5, 0)], facing: [Dir.down, Dir.up], requested: [30])
        scene.carry(agent: 0, shelf: 30)
        let result = try scene.step([Act.noop, Act.noop])
        #expect(result.reward == 1)
        #expect(result.next.requestQueue != [30])
    }

    @Test func deliveriesDrawFreshRequestsFromTheCopysGenerator() throws {
        var scene = RWAREScene(agents: [(9, 4), (5, 0)], facing: [Dir.down, Dir.up], requested: [30])
        scene.carry(agent: 0, shelf: 30)
        var drawn = Set<Int>()
        for seed in 0..<200 as Range<UInt64> {
            scene.batch.reset(copy: 0, seed: seed)
            let result = try scene.step([Act.forward, Act.noop])
            #expect(result.reward == 1)
            drawn.insert(result.next.requestQueue[0])
        }
        #expect(!drawn.contains(30))
        #expect(drawn.count > 20, "draws should spread over the 31 candidates, got \(drawn.sorted())")
    }
}

/// A shelf on goal1 that goal0's draw requests is delivered in the same step (spec §4), and the
/// trace replayer injects such a chained draw correctly.
@Suite struct RWAREChainedDeliveryTests {
    static func chainedScene() -> RWAREScene {
        var scene = RWAREScene(agents: [(9, 4), (10, 5)], facing: [Dir.down, Dir.up], requested: [30])
        scene.carry(agent: 0, shelf: 30)
        scene.carry(agent: 1, shelf: 31)
        return scene
    }

    @Test func goal0sDrawOfTheGoal1ShelfIsDeliveredAgain() throws {
        let scene = Self.chainedScene()
        var chains = 0
        for seed in 0..<400 as Range<UInt64> {
            scene.batch.reset(copy: 0, seed: seed)
            let result = try scene.step([Act.forward, Act.noop])
            #expect(result.reward == 1 || result.reward == 2)
            if result.reward == 2 {
                chains += 1
                #expect(result.next.requestQueue[0] != 31, "seed \(seed)")
                #expect(!result.next.shelfRequested[31])
            } else {
                #expect(result.next.requestQueue[0] != 30)
            }
        }
        #expect(chains > 0, "about 1 in 31 draws should request the goal1 shelf")
    }

    @Test func theReplayerInjectsAChainedDraw() throws {
        let scene = Self.chainedScene()
        var seed: UInt64 = 0
        while true {
            scene.batch.reset(copy: 0, seed: seed)
            if try scene.step([Act.forward, Act.noop]).reward == 2 { break }
            seed += 1
        }
        try scene.batch.load(scene.state, copy: 0)
        let before = scene.view()
        let result = try scene.step([Act.forward, Act.noop])
        let after = scene.view()
        let transition: [String: Any] = [
            "state": json(scene.state), "obs": before.obs.map { $0.map(Double.init) },
            "action_mask": before.mask.map { $0.map(Int.init) }, "actions": [1, 0], "reward": 2.0,
            "agent_rewards": [2.0, 2.0], "terminal": false, "truncated": false, "next_state": json(result.next),
            "next_obs": after.obs.map { $0.map(Double.init) }, "next_action_mask": after.mask.map { $0.map(Int.init) },
        ]
        let header: [String: Any] = [
            "task_params": [
                "shelf_rows": 1, "shelf_columns": 3, "column_height": 8, "num_agents": 2, "sensor_range": 1,
                "request_queue_size": 1, "time_limit": 500,
            ]
        ]
        let replayer = try RWARETraceReplayer(header: header)
        let mismatch = try replayer.check(transition: transition)
        #expect(mismatch == nil, "\(String(describing: mismatch))")
    }

    func json(_ s: RWAREState) -> [String: Any] {
        let agentCells: [[Int]] = s.agentPositions.map { p in [p.row, p.col] }
        let shelfCells: [[Int]] = s.shelfPositions.map { p in [p.row, p.col] }
        let carrying: [Int] = s.agentCarrying.map { $0 ? 1 : 0 }
        let requested: [Int] = s.shelfRequested.map { $0 ? 1 : 0 }
        return [
            "agents": ["position": agentCells, "direction": s.agentDirections, "is_carrying": carrying],
            "shelves": ["position": shelfCells, "is_requested": requested],
            "request_queue": s.requestQueue, "step_count": s.stepCount, "key": [0, 0],
        ]
    }
}
