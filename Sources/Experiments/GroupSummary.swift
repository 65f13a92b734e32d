import Statistics

/// The statistics of one group of runs (a setting of the grid, or an algorithm over all
/// environments): what `results.json` and the report's tables hold.
///
/// Held-out scores form a seeds × tasks matrix. `test` is the paper's Table 1 figure: each seed's
/// mean over tasks, then the mean and standard error over seeds. `intervals` are the aggregates of
/// Agarwal et al. (2021) over all seeds × tasks with 95 % stratified bootstrap intervals.
public struct GroupSummary: Codable, Sendable {
    public var environment: String
    public var algorithm: String
    public var setting: String
    public var x: Double?
    public var runs: Int
    public var seeds: [Int]
    public var tasks: [String]
    /// Held-out tasks without a finite normalised score in every run (e.g. a reference that does not beat random).
    public var leftOutTasks: [String]
    public var scores: [[Double]]
    public var test: MeanWithError
    public var train: MeanWithError
    public var randomTest: MeanWithError
    /// Held-out mean ± s.e. over seeds when acting greedily (`experiment evaluate`; a diagnostic),
    /// nil unless every run of the group has it.
    public var greedyTest: MeanWithError?
    /// IQM, median, mean and optimality gap of the held-out scores, keyed by `AggregateMetric` raw value.
    public var intervals: [String: ConfidenceInterval]

    /// Summarises held-out scores `test` (seeds × tasks) and the per-seed training and random means.
    init(environment: String, algorithm: String, setting: String, x: Double?, runs: Int,
         test: (tasks: [String], rows: [[Double]], seeds: [Int], leftOut: [String]),
         trainRows: [[Double]], randomRows: [[Double]], greedyRows: [[Double]]? = nil, bootstrap: StratifiedBootstrap) {
        self.environment = environment
        self.algorithm = algorithm
        self.setting = setting
        self.x = x
        self.runs = runs
        seeds = test.seeds
        tasks = test.tasks
        leftOutTasks = test.leftOut
        scores = test.rows
        func seedMeans(_ rows: [[Double]]) -> [Double] { rows.filter { !$0.isEmpty }.map { $0.reduce(0, +) / Double($0.count) } }
        self.test = MeanWithError(seedMeans(test.rows))
        train = MeanWithError(seedMeans(trainRows))
        randomTest = MeanWithError(seedMeans(randomRows))
        greedyTest = greedyRows.map { MeanWithError(seedMeans($0)) }
        intervals = [:]
        if let matrix = try? ScoreMatrix(test.rows) {
            for (metric, interval) in bootstrap.intervals(of: matrix) { intervals[metric.rawValue] = interval }
        }
    }

    /// The held-out score matrix, nil when no task has a score.
    var matrix: ScoreMatrix? { try? ScoreMatrix(scores) }

    enum CodingKeys: String, CodingKey {
        case environment, algorithm, setting, x, runs, seeds, tasks, leftOutTasks = "left_out_tasks", scores, test, train
        case randomTest = "random_test", greedyTest = "greedy_test", intervals
    }
}
