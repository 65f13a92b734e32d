/// Input the statistics cannot use; each message names the problem and what to do about it.
public enum StatisticsError: Error, CustomStringConvertible, Equatable {
    /// A score matrix without runs (rows) or without tasks (columns).
    case emptyScores
    /// Row `row` has `count` scores where the first row has `expected`.
    case raggedRows(row: Int, count: Int, expected: Int)
    /// A NaN or infinite score at (`row`, `task`).
    case nonFiniteScore(row: Int, task: Int, value: Double)
    /// Two score matrices compared task by task cover different numbers of tasks.
    case taskCountMismatch(x: Int, y: Int)
    /// A bootstrap needs at least one repetition.
    case invalidRepetitions(Int)
    /// A confidence level outside the open interval (0, 1).
    case invalidConfidence(Double)

    public var description: String {
        switch self {
        case .emptyScores:
            "the score matrix is empty; give at least one run (row) with at least one task score (column)."
        case let .raggedRows(row, count, expected):
            "score row \(row) has \(count) task scores but row 0 has \(expected); every run must score the same tasks in the same order."
        case let .nonFiniteScore(row, task, value):
            "score at run \(row), task \(task) is \(value); normalised scores must be finite (check the reference return of that task)."
        case let .taskCountMismatch(x, y):
            "cannot compare scores over \(x) tasks with scores over \(y) tasks; both settings must cover the same tasks in the same order."
        case .invalidRepetitions(let count):
            "bootstrap repetitions must be at least 1, got \(count); 2,000 or more give stable intervals."
        case .invalidConfidence(let level):
            "confidence level must lie strictly between 0 and 1, got \(level); use e.g. 0.95 for a 95 % interval."
        }
    }
}
