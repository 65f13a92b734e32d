/// The observation-based behaviour of RWARE (see `ObservationPolicy`): a reactive fetch–deliver–
/// return loop on one-way lanes, each agent acting on its own observation row and legal mask, the
/// task's fixed floor plan, and one remembered fact: whether it stepped into its current shelf slot
/// from the corridor beside it (forgotten on leaving the slot and on `reset(copy:)`).
///
/// Rules, in order, for an agent (traffic lanes and sweep cycle: `RWARETrafficPlan`):
/// - on a shelf slot: a carrier of an unrequested shelf drops it (TOGGLE_LOAD); an empty-handed
///   agent standing under a requested shelf loads it; a carrier, or an agent that came in from the
///   corridor, leaves the slot sideways to that corridor; any other agent (one placed there at
///   reset) walks UP under the shelves to the row above its band;
/// - carrying a requested shelf: follows the quickest lane route to a goal (delivery happens on
///   arrival) and waits there if the shelf is requested again;
/// - otherwise, in a corridor beside a free slot it wants (a requested shelf when empty-handed, an
///   empty slot when carrying a delivered shelf) and no agent in the slot across the corridor: turns
///   to that slot and enters it; else follows the sweep cycle.
///
/// Collisions end the episode, so an agent only steps into a cell whose window shows no agent,
/// and a horizontal mover also waits while an agent beside that cell faces into it (vertical moves
/// go first). One-way lanes rule out opposite movers meeting, which a 3×3 view cannot see; the
/// check on the slot across the corridor keeps two agents from leaving opposite slots into one cell.
/// An agent waits with NOOP, or with a LEFT turn when it carries on a slot (NOOP would drop there).
final class RWAREObservedPolicy: ObservationPolicy {
    let parameters: RWAREParameters
    let copies: Int
    private let plan: RWARETrafficPlan
    private var view: RWAREAgentView
    /// Per agent `(copies, N)`: its cell at the previous step (−1 after a reset), and whether it
    /// entered its current slot from a highway cell.
    private var previousCell: [Int]
    private var enteredFromHighway: [Bool]

    init(parameters: RWAREParameters, copies: Int) {
        self.parameters = parameters
        self.copies = copies
        plan = RWARETrafficPlan(parameters)
        view = RWAREAgentView(sensorRange: parameters.sensorRange)
        previousCell = [Int](repeating: -1, count: copies * parameters.agentCount)
        enteredFromHighway = [Bool](repeating: false, count: copies * parameters.agentCount)
    }

    func reset(copy: Int) {
        let n = parameters.agentCount
        for a in (copy * n)..<((copy + 1) * n) {
            previousCell[a] = -1
            enteredFromHighway[a] = false
        }
    }

    func act(observations: [Float], legal: [UInt8], into actions: inout [Int32]) {
        let n = parameters.agentCount
        let d = parameters.observationSize
        precondition(actions.count == copies * n, "actions has \(actions.count) entries, expected \(copies * n)")
        precondition(observations.count == copies * n * d, "observations have \(observations.count) floats, expected \(copies * n * d)")
        precondition(legal.count == copies * n * 5, "legal mask has \(legal.count) entries, expected \(copies * n * 5)")
        for slot in actions.indices {
            view.read(observations, at: slot * d)
            let cell = view.row * plan.layout.width + view.col
            if plan.layout.isHighway[cell] {
                enteredFromHighway[slot] = false
            } else if previousCell[slot] != cell {
                enteredFromHighway[slot] = previousCell[slot] >= 0 && plan.layout.isHighway[previousCell[slot]]
            }
            previousCell[slot] = cell
            let mask = legal[(slot * 5)..<(slot * 5 + 5)]
            let action = decide(cell, enteredFromHighway: enteredFromHighway[slot],
                                forwardLegal: mask[slot * 5 + RWAREAction.forward] != 0)
            actions[slot] = Int32(mask[slot * 5 + action] != 0 ? action : firstLegal(mask))
        }
    }

