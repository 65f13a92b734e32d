/// The shape of a tensor: up to 4 dimensions, stored inline (no heap allocation per op).
///
/// Properties: `rank` is 0...4; dimensions are ≥ 0; `count` is their product (1 for rank 0).
public struct Shape: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// Most dimensions a tensor may have.
    public static let maxRank = 4

    public private(set) var rank: Int
    private var storage: (Int, Int, Int, Int)

    /// A shape from its dimensions, outermost first.
    public init(_ dims: [Int]) {
        precondition(dims.count <= Shape.maxRank, "Shape supports up to \(Shape.maxRank) dimensions, got \(dims)")
        precondition(dims.allSatisfy { $0 >= 0 }, "Shape dimensions must be >= 0, got \(dims)")
        rank = dims.count
        storage = (0, 0, 0, 0)
        for (i, d) in dims.enumerated() { self[i] = d }
    }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// Dimension `axis` (0 = outermost).
    public subscript(axis: Int) -> Int {
        get {
            precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for rank \(rank)")
            switch axis {
            case 0: return storage.0
            case 1: return storage.1
            case 2: return storage.2
            default: return storage.3
            }
        }
        set {
            precondition(axis >= 0 && axis < Shape.maxRank, "axis \(axis) out of range")
            switch axis {
            case 0: storage.0 = newValue
            case 1: storage.1 = newValue
            case 2: storage.2 = newValue
            default: storage.3 = newValue
            }
        }
    }

    /// Dimensions as an array, outermost first.
    public var dimensions: [Int] { (0..<rank).map { self[$0] } }

    /// Number of elements.
    public var count: Int {
        var n = 1
        for i in 0..<rank { n *= self[i] }
        return n
    }

    /// The last dimension (1 for a scalar).
    public var last: Int { rank == 0 ? 1 : self[rank - 1] }

    /// Product of every dimension but the last (rows of the matrix view).
    public var rowCount: Int { rank == 0 ? 1 : count / Swift.max(1, last) }

    /// Resolves a negative axis (−1 = last) and checks the range.
    public func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) out of range for shape \(self)")
        return a
    }

    /// Splits the shape around `axis`: (product before, dimension, product after).
    public func split(at axis: Int) -> (outer: Int, axis: Int, inner: Int) {
        let a = normalizedAxis(axis)
        var outer = 1, inner = 1
        for i in 0..<a { outer *= self[i] }
        for i in (a + 1)..<rank { inner *= self[i] }
        return (outer, self[a], inner)
    }

    /// The same shape with dimension `axis` replaced by `value`.
    public func replacing(axis: Int, with value: Int) -> Shape {
        var s = self
        s[normalizedAxis(axis)] = value
        return s
    }

    /// The same shape without dimension `axis`.
    public func removing(axis: Int) -> Shape {
        let a = normalizedAxis(axis)
        var dims = dimensions
        dims.remove(at: a)
        return Shape(dims)
    }

    public static func == (a: Shape, b: Shape) -> Bool {
        guard a.rank == b.rank else { return false }
        for i in 0..<a.rank where a[i] != b[i] { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rank)
        for i in 0..<rank { hasher.combine(self[i]) }
    }

    public var description: String { "(" + dimensions.map(String.init).joined(separator: ", ") + ")" }
}
