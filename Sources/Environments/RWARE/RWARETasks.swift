/// The named RWARE tasks of spec env-rware.md §7: the 15 train and 8 test tasks of the proposed
/// split, then the other parameter points the trace generator knows (`.spare`).
/// All use column height 8, sensor range 1 and time limit 500 unless the id says otherwise.
public enum RWARETasks {
    public static let all: [TaskSpec] = train + test + spare

    static let train: [TaskSpec] = [
        task("tiny-2ag", .tiny, agents: 2, queue: 2, .train),
        task("tiny-2ag-hard", .tiny, agents: 2, queue: 1, .train),
        task("tiny-4ag", .tiny, agents: 4, queue: 4, .train),
        task("tiny-4ag-hard", .tiny, agents: 4, queue: 2, .train),
        task("tiny-4ag-easy", .tiny, agents: 4, queue: 8, .train),
        task("small-2ag", .small, agents: 2, queue: 2, .train),
        task("small-4ag", .small, agents: 4, queue: 4, .train),
        task("small-4ag-hard", .small, agents: 4, queue: 2, .train),
        task("small-6ag", .small, agents: 6, queue: 6, .train),
        task("medium-4ag", .medium, agents: 4, queue: 4, .train),
        task("medium-4ag-hard", .medium, agents: 4, queue: 2, .train),
        task("medium-6ag", .medium, agents: 6, queue: 6, .train),
        task("large-4ag", .large, agents: 4, queue: 4, .train),
        task("large-8ag", .large, agents: 8, queue: 8, .train),
        task("large-8ag-hard", .large, agents: 8, queue: 4, .train),
    ]

    static let test: [TaskSpec] = [
        task("tiny-3ag", .tiny, agents: 3, queue: 3, .test),
        task("tiny-5ag", .tiny, agents: 5, queue: 5, .test),
        task("small-3ag", .small, agents: 3, queue: 3, .test),
        task("small-5ag-easy", .small, agents: 5, queue: 10, .test),
        task("medium-2ag", .medium, agents: 2, queue: 2, .test),
        task("medium-5ag-hard", .medium, agents: 5, queue: 2, .test),
        task("large-6ag", .large, agents: 6, queue: 6, .test),
        task("large-10ag", .large, agents: 10, queue: 10, .test),
    ]

    static let spare: [TaskSpec] = [
        task("large-4ag-hard", .large, agents: 4, queue: 2, .spare),
        task("small-8ag", .small, agents: 8, queue: 8, .spare),
        task("medium-3ag", .medium, agents: 3, queue: 3, .spare),
        task("medium-7ag", .medium, agents: 7, queue: 7, .spare),
        task("medium-8ag", .medium, agents: 8, queue: 8, .spare),
        task("tiny-4ag-h6", .tiny, agents: 4, queue: 4, .spare, columnHeight: 6),
        task("small-4ag-h6", .small, agents: 4, queue: 4, .spare, columnHeight: 6),
        task("tiny-2ag-sr2", .tiny, agents: 2, queue: 2, .spare, sensorRange: 2),
        task("small-4ag-sr2", .small, agents: 4, queue: 4, .spare, sensorRange: 2),
        task("wide-6ag", .wide, agents: 6, queue: 6, .spare),
        task("tall-4ag", .tall, agents: 4, queue: 4, .spare),
    ]

    /// Warehouse sizes as (shelf rows, shelf columns), named as in the original RWARE.
    enum Size {
        case tiny, small, medium, large, wide, tall
        var bands: (rows: Int, columns: Int) {
            switch self {
            case .tiny: (1, 3)
            case .small: (2, 3)
            case .medium: (2, 5)
            case .large: (3, 5)
            case .wide: (1, 7)
            case .tall: (4, 3)
            }
        }
    }

    static func task(
        _ name: String, _ size: Size, agents: Int, queue: Int, _ split: TaskSplit, columnHeight: Int = 8,
        sensorRange: Int = 1
    ) -> TaskSpec {
        let parameters = RWAREParameters(
            shelfRows: size.bands.rows, shelfColumns: size.bands.columns, columnHeight: columnHeight,
            agentCount: agents, sensorRange: sensorRange, requestQueueSize: queue, timeLimit: 500)
        return TaskSpec(id: "rware-" + name, split: split, parameters: .rware(parameters))
    }
}
