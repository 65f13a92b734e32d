/// The 6 LBF actions and their moves (spec env-lbf.md §4; the order differs from Connector's).
public enum LBFAction: Int32, CaseIterable, Sendable {
    case noop = 0
    case up, down, left, right, load

    /// Row change of the proposed move (row 0 is the top).
    var rowStep: Int {
        switch self {
        case .up: -1
        case .down: 1
        default: 0
        }
    }

    /// Column change of the proposed move.
    var colStep: Int {
        switch self {
        case .left: -1
        case .right: 1
        default: 0
        }
    }

    /// The action as one character, for renders and messages.
    var symbol: Character {
        switch self {
        case .noop: "."
        case .up: "^"
        case .down: "v"
        case .left: "<"
        case .right: ">"
        case .load: "L"
        }
    }
}
