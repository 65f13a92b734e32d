/// Element-wise approximate equality for Float32 results.
///
/// `a ≈ b` when |a − b| ≤ absolute + relative·max(|a|, |b|). Defaults: Float32 has a 2⁻²⁴ ≈ 6e-8
/// unit roundoff; a result that went through a few dozen roundings (a reduction over ~1e3 terms, a
/// norm) differs from an exact or Float64 reference by ~1e-6 relative, so 1e-5 relative and 1e-6
/// absolute (for values near zero) leave a 10× margin.
public enum Approximate {
    public static let relativeTolerance: Float = 1e-5
    public static let absoluteTolerance: Float = 1e-6

    /// True when `a` and `b` are close (see type docs).
    public static func equal(_ a: Float, _ b: Float, relative: Float = relativeTolerance,
                             absolute: Float = absoluteTolerance) -> Bool {
        if a == b { return true }
        guard a.isFinite, b.isFinite else { return false }
        return abs(a - b) <= absolute + relative * max(abs(a), abs(b))
    }

    /// The first index where `a` and `b` differ beyond tolerance (or their counts differ: index = min count); nil if all close.
    public static func firstMismatch(_ a: [Float], _ b: [Float], relative: Float = relativeTolerance,
                                     absolute: Float = absoluteTolerance) -> Int? {
        if a.count != b.count { return min(a.count, b.count) }
        return a.indices.first { !equal(a[$0], b[$0], relative: relative, absolute: absolute) }
    }

    /// True when every element is close (and counts match).
    public static func equal(_ a: [Float], _ b: [Float], relative: Float = relativeTolerance,
                             absolute: Float = absoluteTolerance) -> Bool {
        firstMismatch(a, b, relative: relative, absolute: absolute) == nil
    }
}
