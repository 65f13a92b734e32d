import Environments

/// Score of one task at one evaluation (a row of `final.json`, `eval.csv` and the report tables).
public struct TaskScore: Sendable, Codable, Equatable {
    public let taskID: String
    /// The task's split in the registry.
    public let split: TaskSplit
    /// Whether the run trained on the task (seen) or evaluates it zero-shot (held out).
    public let trained: Bool
    public let episodes: Int
    public let meanReturn: Double
    /// Normalised by the run's `ReturnNormaliser`; NaN without a usable reference.
    public let normalisedReturn: Double

    public init(taskID: String, split: TaskSplit, trained: Bool, episodes: Int, meanReturn: Double, normalisedReturn: Double) {
        self.taskID = taskID
        self.split = split
        self.trained = trained
        self.episodes = episodes
        self.meanReturn = meanReturn
        self.normalisedReturn = normalisedReturn
    }

    /// Mean normalised return over the trained (`true`) or held-out (`false`) tasks' finite scores; NaN if none.
    public static func meanNormalised(_ scores: [TaskScore], trained: Bool) -> Double {
        let values = scores.filter { $0.trained == trained }.map(\.normalisedReturn).filter(\.isFinite)
        return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task", split, trained, episodes, meanReturn = "mean_return", normalisedReturn = "normalised_return"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        taskID = try c.decode(String.self, forKey: .taskID)
        split = try c.decode(TaskSplit.self, forKey: .split)
        trained = try c.decode(Bool.self, forKey: .trained)
        episodes = try c.decode(Int.self, forKey: .episodes)
        meanReturn = try c.decodeNumber(forKey: .meanReturn)
        normalisedReturn = try c.decodeNumber(forKey: .normalisedReturn)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(taskID, forKey: .taskID)
        try c.encode(split, forKey: .split)
        try c.encode(trained, forKey: .trained)
        try c.encode(episodes, forKey: .episodes)
        try c.encodeNumber(meanReturn, forKey: .meanReturn)
        try c.encodeNumber(normalisedReturn, forKey: .normalisedReturn)
    }
}
