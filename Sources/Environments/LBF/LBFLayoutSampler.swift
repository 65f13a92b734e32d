/// Draws fresh LBF episodes with the distribution of jumanji's `RandomGenerator`
/// (spec env-lbf.md §3), from our own `SplitMixGenerator` rather than JAX's stream.
struct LBFLayoutSampler {
    let parameters: LBFParameters
    /// Scratch: allowed cells, row-major G·G.
    private var allowed: [Bool]
    /// Scratch: indices of the allowed cells.
    private var candidates: [Int]
    /// Scratch: one copy's agent levels, sorted.
    private var sortedLevels: [Int]

    init(parameters: LBFParameters) {
        self.parameters = parameters
        let cells = parameters.gridSize * parameters.gridSize
        allowed = Array(repeating: false, count: cells)
        candidates = Array(repeating: 0, count: cells)
        sortedLevels = Array(repeating: 0, count: parameters.agentCount)
    }

    /// Starts a new episode in copy `copy` of `state`.
    ///
    /// 1. Foods one by one on a uniform allowed cell, allowed = interior cells (no border) minus
    ///    the cells and 4-neighbours of the foods placed so far.
    /// 2. Agents on N distinct cells drawn uniformly from the cells whose row equals no food's row
    ///    and no food's column (jumanji's row quirk, kept for the start distribution). Should the
    ///    quirk leave fewer than N cells (never for the registry's tasks), any food-free cell is used.
    /// 3. Agent levels uniform in 1...L; with `hard` = sum of the 3 smallest agent levels, food
    ///    levels are `hard` when cooperation is forced, else uniform in 1...hard.
    mutating func reset(_ state: inout LBFState, copy: Int, seed: UInt64) {
        var rng = SplitMixGenerator(seed: seed)
        placeFood(&state, copy: copy, rng: &rng)
        placeAgents(&state, copy: copy, rng: &rng)
        drawLevels(&state, copy: copy, rng: &rng)
        let n = parameters.agentCount
        for i in 0..<n {
            state.agentLoading[copy * n + i] = false
            state.agentReward[copy * n + i] = 0
        }
        state.stepCount[copy] = 0
    }

    private mutating func placeFood(_ state: inout LBFState, copy: Int, rng: inout SplitMixGenerator) {
        let g = parameters.gridSize
        let nf = parameters.foodCount
        for row in 0..<g {
            for col in 0..<g { allowed[row * g + col] = row > 0 && row < g - 1 && col > 0 && col < g - 1 }
        }
        for f in 0..<nf {
            let count = collectAllowed()
            precondition(count > 0, "LBF generator ran out of food cells; the parameters were validated")
            let cell = candidates[rng.nextInt(below: count)]
            let row = cell / g
            let col = cell % g
            state.foodRow[copy * nf + f] = row
            state.foodCol[copy * nf + f] = col
            state.foodEaten[copy * nf + f] = false
            allowed[cell] = false
            if row > 0 { allowed[cell - g] = false }
            if row < g - 1 { allowed[cell + g] = false }
            if col > 0 { allowed[cell - 1] = false }
            if col < g - 1 { allowed[cell + 1] = false }
        }
    }

    private mutating func placeAgents(_ state: inout LBFState, copy: Int, rng: inout SplitMixGenerator) {
        let g = parameters.gridSize
        let n = parameters.agentCount
        let nf = parameters.foodCount
        for cell in 0..<(g * g) { allowed[cell] = true }
        for f in 0..<nf {
            // jumanji's `mask.at[food_positions].set(False)` indexes rows with both coordinates.
            for col in 0..<g {
                allowed[state.foodRow[copy * nf + f] * g + col] = false
                allowed[state.foodCol[copy * nf + f] * g + col] = false
            }
        }
        var count = collectAllowed()
        if count < n {
            for cell in 0..<(g * g) { allowed[cell] = !state.isUneatenFood(at: cell / g, cell % g, copy: copy) }
            count = collectAllowed()
        }
        for i in 0..<n {
            let pick = i + rng.nextInt(below: count - i)
            candidates.swapAt(i, pick)
            state.agentRow[copy * n + i] = candidates[i] / g
            state.agentCol[copy * n + i] = candidates[i] % g
        }
    }

    private mutating func drawLevels(_ state: inout LBFState, copy: Int, rng: inout SplitMixGenerator) {
        let n = parameters.agentCount
        let nf = parameters.foodCount
        for i in 0..<n {
            let level = 1 + rng.nextInt(below: parameters.maxAgentLevel)
            state.agentLevel[copy * n + i] = level
            var k = i
            while k > 0 && sortedLevels[k - 1] > level {
                sortedLevels[k] = sortedLevels[k - 1]
                k -= 1
            }
            sortedLevels[k] = level
        }
        var hard = 0
        for k in 0..<min(3, n) { hard += sortedLevels[k] }
        var total = 0
        for f in 0..<nf {
            let level = parameters.forcesCooperation ? hard : 1 + rng.nextInt(below: hard)
            state.foodLevel[copy * nf + f] = level
            total += level
        }
        state.totalFoodLevel[copy] = total
    }

    /// Lists the allowed cells in `candidates`; returns how many.
    private mutating func collectAllowed() -> Int {
        var count = 0
        for cell in 0..<allowed.count where allowed[cell] {
            candidates[count] = cell
            count += 1
        }
        return count
    }
}
