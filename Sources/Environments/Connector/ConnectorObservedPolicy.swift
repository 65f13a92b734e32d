/// The observation-based behaviour of Connector (see `ObservationPolicy`): every agent plans inside
/// its own 5×5 window, so its action is a function of its current observation row and legal mask
/// (and the grid size) alone.
///
/// Rule, per agent (spec env-connector.md §4, §8):
/// 1. No legal move (connected, or walled in): NOOP.
/// 2. Breadth-first search from the head through the window cells it may enter (blockers 0 and not
///    another agent's target).
/// 3. Each legal move is scored by the best goal it leads to: the own target when the search reaches
///    it (exact steps; always preferred), otherwise a *frontier* cell (one with an in-grid neighbour
///    beyond the window) at cost steps + Manhattan distance from it to the target. Moves that lead
///    only into a pocket seen whole get no score.
/// 4. A move that walls in another agent's target or head (every other neighbour of it is seen and
///    blocked) costs `ConnectorWindowPlanner.sealCost` extra steps.
/// 5. Ties: fewer free neighbours of the entered cell (hug walls and paths), then the axis with the
///    larger distance to the target, then the lower action id.
/// 6. No move scored: the agent cannot connect any more; it fills its pocket (move to the cell with
///    the fewest free neighbours) so that it is blocked and the episode can end.
///
/// Own path cells are blocked, so an agent can never revisit a cell: the rule needs no memory of
/// earlier observations, and `reset(copy:)` has nothing to forget. Deterministic; ε exploration is
/// added by `BehaviourDriver`.
final class ConnectorObservedPolicy: ObservationPolicy {
    let parameters: ConnectorParameters
    let copies: Int
    private var planner: ConnectorWindowPlanner

    init(parameters: ConnectorParameters, copies: Int) {
        self.parameters = parameters
        self.copies = copies
        planner = ConnectorWindowPlanner(parameters: parameters)
    }

    /// Nothing to forget: the policy keeps no memory (see the type's comment).
    func reset(copy: Int) {}

    /// Shapes: observations (copies, N, observationSize), legal (copies, N, 5), actions (copies, N).
    func act(observations: [Float], legal: [UInt8], into actions: inout [Int32]) {
        let size = parameters.observationSize
        let a = ConnectorBoards.actionCount
        precondition(observations.count == actions.count * size && legal.count == actions.count * a,
                     "observations \(observations.count), legal \(legal.count) for \(actions.count) agents")
        for slot in actions.indices {
            let row = observations[(slot * size)..<((slot + 1) * size)]
            let mask = legal[(slot * a)..<((slot + 1) * a)]
            actions[slot] = Int32(planner.action(row: row, legal: mask))
        }
    }
}
