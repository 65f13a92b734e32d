/// Every copy's RWARE state, struct-of-arrays (spec §1–§2): flat arrays indexed `[copy][agent]`,
/// `[copy][shelf]`, `[copy][cell]`. Being a struct, its mutating methods touch the arrays without
/// per-access exclusivity checks; nothing here allocates after `init`.
struct RWAREWorld {
    let parameters: RWAREParameters
    let layout: RWARELayout
    let copyCount: Int
    /// N, S, Q, H·W.
    let agentCount: Int
    let shelfCount: Int
    let queueSize: Int
    let cellCount: Int

    var agentRow: [Int]
    var agentCol: [Int]
    var agentDirection: [Int]
    var agentCarrying: [Bool]
    /// Cell index of each shelf, `[copy][shelf]`.
    var shelfCell: [Int]
    var shelfRequested: [Bool]
    var requestQueue: [Int]
    var stepCount: [Int]
    /// jumanji's two grid channels: agent index + 1 and shelf id + 1 (0 = empty), `[copy][cell]`.
    var agentGrid: [Int32]
    var shelfGrid: [Int32]
    /// FORWARD legality per agent (spec §3), from the grid left by the last step or reset.
    var forwardLegal: [Bool]
    /// Each copy's generator: seeded at reset, used for the request draws of deliveries.
    var generators: [SplitMixGenerator]

    init(parameters: RWAREParameters, copies: Int) {
        self.parameters = parameters
        layout = RWARELayout(parameters)
        copyCount = copies
        agentCount = parameters.agentCount
        shelfCount = parameters.shelfCount
        queueSize = parameters.requestQueueSize
        cellCount = layout.cellCount
        let agents = copies * agentCount
        agentRow = [Int](repeating: 0, count: agents)
        agentCol = [Int](repeating: 0, count: agents)
        agentDirection = [Int](repeating: 0, count: agents)
        agentCarrying = [Bool](repeating: false, count: agents)
        forwardLegal = [Bool](repeating: true, count: agents)
        shelfCell = [Int](repeating: 0, count: copies * shelfCount)
        shelfRequested = [Bool](repeating: false, count: copies * shelfCount)
        requestQueue = [Int](repeating: 0, count: copies * queueSize)
        stepCount = [Int](repeating: 0, count: copies)
        agentGrid = [Int32](repeating: 0, count: copies * cellCount)
        shelfGrid = [Int32](repeating: 0, count: copies * cellCount)
        generators = (0..<copies).map { SplitMixGenerator(seed: UInt64($0)) }
        for copy in 0..<copies { reset(copy: copy, seed: UInt64(copy)) }
    }

    /// The generator's distribution (spec §2 Reset): N distinct cells uniformly among all H·W
    /// cells, directions uniform, Q distinct requested shelves uniformly, nobody carrying.
    mutating func reset(copy c: Int, seed: UInt64) {
        var rng = SplitMixGenerator(seed: seed)
        let g0 = c * cellCount
        for k in 0..<cellCount {
            agentGrid[g0 + k] = 0
            shelfGrid[g0 + k] = 0
        }
        for s in 0..<shelfCount {
            shelfCell[c * shelfCount + s] = layout.slotCells[s]
            shelfRequested[c * shelfCount + s] = false
            shelfGrid[g0 + layout.slotCells[s]] = Int32(s + 1)
        }
        for i in 0..<agentCount {
            var cell = rng.nextInt(below: cellCount)
            while agentGrid[g0 + cell] != 0 { cell = rng.nextInt(below: cellCount) }
            agentGrid[g0 + cell] = Int32(i + 1)
            agentRow[c * agentCount + i] = cell / layout.width
            agentCol[c * agentCount + i] = cell % layout.width
            agentCarrying[c * agentCount + i] = false
        }
        for i in 0..<agentCount { agentDirection[c * agentCount + i] = rng.nextInt(below: 4) }
        for j in 0..<queueSize {
            var s = rng.nextInt(below: shelfCount)
            while shelfRequested[c * shelfCount + s] { s = rng.nextInt(below: shelfCount) }
            shelfRequested[c * shelfCount + s] = true
            requestQueue[c * queueSize + j] = s
        }
        stepCount[c] = 0
        generators[c] = rng
        updateForwardLegality(copy: c)
    }

    /// Recomputes the FORWARD mask of copy `c` from its grid (spec §3): illegal iff carrying and the
    /// clamped forward cell is another cell holding a shelf.
    mutating func updateForwardLegality(copy c: Int) {
        let w = layout.width
        let h = layout.height
        for i in 0..<agentCount {
            let a = c * agentCount + i
            guard agentCarrying[a] else {
                forwardLegal[a] = true
                continue
            }
            let d = agentDirection[a]
            let row = min(max(agentRow[a] + RWAREDirection.rowStep[d], 0), h - 1)
            let col = min(max(agentCol[a] + RWAREDirection.colStep[d], 0), w - 1)
            let blocked =
                (row != agentRow[a] || col != agentCol[a]) && shelfGrid[c * cellCount + row * w + col] != 0
            forwardLegal[a] = !blocked
        }
    }
}
