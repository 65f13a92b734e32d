import Foundation

/// A seedable, splittable pseudo-random generator (xoshiro256**, seeded by SplitMix64).
///
/// Streams are derived, never shared: `RandomStream(seed: s).derived("sampler", update, task, slot)`
/// gives the same numbers whatever process or rank asks, so a run's randomness depends only on
/// its seed and on the coordinates a caller names (spec: rank-count invariance).
///
/// Properties: `state` round-trips through checkpoints; `derived` never advances `self`.
public struct RandomStream: RandomNumberGenerator, Sendable, Equatable {
    /// The four xoshiro256** state words (saved in checkpoints).
    public var state: (UInt64, UInt64, UInt64, UInt64)
    /// The key this stream was created from; `derived` mixes coordinates into it.
    public let key: UInt64

    /// A stream for `seed`.
    public init(seed: UInt64) {
        key = RandomStream.mix(seed ^ 0x6D74_726C_2D64_6973)  // "mtrl-dis"
        var s = key
        state = (RandomStream.splitMix(&s), RandomStream.splitMix(&s), RandomStream.splitMix(&s), RandomStream.splitMix(&s))
    }

    /// Restores a stream from saved words (see `state`).
    public init(key: UInt64, state: (UInt64, UInt64, UInt64, UInt64)) {
        self.key = key
        self.state = state
    }

    public static func == (a: RandomStream, b: RandomStream) -> Bool {
        a.key == b.key && a.state.0 == b.state.0 && a.state.1 == b.state.1 && a.state.2 == b.state.2
            && a.state.3 == b.state.3
    }

    /// An independent stream named by a purpose and integer coordinates (rank, update, task, ...).
    public func derived(_ purpose: String, _ coordinates: Int...) -> RandomStream {
        var h = key
        for byte in purpose.utf8 { h = RandomStream.mix(h ^ UInt64(byte) &* 0x100_0000_01B3) }
        for c in coordinates { h = RandomStream.mix(h &+ UInt64(bitPattern: Int64(c)) &* 0x9E37_79B9_7F4A_7C15) }
        return RandomStream(seedKey: h)
    }

    private init(seedKey: UInt64) {
        key = seedKey
        var s = seedKey
        state = (RandomStream.splitMix(&s), RandomStream.splitMix(&s), RandomStream.splitMix(&s), RandomStream.splitMix(&s))
    }

    /// Next 64 random bits (xoshiro256**).
    @inlinable public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inlinable public mutating func nextUniformFloat() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable public mutating func nextUniformDouble() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// Uniform integer in `0..<bound` (unbiased, Lemire's method).
    @inlinable public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        return Int(truncatingIfNeeded: next(upperBound: UInt64(bound)))
    }

    /// Standard normal sample (Box–Muller, Double precision).
    public mutating func nextNormal() -> Double {
        let u1 = max(nextUniformDouble(), 1e-300)
        let u2 = nextUniformDouble()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    @inlinable func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    static func splitMix(_ s: inout UInt64) -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        return mix(s)
    }

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

