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
