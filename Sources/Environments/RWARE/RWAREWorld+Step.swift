/// Request draws recorded by a reference trace, to be replayed instead of random ones (spec §5).
struct RWARERecordedDraws {
    /// The request queue after the step (length Q).
    var finalQueue: [Int]
    /// Deliveries of the step (its reward).
    var deliveries: Int
}

/// What one copy's step produced.
struct RWAREStepOutcome {
    var reward: Float
    var collided: Bool
    var truncated: Bool
}

extension RWAREWorld {
    /// One step of copy `c` with the joint action `actions[actionOffset ..< actionOffset + N]`
    /// (spec §4, in its exact order).
    ///
    /// Agents act one after another on the shared two-channel grid; a collision is any agent whose
    /// cell no longer holds its own id; then goal0 and goal1 deliver. An illegal FORWARD becomes NOOP.
    /// - Parameter recorded: when given, deliveries take the recorded draws instead of random ones.
    mutating func step(copy c: Int, actions: [Int32], actionOffset: Int, recorded: RWARERecordedDraws? = nil)
        -> RWAREStepOutcome
    {
        let w = layout.width
        let h = layout.height
        let g0 = c * cellCount
        let a0 = c * agentCount
        for i in 0..<agentCount {
            let a = a0 + i
            var action = Int(actions[actionOffset + i])
            precondition(action >= 0 && action < 5, "RWARE action \(action) of agent \(i) is not in 0..<5")
            if action == RWAREAction.forward && !forwardLegal[a] { action = RWAREAction.noop }
            let p = agentRow[a] * w + agentCol[a]
            switch action {
            case RWAREAction.forward:
                let d = agentDirection[a]
                let row = min(max(agentRow[a] + RWAREDirection.rowStep[d], 0), h - 1)
                let col = min(max(agentCol[a] + RWAREDirection.colStep[d], 0), w - 1)
                let t = row * w + col
                agentRow[a] = row
                agentCol[a] = col
                agentGrid[g0 + p] = 0
                agentGrid[g0 + t] = Int32(i + 1)
                if agentCarrying[a] {
                    // Whatever id the shelf channel holds here now (after a collision it may be
                    // another agent's shelf) is the one that moves.
                    let sid = Int(shelfGrid[g0 + p])
                    if sid > 0 { shelfCell[c * shelfCount + sid - 1] = t }
                    shelfGrid[g0 + p] = 0
                    shelfGrid[g0 + t] = Int32(sid)
                }
            case RWAREAction.left:
                agentDirection[a] = (agentDirection[a] + 3) & 3
            case RWAREAction.right:
                agentDirection[a] = (agentDirection[a] + 1) & 3
            case RWAREAction.toggleLoad where !agentCarrying[a]:
                if shelfGrid[g0 + p] != 0 { agentCarrying[a] = true }
            default:
                // NOOP, or TOGGLE_LOAD while carrying: drops the shelf on a slot (jumanji quirk: NOOP too).
                if !layout.isHighway[p] { agentCarrying[a] = false }
            }
        }
        var collided = false
        for i in 0..<agentCount where agentGrid[g0 + agentRow[a0 + i] * w + agentCol[a0 + i]] != Int32(i + 1) {
            collided = true
        }
        var reward: Float = 0
        if deliver(copy: c, goal: layout.goals.0, recorded: recorded, chainsTo: layout.goals.1) { reward += 1 }
        if deliver(copy: c, goal: layout.goals.1, recorded: recorded, chainsTo: nil) { reward += 1 }
        stepCount[c] += 1
        updateForwardLegality(copy: c)
        return RWAREStepOutcome(
            reward: reward, collided: collided, truncated: !collided && stepCount[c] >= parameters.timeLimit)
    }

    /// Delivers the shelf on `goal` if it is requested (spec §4): replaces it in its queue slot by a
    /// uniformly drawn unrequested shelf (§5). Returns whether a delivery happened.
    ///
    /// With `recorded` draws, the new id is the recorded final queue entry of that slot, except in
    /// the chained case: two deliveries recorded while the shelf on `chainsTo` (goal1) is not yet
    /// requested means goal0's draw was that very shelf, which goal1 then delivered again.
    private mutating func deliver(copy c: Int, goal: Int, recorded: RWARERecordedDraws?, chainsTo nextGoal: Int?) -> Bool {
        let sid = Int(shelfGrid[c * cellCount + goal])
        guard sid > 0, shelfRequested[c * shelfCount + sid - 1] else { return false }
        let q0 = c * queueSize
        var slot = 0
        while requestQueue[q0 + slot] != sid - 1 { slot += 1 }
        var next = -1
        if let recorded {
            next = recorded.finalQueue[slot]
            if let nextGoal, recorded.deliveries == 2 {
                let chained = Int(shelfGrid[c * cellCount + nextGoal]) - 1
                if chained >= 0 && !shelfRequested[c * shelfCount + chained] { next = chained }
            }
        }
        if next < 0 || next >= shelfCount || shelfRequested[c * shelfCount + next] {
            next = generators[c].nextInt(below: shelfCount)
            while shelfRequested[c * shelfCount + next] { next = generators[c].nextInt(below: shelfCount) }
        }
        requestQueue[q0 + slot] = next
        shelfRequested[c * shelfCount + sid - 1] = false
        shelfRequested[c * shelfCount + next] = true
        return true
    }
}
