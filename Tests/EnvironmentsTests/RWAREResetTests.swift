import Environments
import Testing

/// The generator's invariants (spec env-rware.md §1–§2 Reset) over many seeds.
@Suite struct RWAREResetTests {
    static let taskIds = ["rware-tiny-2ag", "rware-tiny-4ag-easy", "rware-medium-6ag", "rware-large-10ag", "rware-tiny-4ag-h6"]

    @Test(arguments: taskIds)
    func resetStatesSatisfyTheGeneratorInvariants(taskId: String) throws {
        let task = try TaskRegistry.task(id: taskId)
        guard case .rware(let p) = task.parameters else { Issue.record("\(taskId) is not RWARE"); return }
        let batch = RWAREBatch(parameters: p, copies: 3)
        var directionsSeen = Set<Int>()
        var agentCellsSeen = Set<Int>()
        for seed in 0..<300 as Range<UInt64> {
            let copy = Int(seed % 3)
            batch.reset(copy: copy, seed: seed)
            let s = batch.state(copy: copy)
            let cells = s.agentPositions.map { $0.row * p.gridWidth + $0.col }
            #expect(Set(cells).count == p.agentCount, "seed \(seed): agents share a cell")
            #expect(s.agentPositions.allSatisfy { (0..<p.gridHeight).contains($0.row) && (0..<p.gridWidth).contains($0.col) })
            #expect(s.agentDirections.allSatisfy { (0...3).contains($0) })
            #expect(s.agentCarrying.allSatisfy { !$0 })
            #expect(s.requestQueue.count == p.requestQueueSize)
            #expect(Set(s.requestQueue).count == p.requestQueueSize, "seed \(seed): repeated request")
            #expect(s.requestQueue.allSatisfy { (0..<p.shelfCount).contains($0) })
            #expect(s.shelfRequested == (0..<p.shelfCount).map { s.requestQueue.contains($0) })
            #expect(s.stepCount == 0)
            directionsSeen.formUnion(s.agentDirections)
            agentCellsSeen.formUnion(cells)
        }
        #expect(directionsSeen == [0, 1, 2, 3])
        #expect(agentCellsSeen.count > p.gridHeight * p.gridWidth / 2, "agents should start anywhere on the grid")
    }

    @Test(arguments: taskIds)
    func shelvesStartOnTheSlotsInRowMajorOrder(taskId: String) throws {
        let task = try TaskRegistry.task(id: taskId)
        guard case .rware(let p) = task.parameters else { Issue.record("\(taskId) is not RWARE"); return }
        let batch = RWAREBatch(parameters: p, copies: 1)
        batch.reset(copy: 0, seed: 5)
        let shelves = batch.state(copy: 0).shelfPositions
        #expect(shelves.count == p.shelfCount)
        let h = p.gridHeight
        let w = p.gridWidth
        let slots = (0..<(h * w)).map { ($0 / w, $0 % w) }.filter { row, col in
            !(col % 3 == 0 || row % (p.columnHeight + 1) == 0 || row == h - 1
                || (row > h - (p.columnHeight + 3) && (col == w / 2 - 1 || col == w / 2)))
        }
        #expect(shelves == slots.map { GridCell(row: $0.0, col: $0.1) })
    }

    @Test func theSameSeedGivesTheSameEpisodeStart() {
        let p = RWAREParameters(shelfRows: 2, shelfColumns: 3, agentCount: 4, requestQueueSize: 4)
        let batch = RWAREBatch(parameters: p, copies: 2)
        batch.reset(copy: 0, seed: 42)
        batch.reset(copy: 1, seed: 42)
        #expect(batch.state(copy: 0) == batch.state(copy: 1))
    }
}
