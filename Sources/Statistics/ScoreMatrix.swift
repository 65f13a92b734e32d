/// Normalised scores of one setting: rows = runs (seeds), columns = tasks.
///
/// Every row has the same length, there is at least one row and one column, and every score is
/// finite (checked by `init`).
public struct ScoreMatrix: Sendable, Equatable {
    public let rows: [[Double]]

    /// - Throws: `StatisticsError` for an empty matrix, rows of different lengths or a non-finite score.
    public init(_ rows: [[Double]]) throws {
        guard let first = rows.first, !first.isEmpty else { throw StatisticsError.emptyScores }
        for (r, row) in rows.enumerated() {
            guard row.count == first.count else {
                throw StatisticsError.raggedRows(row: r, count: row.count, expected: first.count)
            }
            if let t = row.firstIndex(where: { !$0.isFinite }) {
                throw StatisticsError.nonFiniteScore(row: r, task: t, value: row[t])
            }
        }
        self.rows = rows
    }

    public var runCount: Int { rows.count }
    public var taskCount: Int { rows[0].count }

    /// The scores task by task: element `task * runCount + run`, the layout the kernels and the
    /// stratified resampler read (one task's runs lie together).
    var taskMajor: [Double] {
        var values = [Double](repeating: 0, count: runCount * taskCount)
        for (r, row) in rows.enumerated() {
            for (t, score) in row.enumerated() { values[t * runCount + r] = score }
        }
        return values
    }
}
