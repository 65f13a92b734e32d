extension Tape {
    /// Layer norm over the last axis: y = (x − μ)/√(σ² + ε) ⊙ scale + bias (biased variance).
    ///
    /// Shapes: x (…, n), scale and bias (n) or nil. Same as `groupNorm` with one group.
    public func layerNorm(_ x: Variable, scale: Variable?, bias: Variable?, epsilon: Float = 1e-5) -> Variable {
        groupNorm(x, groups: 1, scale: scale, bias: bias, epsilon: epsilon)
    }

    /// Group norm over the last axis (spec §2.4 GroupNorm quirk): each row of n features is split into
    /// `groups` contiguous groups of n/groups values, each normalised by its own mean and biased
    /// variance; then y = x̂ ⊙ scale + bias with scale, bias of length n shared by all rows.
    ///
    /// Shapes: x (…, n), scale and bias (n) or nil. Saves x, per-group mean and 1/σ.
    /// Backward per group (m values, r = 1/σ, ĝ = dy ⊙ scale):
    /// dx += r·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)); dscale += Σ_rows dy ⊙ x̂; dbias += Σ_rows dy.
    public func groupNorm(_ x: Variable, groups: Int, scale: Variable?, bias: Variable?, epsilon: Float = 1e-6) -> Variable {
        let n = x.shape.last
        precondition(groups > 0 && n % groups == 0, "groupNorm: \(n) features do not split into \(groups) groups")
        for p in [scale, bias].compactMap({ $0 }) {
            precondition(p.value.count == n, "groupNorm: affine parameter \(p.shape) for \(n) features")
        }
        let size = n / groups, segments = x.value.count / size
        let stats = workspace.allocate([2, segments])  // mean, then 1/σ, per group of each row
        let y = workspace.allocate(x.shape)
        let px = x.value.pointer, py = y.pointer, mean = stats.pointer, rstd = stats.pointer + segments
        for s in 0..<segments {
            let row = px + s * size
            var sum: Float = 0
            for i in 0..<size { sum += row[i] }
            let mu = sum / Float(size)
            var sq: Float = 0
            for i in 0..<size { sq += (row[i] - mu) * (row[i] - mu) }
            mean[s] = mu
            rstd[s] = 1 / (sq / Float(size) + epsilon).squareRoot()
            for i in 0..<size { py[s * size + i] = (row[i] - mu) * rstd[s] }
        }
        applyAffine(y, scale: scale?.value, bias: bias?.value)
        return record(y, inputList: [x] + [scale, bias].compactMap { $0 }) { tape, dY in
            let px = x.value.pointer, g = dY.pointer
            let mean = stats.pointer, rstd = stats.pointer + segments
            let dScale = scale.flatMap { tape.gradientTarget(of: $0) }?.pointer
            let dBias = bias.flatMap { tape.gradientTarget(of: $0) }?.pointer
            let dX = tape.gradientTarget(of: x)?.pointer
            let gamma = scale?.value.pointer
            for s in 0..<segments {
                let base = s * size, feature0 = base % n
                var meanG: Float = 0, meanGX: Float = 0
                for i in 0..<size {
                    let xhat = (px[base + i] - mean[s]) * rstd[s]
                    let gi = g[base + i] * (gamma?[feature0 + i] ?? 1)
                    meanG += gi
                    meanGX += gi * xhat
                    dScale?[feature0 + i] += g[base + i] * xhat
                    dBias?[feature0 + i] += g[base + i]
                }
                guard let dX else { continue }
                meanG /= Float(size)
                meanGX /= Float(size)
                for i in 0..<size {
                    let xhat = (px[base + i] - mean[s]) * rstd[s]
                    let gi = g[base + i] * (gamma?[feature0 + i] ?? 1)
                    dX[base + i] += rstd[s] * (gi - meanG - xhat * meanGX)
                }
            }
        }
    }

    /// RMS norm over the last axis (spec §2.1): y = x / √(mean(x²) + ε) ⊙ scale, no bias.
    ///
    /// Shapes: x (…, n), scale (n) or nil. Saves x and r = 1/√(mean(x²) + ε) per row.
    /// Backward with ĝ = dy ⊙ scale: dx += r·ĝ − r³·x·mean(ĝ ⊙ x); dscale += Σ_rows dy ⊙ x·r.
    public func rmsNorm(_ x: Variable, scale: Variable?, epsilon: Float = 1e-6) -> Variable {
        let n = x.shape.last, rows = x.value.count / Swift.max(1, n)
        if let scale { precondition(scale.value.count == n, "rmsNorm: scale \(scale.shape) for \(n) features") }
        let rstd = workspace.allocate([rows])
        let y = workspace.allocate(x.shape)
        let px = x.value.pointer, py = y.pointer, pr = rstd.pointer
        for r in 0..<rows {
            let row = px + r * n
            var sq: Float = 0
            for i in 0..<n { sq += row[i] * row[i] }
            pr[r] = 1 / (sq / Float(n) + epsilon).squareRoot()
            for i in 0..<n { py[r * n + i] = row[i] * pr[r] }
        }
        applyAffine(y, scale: scale?.value, bias: nil)
        return record(y, inputList: [x] + [scale].compactMap { $0 }) { tape, dY in
            let px = x.value.pointer, g = dY.pointer, pr = rstd.pointer
            let dScale = scale.flatMap { tape.gradientTarget(of: $0) }?.pointer
            let dX = tape.gradientTarget(of: x)?.pointer
            let gamma = scale?.value.pointer
            for r in 0..<rows {
                let base = r * n
                var dot: Float = 0
                for i in 0..<n {
                    let gi = g[base + i] * (gamma?[i] ?? 1)
                    dot += gi * px[base + i]
                    dScale?[i] += g[base + i] * px[base + i] * pr[r]
                }
                guard let dX else { continue }
                let correction = pr[r] * pr[r] * pr[r] * dot / Float(n)
                for i in 0..<n {
                    let gi = g[base + i] * (gamma?[i] ?? 1)
                    dX[base + i] += pr[r] * gi - correction * px[base + i]
                }
            }
        }
    }

    /// y ← y ⊙ scale + bias, row by row over the last axis.
    private func applyAffine(_ y: Tensor, scale: Tensor?, bias: Tensor?) {
        guard scale != nil || bias != nil else { return }
        let n = y.shape.last, py = y.pointer
        let gamma = scale?.pointer, beta = bias?.pointer
        for r in 0..<(y.count / Swift.max(1, n)) {
            for i in 0..<n { py[r * n + i] = py[r * n + i] * (gamma?[i] ?? 1) + (beta?[i] ?? 0) }
        }
    }
}
