import Foundation

extension Tape {
    /// Softmax over the last axis: yᵢ = e^(xᵢ − max) / Σⱼ e^(xⱼ − max).
    ///
    /// Shapes: x (…, n) → y (…, n). Saves y. Backward: dx += y ⊙ (dy − Σ dy ⊙ y).
    public func softmax(_ x: Variable) -> Variable {
        let y = workspace.allocate(x.shape)
        Kernels.softmaxRows(x.value, into: y)
        let n = x.shape.last
        return record(y, inputs: x) { tape, dY in
            guard let dX = tape.gradientTarget(of: x) else { return }
            let py = y.pointer, g = dY.pointer, d = dX.pointer
            for r in 0..<(y.count / n) {
                let base = r * n
                var dot: Float = 0
                for i in 0..<n { dot += g[base + i] * py[base + i] }
                for i in 0..<n { d[base + i] += py[base + i] * (g[base + i] - dot) }
            }
        }
    }

    /// Log-softmax over the last axis: yᵢ = xᵢ − logsumexp(x).
    ///
    /// Shapes: x (…, n) → y (…, n). Saves y. Backward: dx += dy − softmax(x)·Σ dy, softmax = e^y.
    public func logSoftmax(_ x: Variable) -> Variable {
        let y = workspace.allocate(x.shape)
        let n = x.shape.last, px = x.value.pointer, py = y.pointer
        for r in 0..<(y.count / n) {
            let lse = Kernels.logSumExp(px + r * n, count: n)
            for i in 0..<n { py[r * n + i] = px[r * n + i] - lse }
        }
        return record(y, inputs: x) { tape, dY in
            guard let dX = tape.gradientTarget(of: x) else { return }
            let py = y.pointer, g = dY.pointer, d = dX.pointer
            for r in 0..<(y.count / n) {
                let base = r * n
                var total: Float = 0
                for i in 0..<n { total += g[base + i] }
                for i in 0..<n { d[base + i] += g[base + i] - Foundation.exp(py[base + i]) * total }
            }
        }
    }

    /// log Σᵢ e^(xᵢ) over the last axis (stable: max subtracted first).
    ///
    /// Shapes: x (…, n) → y (…). Backward: dx += dy · softmax(x). Saves x and y.
    public func logSumExp(_ x: Variable) -> Variable {
        let n = x.shape.last, rows = x.value.count / Swift.max(1, n)
        let y = workspace.allocate(x.shape.removing(axis: -1))
        let px = x.value.pointer, py = y.pointer
        for r in 0..<rows { py[r] = Kernels.logSumExp(px + r * n, count: n) }
        return record(y, inputs: x) { tape, dY in
            guard let dX = tape.gradientTarget(of: x) else { return }
            let px = x.value.pointer, py = y.pointer, g = dY.pointer, d = dX.pointer
            for r in 0..<rows {
                for i in 0..<n { d[r * n + i] += g[r] * Foundation.exp(px[r * n + i] - py[r]) }
            }
        }
    }

    /// Cross-entropy with soft targets over the last axis: loss = −Σᵢ tᵢ·log_softmax(x)ᵢ per row.
    ///
    /// Shapes: logits (…, n), targets (…, n) fixed (no gradient) → loss (…).
    /// Saves softmax(x). Backward: dx += dloss·(softmax(x)·Σt − t).
    public func crossEntropy(logits x: Variable, softTargets targets: Tensor) -> Variable {
        precondition(targets.shape == x.shape, "crossEntropy: targets \(targets.shape) vs logits \(x.shape)")
        let n = x.shape.last, rows = x.value.count / Swift.max(1, n)
        let probabilities = workspace.allocate(x.shape)
        Kernels.softmaxRows(x.value, into: probabilities)
        let loss = workspace.allocate(x.shape.removing(axis: -1))
        let px = x.value.pointer, pt = targets.pointer, pl = loss.pointer
        for r in 0..<rows {
            let lse = Kernels.logSumExp(px + r * n, count: n)
            var sum: Float = 0
            // Targets of 0 are skipped so masked logits (−3.4e38) add nothing, not 0·(−huge).
            for i in 0..<n where pt[r * n + i] != 0 { sum -= pt[r * n + i] * (px[r * n + i] - lse) }
            pl[r] = sum
        }
        return record(loss, inputs: x) { tape, dLoss in
            guard let dX = tape.gradientTarget(of: x) else { return }
            let pp = probabilities.pointer, pt = targets.pointer, g = dLoss.pointer, d = dX.pointer
            for r in 0..<rows {
                var total: Float = 0
                for i in 0..<n { total += pt[r * n + i] }
                for i in 0..<n { d[r * n + i] += g[r] * (pp[r * n + i] * total - pt[r * n + i]) }
            }
        }
    }
}

extension Kernels {
    /// log Σ e^(p[i]) for i < count, with the maximum subtracted first.
    static func logSumExp(_ p: UnsafeMutablePointer<Float>, count n: Int) -> Float {
        var m = -Float.greatestFiniteMagnitude
        for i in 0..<n { m = Swift.max(m, p[i]) }
        var sum: Float = 0
        for i in 0..<n { sum += Foundation.exp(p[i] - m) }
        return m + Foundation.log(sum)
    }

    /// Row-wise softmax over the last axis of `x` into `y` (same shape).
    static func softmaxRows(_ x: Tensor, into y: Tensor) {
        let n = x.shape.last, px = x.pointer, py = y.pointer
        for r in 0..<(x.count / Swift.max(1, n)) {
            let row = px + r * n, out = py + r * n
            var m = -Float.greatestFiniteMagnitude
            for i in 0..<n { m = Swift.max(m, row[i]) }
            var sum: Float = 0
            for i in 0..<n {
                out[i] = Foundation.exp(row[i] - m)
                sum += out[i]
            }
            let inverse = 1 / sum
            for i in 0..<n { out[i] *= inverse }
        }
    }
}
