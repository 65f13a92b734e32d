import Foundation

/// The ticks of one axis and the data range it spans.
///
/// Linear axes step by 1, 2 or 5 × 10^k and round the range outwards to whole steps; log2 axes
/// tick at a few data values, or at powers of two (every second, third, … one when there would be
/// more than twelve).
/// Properties: `values` ascend and lie in `lower...upper`; `lower < upper`; every label is short
/// and finite ("0.25", "40", "1.5k", "2M", "5e-4", "1/8").
struct AxisTicks {
    let values: [Double]
    let labels: [String]
    let lower: Double
    let upper: Double

    /// About `targetCount` ticks covering `lower...upper` (plottable values, lower ≤ upper).
    static func linear(covering lower: Double, _ upper: Double, targetCount: Int) -> AxisTicks {
        let (lower, upper) = widenedIfFlat(lower, upper)
        let step = niceStep(for: (upper - lower) / Double(max(targetCount, 1)))
        // The tolerance keeps 0.30000000000000004 from adding a whole step.
        let first = Int((lower / step + 1e-9).rounded(.down))
        let last = Int((upper / step - 1e-9).rounded(.up))
        let values = (first...max(last, first + 1)).map { Double($0) * step }
        return AxisTicks(
            values: values, labels: labels(values, step: step), lower: values[0], upper: values[values.count - 1])
    }

    /// Ticks for a log2 axis spanning exactly `lower...upper` (0 < lower < upper). A handful (2 to 10)
    /// of distinct `dataValues` at least 1/14 of the axis apart are ticked themselves (task counts,
    /// dataset sizes 200, 500, 2000, model sizes 64 … 768); otherwise the powers of two inside, or
    /// linear ticks when fewer than two powers fall inside.
    static func log2(spanning lower: Double, _ upper: Double, dataValues: [Double]) -> AxisTicks {
        let distinct = Array(Set(dataValues)).sorted()
        let span = Foundation.log2(upper) - Foundation.log2(lower)
        let gaps = zip(distinct, distinct.dropFirst()).map { Foundation.log2($1) - Foundation.log2($0) }
        if (2...10).contains(distinct.count), gaps.allSatisfy({ $0 >= span / 14 }) {
            return AxisTicks(values: distinct, labels: distinct.map(shortLabel), lower: lower, upper: upper)
        }
        let firstExponent = Int(Foundation.log2(lower).rounded(.up))
        let lastExponent = Int(Foundation.log2(upper).rounded(.down))
        let count = lastExponent - firstExponent + 1
        guard count >= 2 else {
            let linear = AxisTicks.linear(covering: lower, upper, targetCount: 4)
            let inside = linear.values.indices.filter { (lower...upper).contains(linear.values[$0]) }
            return AxisTicks(
                values: inside.map { linear.values[$0] }, labels: inside.map { linear.labels[$0] }, lower: lower,
                upper: upper)
        }
        let stride = (count + 11) / 12
        let exponents = Array(Swift.stride(from: firstExponent, through: lastExponent, by: stride))
        return AxisTicks(
            values: exponents.map { Foundation.pow(2, Double($0)) },
            labels: exponents.map(powerOfTwoLabel), lower: lower, upper: upper)
    }

    /// 2^`exponent` as "512" or "1/8", or as "2^-50" beyond 2^±40.
    private static func powerOfTwoLabel(_ exponent: Int) -> String {
        switch exponent {
        case 0...40: String(1 << exponent)
        case -40..<0: "1/\(1 << -exponent)"
        default: "2^\(exponent)"
        }
    }

