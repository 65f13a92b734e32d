/// What one agent knows of a food while it does not see it.
enum LBFFoodNote: Equatable {
    /// Never seen, or not where it was remembered.
    case unknown
    /// Last seen at this cell (in the agent's estimated absolute coordinates) with this level.
    case seen(row: Int, col: Int, level: Int)
    /// Seen to vanish from a cell that stayed in sight: eaten.
    case eaten
}

/// One agent's memory of its episode, built from its own observations, legal masks and chosen
/// actions only.
///
/// With limited sight the agent does not observe its absolute cell. It keeps the ranges of rows
/// and columns it may be on, and an estimate inside them:
/// - **motion**: the shift of a food seen on both steps (foods never move), else its own last
///   chosen move — the ranges also keep "stayed" when another agent could have clashed with it;
///   a move replaced by exploration ε goes unnoticed until an observation contradicts it;
/// - **correction**: every cell the current observation rules out is removed — its window
///   coordinates below the radius give the row (column) exactly, a move that the mask forbids with
///   nothing visible in the way means a border, every visible food lies off the border, every
///   visible agent inside the grid. When nothing of the moved ranges is left, they restart from
///   what the current observation allows.
/// With full sight the window coordinates are absolute and the estimate is always exact.
struct LBFAgentMemory {
    /// Steps played this episode (the same for every agent of a copy).
    var step = 0
    /// Estimated absolute cell.
    var row = 0
    var col = 0
    /// Rows and columns the agent may be on.
    var rows = 0...0
    var cols = 0...0
    /// Whether `row`/`col` hold an estimate yet (false before the first observation).
    var located = false
    /// The action this policy chose last step.
    var lastAction = LBFAction.noop
    /// Estimated cells one and two steps ago.
    var cellOneStepAgo = (row: -1, col: -1)
    var cellTwoStepsAgo = (row: -1, col: -1)
    /// Whether another agent could have moved into the cell of `lastAction` too (a clash undoes both).
    var lastMoveContested = false
    /// Last step's sightings of foods, per food id.
    var lastFoods: [LBFSighting?]
    /// Per food id: what is known of it.
    var notes: [LBFFoodNote]
    /// Per food id: the step before which the agent stays away from it (an obstacle, never a goal).
    var skipUntil: [Int]
    /// Id of the food its last group assignment gave first (see `LBFScenePlanner.assign`), or −1.
    var lead = -1
    /// Food id the agent last headed for with limited sight, or −1.
    var rendezvous = -1
    /// Steps spent next to `rendezvous` since the agent started heading for it.
    var waited = 0
    /// The step before which the agent explores rather than wait at a food without a group.
    var exploreUntil = 0
    /// Index of the exploration waypoint headed for, or −1 before exploring.
    var waypoint = -1
    /// Consecutive exploring steps without a move.
    var stalled = 0

    init(foodCount: Int) {
        lastFoods = Array(repeating: nil, count: foodCount)
        notes = Array(repeating: .unknown, count: foodCount)
        skipUntil = Array(repeating: 0, count: foodCount)
    }

    /// Takes in one step's observation (and the legal mask `legal[base ..< base + 6]`): moves and
    /// corrects the position estimate, then updates the food notes.
    mutating func observe(_ view: LBFObservedView, legal: [UInt8], base: Int, parameters: LBFParameters) {
        var moveRow = lastAction.rowStep
        var moveCol = lastAction.colStep
        var certain = !lastMoveContested
        for f in view.foods.indices {
            if let before = lastFoods[f], let now = view.foods[f] {
                moveRow = before.row - now.row
                moveCol = before.col - now.col
                certain = true
                break
            }
        }
        let allowedRows = Self.range(
            window: view.viewRow, lowOpen: legal[base + 1] != 0, highOpen: legal[base + 2] != 0,
            lowBlocked: view.seesEntity(at: -1, 0), highBlocked: view.seesEntity(at: 1, 0),
            foods: view.foods.compactMap { $0?.row }, agents: view.agents.compactMap { $0?.row }, parameters: parameters)
        let allowedCols = Self.range(
            window: view.viewCol, lowOpen: legal[base + 3] != 0, highOpen: legal[base + 4] != 0,
            lowBlocked: view.seesEntity(at: 0, -1), highBlocked: view.seesEntity(at: 0, 1),
            foods: view.foods.compactMap { $0?.col }, agents: view.agents.compactMap { $0?.col }, parameters: parameters)
        if located {
            rows = Self.moved(rows, by: moveRow, certain: certain, within: allowedRows)
            cols = Self.moved(cols, by: moveCol, certain: certain, within: allowedCols)
            row = min(max(row + moveRow, rows.lowerBound), rows.upperBound)
            col = min(max(col + moveCol, cols.lowerBound), cols.upperBound)
        } else {
            rows = allowedRows
            cols = allowedCols
            row = (rows.lowerBound + rows.upperBound) / 2
            col = (cols.lowerBound + cols.upperBound) / 2
            located = true
        }
        let fov = parameters.fieldOfView
        for f in view.foods.indices {
            if let now = view.foods[f] {
                notes[f] = .seen(row: row + now.row, col: col + now.col, level: now.level)
            } else if let before = lastFoods[f], abs(before.row) < fov, abs(before.col) < fov {
                // One step moves the agent by at most one cell, so that cell is still in sight.
                notes[f] = .eaten
            } else if case .seen(let r, let c, _) = notes[f], abs(r - row) <= fov, abs(c - col) <= fov {
                notes[f] = .unknown
            }
        }
        lastFoods = view.foods
    }

    /// `range` shifted by `step` (or stretched to cover both staying and moving when not
    /// `certain`), cut to `allowed`; `allowed` when nothing is left.
    private static func moved(
        _ range: ClosedRange<Int>, by step: Int, certain: Bool, within allowed: ClosedRange<Int>
    ) -> ClosedRange<Int> {
        let low = max(range.lowerBound + (certain ? step : min(step, 0)), allowed.lowerBound)
        let high = min(range.upperBound + (certain ? step : max(step, 0)), allowed.upperBound)
        return low <= high ? low...high : allowed
    }

    /// The absolute coordinates (along one axis) that the agent's current observation allows.
    /// - Parameters:
    ///   - window: the agent's own window coordinate (exact when below the view radius).
    ///   - lowOpen, highOpen: whether the mask allows the move toward 0 / toward G−1.
    ///   - lowBlocked, highBlocked: whether a visible entity stands on that neighbouring cell.
    ///   - foods, agents: offsets of the visible foods and agents along the axis.
    private static func range(
        window: Int, lowOpen: Bool, highOpen: Bool, lowBlocked: Bool, highBlocked: Bool,
        foods: [Int], agents: [Int], parameters: LBFParameters
    ) -> ClosedRange<Int> {
        let g = parameters.gridSize
        var low = window < parameters.fieldOfView ? window : parameters.fieldOfView
        var high = window < parameters.fieldOfView ? window : g - 1
        if lowOpen { low = max(low, 1) } else if !lowBlocked { high = min(high, 0) }
        if highOpen { high = min(high, g - 2) } else if !highBlocked { low = max(low, g - 1) }
        for d in foods {
            low = max(low, 1 - d)
            high = min(high, g - 2 - d)
        }
        for d in agents {
            low = max(low, -d)
            high = min(high, g - 1 - d)
        }
        // The true cell satisfies every bound, so the range is never empty.
        return low...max(low, high)
    }
}
