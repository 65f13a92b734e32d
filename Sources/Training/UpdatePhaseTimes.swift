/// Where one rank's update time goes, in seconds (one update, or summed over several).
///
/// The phases follow each other on the rank's main thread, so they add up to the update's time.
/// Waits for slower ranks land in the phase whose collective waits: the statistics' all-reduces
/// in `forward`, the gradient's in `allReduceWait`.
public struct UpdatePhaseTimes: Sendable, Equatable, Codable {
    /// Sampling, the forward passes and the loss statistics' all-reduces (counts, ICQ).
    public var forward = 0.0
    /// The backward pass, including starting and polling the bucket reductions when they overlap it.
    public var backward = 0.0
    /// Waiting for the gradient all-reduce once backward has returned: all of it when blocking,
    /// the part backward did not hide when overlapped (the exposed wait), and the loss report's sum.
    public var allReduceWait = 0.0
    /// Gradient clipping, Adam and the Polyak update.
    public var optimizer = 0.0

    public init() {}

    /// The sum of the phases.
    public var total: Double { forward + backward + allReduceWait + optimizer }

    public static func += (lhs: inout UpdatePhaseTimes, rhs: UpdatePhaseTimes) {
        lhs.forward += rhs.forward
        lhs.backward += rhs.backward
        lhs.allReduceWait += rhs.allReduceWait
        lhs.optimizer += rhs.optimizer
    }

    /// Every phase divided by `count` (a mean per update).
    public func divided(by count: Int) -> UpdatePhaseTimes {
        let n = Double(max(1, count))
        var mean = self
        mean.forward /= n
        mean.backward /= n
        mean.allReduceWait /= n
        mean.optimizer /= n
        return mean
    }

    enum CodingKeys: String, CodingKey {
        case forward = "forward_s", backward = "backward_s", allReduceWait = "allreduce_wait_s", optimizer = "optimizer_s"
    }
}
