import Foundation

/// How data values are spaced along an axis.
public enum AxisScale: Sendable {
    /// Equal differences take equal lengths.
    case linear
    /// Equal ratios take equal lengths (each doubling the same step); ticks sit on powers of two.
    /// Only positive values can be placed: zero and negative values are left out like NaN.
    case log2

    /// Whether `value` can be placed on this axis (see `PlotValue`).
    func canPlace(_ value: Double) -> Bool {
        switch self {
        case .linear: PlotValue.isPlottable(value)
        case .log2: PlotValue.isPlottable(value) && value > 0
        }
    }

    /// The value in the units the axis is linear in.
    func transform(_ value: Double) -> Double {
        switch self {
        case .linear: value
        case .log2: binaryLogarithm(value)
        }
    }
}

/// `log2` at file scope: inside `AxisScale` the name means the enum case.
private func binaryLogarithm(_ value: Double) -> Double { log2(value) }
