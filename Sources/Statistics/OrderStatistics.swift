/// In-place order statistics on raw buffers, without allocating (the bootstrap's inner loop).
enum OrderStatistics {
    /// Rearranges `values[range]` so that `values[k]` holds the value of rank `k` (counted from the
    /// start of the buffer), everything before it within `range` is ≤ it and everything after ≥ it.
    /// Hoare-partition selection (Wirth's scheme) with a median-of-three pivot; `k` must lie in `range`.
    static func select(_ k: Int, in values: UnsafeMutableBufferPointer<Double>, range: Range<Int>) {
        var low = range.lowerBound
        var high = range.upperBound - 1
        while low < high {
            let pivot = medianOfThree(values[low], values[(low + high) / 2], values[high])
            var i = low
            var j = high
            repeat {
                while values[i] < pivot { i += 1 }
                while pivot < values[j] { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            } while i <= j
            if j < k { low = i }
            if k < i { high = j }
        }
    }

    /// Mean of ranks `lowerCut ..< count - lowerCut`: scipy.stats.trim_mean's rule, which cuts
    /// `lowerCut = int(proportion · count)` values from each end. Reorders `values`.
    static func trimmedMean(_ values: UnsafeMutableBufferPointer<Double>, lowerCut: Int) -> Double {
        let count = values.count
        let upperCut = count - lowerCut
        if lowerCut > 0 {
            select(lowerCut, in: values, range: 0..<count)
            select(upperCut - 1, in: values, range: lowerCut..<count)
        }
        var sum = 0.0
        for i in lowerCut..<upperCut { sum += values[i] }
        return sum / Double(upperCut - lowerCut)
    }

    /// The median as numpy computes it: the middle value, or the mean of the two middle values
    /// for an even count. Reorders `values`.
    static func median(_ values: UnsafeMutableBufferPointer<Double>) -> Double {
        let count = values.count
        let middle = count / 2
        select(middle, in: values, range: 0..<count)
        if count % 2 == 1 { return values[middle] }
        var below = values[0]
        for i in 1..<middle { below = max(below, values[i]) }
        return (below + values[middle]) / 2
    }

    /// Linear-interpolation percentile of sorted values (numpy's default method): position
    /// (count − 1)·q between neighbours, interpolated from the nearer one as numpy does. `q` in [0, 1].
    static func percentile(sorted values: [Double], _ q: Double) -> Double {
        let position = Double(values.count - 1) * q
        let below = Int(position.rounded(.down))
        let a = values[below]
        let b = values[min(below + 1, values.count - 1)]
        let fraction = position - Double(below)
        return fraction < 0.5 ? a + (b - a) * fraction : b - (b - a) * (1 - fraction)
    }

    private static func medianOfThree(_ a: Double, _ b: Double, _ c: Double) -> Double {
        max(min(a, b), min(max(a, b), c))
    }
}
