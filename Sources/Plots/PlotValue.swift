/// Which data values a chart can draw.
///
/// A value is drawn when it is finite and at most 10¹² in magnitude; anything else (NaN, ±∞, or
/// beyond 10¹², far outside any return, ratio or count a report plots) counts as missing: a bar
/// shows "n/a", a line breaks, an error bar or band loses that end. This keeps every coordinate
/// and tick finite and short.
enum PlotValue {
    static let limit = 1e12

    static func isPlottable(_ value: Double) -> Bool { value.isFinite && abs(value) <= limit }

    /// The smallest and largest plottable values, or nil if there are none.
    static func range<S: Sequence>(_ values: S) -> (lower: Double, upper: Double)? where S.Element == Double {
        var range: (lower: Double, upper: Double)?
        for value in values where isPlottable(value) {
            range = (min(range?.lower ?? value, value), max(range?.upper ?? value, value))
        }
        return range
    }
}
