import Environments
import Testing

/// Observation layout and jumanji's cursor rule after a collision (spec env-rware.md §6).
@Suite struct RWAREObservationTests {
    @Test func aConsistentGridGivesTheTableLayout() throws {
        // Agent 0 at (1,3) facing LEFT; agent 1 right below at (2,3) facing DOWN; shelves at
        // (0..2, 2) column: (1,2) and (2,2) are slots with shelves 1 and 5; shelf 5 requested.
        let scene = RWAREScene(agents: [(1, 3), (2, 3)], facing: [Dir.left, Dir.down], requested: [5])
        try scene.batch.load(scene.state, copy: 0)
        let obs = scene.view().obs[0]
        #expect(obs.count == 66)
        #expect(Array(obs[0..<8]) == [1, 3, 0, 0, 0, 0, 1, 1])
        // Window cells row-major: (0,2) (0,3) (0,4) (1,2) [own] (1,4) (2,2) (2,3) (2,4); agent 1 is
        // at (2,3), the 7th cell after skipping the own one -> block 6 at 8 + 30.
        var agents = [Float](repeating: 0, count: 40)
        agents[30] = 1
        agents[30 + 1 + Dir.down] = 1
        #expect(Array(obs[8..<48]) == agents)
        // Shelf cells incl. own: (1,2) is cell 3, (2,2) is cell 6.
        var shelves = [Float](repeating: 0, count: 18)
        shelves[6] = 1
        shelves[12] = 1
        shelves[13] = 1
        #expect(Array(obs[48..<66]) == shelves)
    }

    @Test func anAgentWhoseCellWasOverwrittenShiftsItsBlocks() throws {
        // Agent 0 walks from (9,3) into agent 1 at (9,4): the agent channel holds id 1 at (9,4) and
        // 0 at (9,3). Agent 1 no longer finds its own id, so agent 0's block lands in the slot of
        // the centre cell (cursor 8 + 4·5 = 28); agent 0 sees nobody.
        let scene = RWAREScene(agents: [(9, 3), (9, 4)], facing: [Dir.right, Dir.up])
        let result = try scene.step([Act.forward, Act.noop])
        #expect(result.terminal)
        let obs = scene.view().obs
        #expect(Array(obs[1][0..<8]) == [9, 4, 0, 1, 0, 0, 0, 1])
        var agents = [Float](repeating: 0, count: 45)
        agents[20] = 1
        agents[20 + 1 + Dir.right] = 1
        #expect(Array(obs[1][8..<53]) == agents)
        #expect(obs[0][8..<48].allSatisfy { $0 == 0 })
    }

    @Test func shiftedShelfWritesAreClampedToTheEnd() throws {
        // Agent 0 walks from (0,3) into agent 1 at (0,2). Agent 1's agent channel takes 9 blocks
        // (8..53), so its shelf cursor starts at 53: shelf 0 at (1,1) (cell 6) and shelf 1 at (1,2)
        // (cell 7) would be written at 65 and 67, both clamped to 64; shelf 1, written last, stays.
        let scene = RWAREScene(agents: [(0, 3), (0, 2)], facing: [Dir.left, Dir.down], requested: [1])
        let result = try scene.step([Act.forward, Act.noop])
        #expect(result.terminal)
        let obs = scene.view().obs[1]
        #expect(Array(obs[28..<33]) == [1, 0, 0, 0, 1])
        #expect(Array(obs[53..<64]).allSatisfy { $0 == 0 })
        #expect(Array(obs[64..<66]) == [1, 1])
    }

    @Test func theSecondSensorRangeGivesTheLargerObservation() {
        let p = RWAREParameters(shelfRows: 1, shelfColumns: 3, agentCount: 2, sensorRange: 2, requestQueueSize: 2)
        #expect(p.observationSize == 178)
        #expect(RWAREBatch(parameters: p, copies: 2).observationSize == 178)
    }
}