    /// The chosen action of the agent in `view`, standing on `cell`.
    private func decide(_ cell: Int, enteredFromHighway: Bool, forwardLegal: Bool) -> Int {
        let ownRequested = view.hasRequestedShelf(0, 0)
        if !plan.layout.isHighway[cell] {
            if view.carrying != ownRequested { return RWAREAction.toggleLoad }
            let exit = view.carrying || enteredFromHighway ? plan.sweepDirection[cell] : RWARETrafficPlan.Dir.up
            return head(exit, onSlot: true, forwardLegal: forwardLegal)
        }
        if view.carrying && ownRequested {
            if cell == plan.layout.goals.0 || cell == plan.layout.goals.1 { return RWAREAction.noop }
            return head(plan.goalDirection[cell * 4 + view.facing], onSlot: false, forwardLegal: forwardLegal)
        }
        let direction = wantedSlot(cell) ?? plan.sweepDirection[cell]
        return head(direction, onSlot: false, forwardLegal: forwardLegal)
    }

    /// The side (LEFT or RIGHT) whose neighbouring slot the agent wants to enter, if any: an
    /// empty slot for a carrier, a requested shelf otherwise, with no agent in it nor in the slot
    /// across the corridor. The side needing fewer turns is tried first.
    private func wantedSlot(_ cell: Int) -> Int? {
        let sides = view.facing == RWARETrafficPlan.Dir.right ? [RWARETrafficPlan.Dir.right, RWARETrafficPlan.Dir.left]
            : [RWARETrafficPlan.Dir.left, RWARETrafficPlan.Dir.right]
        for side in sides {
            let dCol = RWAREDirection.colStep[side]
            guard isSlot(cell, dCol), view.agent(0, dCol) == nil, view.agent(0, -dCol) == nil || !isSlot(cell, -dCol)
            else { continue }
            let wanted = view.carrying ? !view.hasShelf(0, dCol) : view.hasRequestedShelf(0, dCol)
            if wanted { return side }
        }
        return nil
    }

    /// Whether the cell `dCol` columns beside `cell` is a shelf slot of the grid.
    private func isSlot(_ cell: Int, _ dCol: Int) -> Bool {
        let col = view.col + dCol
        return col >= 0 && col < plan.layout.width && !plan.layout.isHighway[cell + dCol]
    }

    /// FORWARD when facing `direction` and the move is legal and safe, a wait when facing it but
    /// not, else the turn towards it (RIGHT for a half turn).
    private func head(_ direction: Int, onSlot: Bool, forwardLegal: Bool) -> Int {
        if direction == view.facing {
            if forwardLegal && isSafeToMove() { return RWAREAction.forward }
            return view.carrying && onSlot ? RWAREAction.left : RWAREAction.noop
        }
        return (view.facing + 3) % 4 == direction ? RWAREAction.left : RWAREAction.right
    }

    /// True when no agent is in the cell ahead and none can enter it this step by the rules: an
    /// agent beside it facing into it goes first unless this agent moves vertically; with a wider
    /// view, of two agents facing each other across the cell the UP or LEFT mover waits.
    private func isSafeToMove() -> Bool {
        let d = view.facing
        let tRow = RWAREDirection.rowStep[d]
        let tCol = RWAREDirection.colStep[d]
        if view.agent(tRow, tCol) != nil { return false }
        if d % 2 == 1 {
            for side in [(d + 1) % 4, (d + 3) % 4] {
                let facing = view.agent(tRow + RWAREDirection.rowStep[side], tCol + RWAREDirection.colStep[side])
                if facing == (side + 2) % 4 { return false }
            }
        }
        let yields = d == RWARETrafficPlan.Dir.up || d == RWARETrafficPlan.Dir.left
        return !(yields && view.agent(2 * tRow, 2 * tCol) == (d + 2) % 4)
    }

    /// A legal stand-in when the mask forbids the chosen action: turning keeps a carried shelf.
    private func firstLegal(_ mask: ArraySlice<UInt8>) -> Int {
        let order = [RWAREAction.left, RWAREAction.right, RWAREAction.noop, RWAREAction.toggleLoad, RWAREAction.forward]
        return order.first { mask[mask.startIndex + $0] != 0 } ?? RWAREAction.noop
    }
}
