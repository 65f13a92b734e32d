/// Plain loops over contiguous tensors, used by the ops' forwards and backwards.
///
/// Every function reads its inputs and writes (or, where it says so, adds into) its output;
/// shapes are checked by count only; the ops check shapes.
enum Kernels {
    /// dst += src (same count).
    static func add(_ src: Tensor, into dst: Tensor) {
        precondition(src.count == dst.count, "add: \(src.shape) into \(dst.shape)")
        let s = src.pointer, d = dst.pointer
        for i in 0..<dst.count { d[i] += s[i] }
    }

    /// dst += alpha·src (same count).
    static func add(_ src: Tensor, scaledBy alpha: Float, into dst: Tensor) {
        precondition(src.count == dst.count, "add: \(src.shape) into \(dst.shape)")
        let s = src.pointer, d = dst.pointer
        for i in 0..<dst.count { d[i] += alpha * s[i] }
    }

    /// dst[i] += value for every i.
    static func addScalar(_ value: Float, into dst: Tensor) {
        let d = dst.pointer
        for i in 0..<dst.count { d[i] += value }
    }

    /// Copies `src` into `dst` (same count).
    static func copy(_ src: Tensor, into dst: Tensor) {
        precondition(src.count == dst.count, "copy: \(src.shape) into \(dst.shape)")
        dst.pointer.update(from: src.pointer, count: dst.count)
    }

    /// dst[r, :] = row for every row r of `dst` viewed as (count / row.count, row.count).
    static func broadcastRows(_ row: Tensor, into dst: Tensor) {
        let n = row.count
        precondition(n > 0 && dst.count % n == 0, "broadcastRows: \(row.shape) into \(dst.shape)")
        let s = row.pointer, d = dst.pointer
        for r in 0..<(dst.count / n) { (d + r * n).update(from: s, count: n) }
    }

    /// dst[c] += Σ_r src[r, c], `src` viewed as (rows, dst.count).
    static func sumRows(_ src: Tensor, into dst: Tensor) {
        let n = dst.count
        precondition(n > 0 && src.count % n == 0, "sumRows: \(src.shape) into \(dst.shape)")
        let s = src.pointer, d = dst.pointer
        for r in 0..<(src.count / n) {
            let row = s + r * n
            for c in 0..<n { d[c] += row[c] }
        }
    }
}
