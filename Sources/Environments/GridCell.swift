/// A grid cell `[row, col]`, row 0 at the top (RWARE positions, Connector cells).
public struct GridCell: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var row: Int
    public var col: Int
    public init(row: Int, col: Int) {
        self.row = row
        self.col = col
    }
    public var description: String { "[\(row),\(col)]" }
}
