/// The fixed floor plan of one RWARE task (spec §1), computed once per task.
///
/// Cells are indexed `row·W + col`. Shelf `s` starts in `slotCells[s]` (row-major slot order).
struct RWARELayout: Sendable {
    let height: Int
    let width: Int
    /// True where the cell is open floor (a highway), false on a shelf slot. Length H·W.
    let isHighway: [Bool]
    /// Shelf slot cells in row-major order; shelf id `s` starts at `slotCells[s]`.
    let slotCells: [Int]
    /// The two delivery cells, goal0 first (deliveries are processed in this order).
    let goals: (Int, Int)

    init(_ p: RWAREParameters) {
        let h = p.gridHeight
        let w = p.gridWidth
        height = h
        width = w
        var highway = [Bool](repeating: false, count: h * w)
        var slots: [Int] = []
        for row in 0..<h {
            for col in 0..<w {
                let open =
                    col % 3 == 0 || row % (p.columnHeight + 1) == 0 || row == h - 1
                    || (row > h - (p.columnHeight + 3) && (col == w / 2 - 1 || col == w / 2))
                highway[row * w + col] = open
                if !open { slots.append(row * w + col) }
            }
        }
        isHighway = highway
        slotCells = slots
        goals = ((h - 1) * w + w / 2 - 1, (h - 1) * w + w / 2)
    }

    var cellCount: Int { height * width }
}

/// Facing directions (spec §2): 0 UP, 1 RIGHT, 2 DOWN, 3 LEFT, as (row, col) steps.
enum RWAREDirection {
    static let rowStep = [-1, 0, 1, 0]
    static let colStep = [0, 1, 0, -1]
}

/// Action ids (spec §3).
enum RWAREAction {
    static let noop = 0
    static let forward = 1
    static let left = 2
    static let right = 3
    static let toggleLoad = 4
}