    /// `value` in at most three significant digits (whole numbers below 10 000 in full), k/M/G/T above,
    /// e-notation below 0.001.
    static func shortLabel(_ value: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) < 1e-3 {
            let exponent = Int(Foundation.log10(abs(value)).rounded(.down))
            return trimmingZeros(fixed(value / Foundation.pow(10, Double(exponent)), decimals: 2)) + "e\(exponent)"
        }
        let suffixes: [(unit: Double, suffix: String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, "")]
        let (unit, suffix) = abs(value) >= 1e4 ? suffixes.first { abs(value) >= $0.unit }! : (1, "")
        let scaled = value / unit
        if scaled == scaled.rounded() && abs(scaled) < 1e4 { return String(Int(scaled)) + suffix }
        let decimals = max(0, 2 - Int(Foundation.log10(abs(scaled)).rounded(.down)))
        return trimmingZeros(fixed(scaled, decimals: decimals)) + suffix
    }

    /// A flat range (all values equal, within rounding) opened up so it has a height:
    /// [0, 1] around zero, otherwise ±10 % of the value.
    private static func widenedIfFlat(_ lower: Double, _ upper: Double) -> (Double, Double) {
        let magnitude = max(abs(lower), abs(upper))
        guard upper - lower <= magnitude * 1e-9 else { return (lower, upper) }
        if magnitude == 0 { return (0, 1) }
        return (lower - magnitude * 0.1, upper + magnitude * 0.1)
    }

    /// The 1, 2 or 5 × 10^k nearest `rawStep` on a log scale (so between 0.7 and 1.6 times as many
    /// ticks as asked for).
    private static func niceStep(for rawStep: Double) -> Double {
        let power = Foundation.pow(10, Foundation.log10(rawStep).rounded(.down))
        let fraction = rawStep / power
        let nice: Double =
            fraction < 2.0.squareRoot() ? 1 : fraction < 10.0.squareRoot() ? 2 : fraction < 50.0.squareRoot() ? 5 : 10
        return nice * power
    }

    /// Tick labels for `values` (whole multiples of `step`), with as many decimals as the step needs;
    /// axes reaching 10 000 in k/M/G/T, steps below 0.0001 in e-notation with a shared exponent.
    static func labels(_ values: [Double], step: Double) -> [String] {
        let stepExponent = Int(Foundation.log10(step).rounded(.down))
        let largest = values.map(abs).max() ?? 0
        if stepExponent < -4 {
            let exponent = Int(Foundation.log10(largest).rounded(.down))
            let unit = Foundation.pow(10, Double(exponent))
            return values.map {
                $0 == 0 ? "0" : fixed($0 / unit, decimals: max(0, exponent - stepExponent)) + "e\(exponent)"
            }
        }
        let suffixes: [(unit: Double, suffix: String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        if largest >= 1e4, let (unit, suffix) = suffixes.first(where: { largest >= $0.unit }) {
            let decimals = max(0, -Int(Foundation.log10(step / unit).rounded(.down)))
            return values.map { $0 == 0 ? "0" : trimmingZeros(fixed($0 / unit, decimals: decimals)) + suffix }
        }
        return values.map { fixed($0, decimals: max(0, -stepExponent)) }
    }

    /// `value` rounded to `decimals` places, without an exponent (the callers keep value · 10^decimals
    /// below 10¹⁴, well inside `Int`).
    private static func fixed(_ value: Double, decimals: Int) -> String {
        let scale = Int(Foundation.pow(10, Double(decimals)))
        let scaled = Int((value * Double(scale)).rounded())
        let magnitude = scaled.magnitude
        let whole = "\(scaled < 0 ? "-" : "")\(magnitude / UInt(scale))"
        guard decimals > 0 else { return whole }
        let fraction = String(magnitude % UInt(scale))
        return whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    private static func trimmingZeros(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}

/// Maps data values on one axis to pixel positions.
struct AxisMapping {
    let scale: AxisScale
    let ticks: AxisTicks
    /// Pixel of `ticks.lower` and of `ticks.upper` (for a y axis the first is the larger).
    let startPixel: Double
    let endPixel: Double

    func pixel(_ value: Double) -> Double {
        let low = scale.transform(ticks.lower)
        let fraction = (scale.transform(value) - low) / (scale.transform(ticks.upper) - low)
        return startPixel + fraction * (endPixel - startPixel)
    }
}
