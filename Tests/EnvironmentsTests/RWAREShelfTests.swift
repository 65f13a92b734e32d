import Environments
import Testing

/// Loading, unloading, the NOOP quirk and the FORWARD mask (spec env-rware.md §3–§4).
@Suite struct RWAREShelfTests {
    @Test func toggleLoadPicksUpTheShelfOfTheCell() throws {
        let scene = RWAREScene(agents: [(1, 1), (9, 0)], facing: [Dir.up, Dir.up])
        let result = try scene.step([Act.toggle, Act.toggle])
        #expect(result.next.agentCarrying == [true, false], "agent 1 stands on an empty highway")
    }

    @Test func aCarriedShelfMovesWithItsCarrier() throws {
        let scene = RWAREScene(agents: [(1, 1), (9, 0)], facing: [Dir.up, Dir.up])
        try scene.batch.load(scene.state, copy: 0)
        var rewards: [Float] = [0], terminal = [false], truncated = [false]
        scene.batch.step(actions: [Act.toggle, Act.noop], rewards: &rewards, terminal: &terminal, truncated: &truncated)
        scene.batch.step(actions: [Act.forward, Act.noop], rewards: &rewards, terminal: &terminal, truncated: &truncated)
        let next = scene.batch.state(copy: 0)
        #expect(next.agentPositions[0] == at(0, 1))
        #expect(next.shelfPositions[0] == at(0, 1))
        #expect(next.agentCarrying[0])
    }

    @Test(arguments: [Act.noop, Act.toggle])
    func aCarrierDropsItsShelfOnASlotByNoopOrToggle(action: Int32) throws {
        var scene = RWAREScene(agents: [(1, 1), (9, 0)], facing: [Dir.up, Dir.up])
        scene.carry(agent: 0, shelf: 0)
        let result = try scene.step([action, Act.noop])
        #expect(!result.next.agentCarrying[0])
        #expect(result.next.shelfPositions[0] == at(1, 1))
    }

    @Test(arguments: [Act.noop, Act.toggle])
    func aCarrierKeepsItsShelfOnAHighway(action: Int32) throws {
        var scene = RWAREScene(agents: [(0, 1), (9, 0)], facing: [Dir.right, Dir.up])
        scene.carry(agent: 0, shelf: 0)
        let result = try scene.step([action, Act.noop])
        #expect(result.next.agentCarrying[0])
        #expect(result.next.shelfPositions[0] == at(0, 1))
    }

    @Test func forwardIsMaskedOnlyForACarrierFacingAShelf() throws {
        var scene = RWAREScene(agents: [(1, 3), (2, 3), (3, 3)], facing: [Dir.left, Dir.left, Dir.up])
        scene.carry(agent: 0, shelf: 0)
        scene.state.shelfPositions[0] = at(1, 3)
        try scene.batch.load(scene.state, copy: 0)
        let mask = scene.view().mask
        #expect(mask[0] == [1, 0, 1, 1, 1], "carrier facing shelf 1 at (1,2)")
        #expect(mask[1] == [1, 1, 1, 1, 1], "not carrying: may walk under shelves")
        #expect(mask[2] == [1, 1, 1, 1, 1], "facing agent 1, not a shelf")
    }

    @Test func aMaskedForwardOnAHighwayIsANoop() throws {
        var scene = RWAREScene(agents: [(1, 3), (9, 0)], facing: [Dir.left, Dir.up])
        scene.carry(agent: 0, shelf: 0)
        let result = try scene.step([Act.forward, Act.noop])
        #expect(result.next.agentPositions[0] == at(1, 3))
        #expect(result.next.agentCarrying[0])
        #expect(!result.terminal)
    }

    @Test func aMaskedForwardOnASlotDropsTheShelf() throws {
        var scene = RWAREScene(agents: [(2, 1), (9, 0)], facing: [Dir.up, Dir.up])
        scene.carry(agent: 0, shelf: 4)
        try scene.batch.load(scene.state, copy: 0)
        #expect(scene.view().mask[0][1] == 0, "shelf 0 at (1,1) blocks the carrier")
        let result = try scene.step([Act.forward, Act.noop])
        #expect(result.next.agentPositions[0] == at(2, 1))
        #expect(!result.next.agentCarrying[0])
    }

    @Test func aCarrierFacingTheWallMayStillMoveForward() throws {
        var scene = RWAREScene(agents: [(0, 1), (9, 0)], facing: [Dir.up, Dir.up])
        scene.carry(agent: 0, shelf: 0)
        try scene.batch.load(scene.state, copy: 0)
        #expect(scene.view().mask[0][1] == 1)
    }
}
