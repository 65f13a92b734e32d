import Plots

/// Charts shaped like the paper's reports, plus the awkward inputs a report can produce.
enum SampleCharts {
    static let taskNames = [
        "rware-tiny-2ag", "rware-small-4ag-hard", "lbf-2s-10x10-4p-3f-l3", "lbf-8x8-3p-2f-coop",
        "con-5x5x3a", "con-7x7x5a", "lbf-15x15-4p-5f",
    ]

    /// Per-task normalised returns of three methods, 95 % intervals, a "random" line and one missing value.
    static let perTaskBars = BarChart(
        title: "Zero-shot return on held-out tasks", yLabel: "normalised return",
        categories: taskNames,
        series: [
            BarSeries(
                name: "multi-task Oryx", values: [0.82, 0.61, 0.44, 0.71, 0.35, 0.28, 0.52],
                lower: [0.78, 0.55, 0.39, 0.66, 0.30, 0.21, 0.47], upper: [0.86, 0.67, 0.49, 0.76, 0.40, 0.35, 0.57]),
            BarSeries(
                name: "single-task Oryx", values: [0.79, 0.48, .nan, 0.65, 0.31, 0.12, 0.49],
                lower: [0.74, 0.40, .nan, 0.60, 0.25, 0.05, 0.43], upper: [0.84, 0.56, .nan, 0.70, 0.37, 0.19, 0.55]),
            BarSeries(name: "behaviour cloning", values: [0.55, 0.30, 0.21, 0.40, 0.22, 0.09, 0.33]),
        ],
        referenceLines: [("random", 0.09)])

    /// Twelve long task names: too many to sit side by side, so they turn.
    static let manyTaskBars: BarChart = {
        let tasks =
            taskNames + [
                "rware-medium-6ag", "lbf-2s-8x8-2p-2f-coop", "con-10x10x10a", "rware-large-8ag-hard", "lbf-10x10-3p-3f",
            ]
        let oryx = tasks.indices.map { 0.3 + 0.05 * Double($0 % 7) }
        let cql = tasks.indices.map { 0.2 + 0.04 * Double($0 % 5) }
        return BarChart(
            title: "Return on every task", yLabel: "normalised return", categories: tasks,
            series: [
                BarSeries(name: "Oryx", values: oryx, lower: oryx.map { $0 - 0.05 }, upper: oryx.map { $0 + 0.05 }),
                BarSeries(name: "CQL", values: cql),
            ])
    }()

    /// Generalisation against the number of training tasks, with bands.
    static let taskCountLines = LinePlot(
        title: "Held-out return against training tasks", xLabel: "training tasks", yLabel: "normalised return",
        series: [
            LineSeries(
                name: "Oryx", x: [1, 2, 4, 8, 16], y: [0.21, 0.30, 0.41, 0.50, 0.55],
                lower: [0.15, 0.24, 0.36, 0.45, 0.51], upper: [0.27, 0.36, 0.46, 0.55, 0.59]),
            LineSeries(
                name: "CQL", x: [1, 2, 4, 8, 16], y: [0.18, 0.22, 0.29, .nan, 0.38],
                lower: [0.12, 0.17, 0.23, .nan, 0.33], upper: [0.24, 0.27, 0.35, .nan, 0.43]),
        ],
        xScale: .log2, referenceLines: [("reference = 1", 1)])

    /// Return against embedding size on a log2 axis (64 … 768), no bands.
    static let modelSizeLines = LinePlot(
        title: "Return against model size", xLabel: "embedding size", yLabel: "normalised return",
        series: [LineSeries(name: "Oryx", x: [64, 128, 256, 384, 512, 768], y: [0.3, 0.38, 0.45, 0.47, 0.5, 0.52])],
        xScale: .log2)

    /// A learning curve of 300 evaluations (too many for markers) over 150k updates.
    static let learningCurve: LinePlot = {
        let steps: [Double] = (0..<300).map { Double($0) }
        let decay: [Double] = steps.map { (step: Double) -> Double in 1 / (1 + step / 30) }
        let curve = LineSeries(
            name: "train loss", x: steps.map { $0 * 500 }, y: decay.map { 2 * $0 + 0.1 },
            lower: decay.map { 1.8 * $0 + 0.05 }, upper: decay.map { 2.2 * $0 + 0.15 })
        return LinePlot(title: "Learning curve", xLabel: "updates", yLabel: "loss", series: [curve])
    }()

    /// Edge cases: nothing, one point, flat, negative, all missing, huge and tiny values, log2 of non-positive x.
    static let edgeCases: [(name: String, svg: String)] = [
        ("empty bar chart", BarChart(title: "", yLabel: "", categories: [], series: []).svg()),
        ("categories without series", bars(["a", "b"], [])),
        ("empty line plot", lines([])),
        ("empty line series", lines([LineSeries(name: "s", x: [], y: [])])),
        ("single point", lines([LineSeries(name: "s", x: [3], y: [0.5], lower: [0.4], upper: [0.6])])),
        ("single point log2", lines([LineSeries(name: "s", x: [8], y: [2])], xScale: .log2)),
        ("all equal bars", bars(["a", "b"], [BarSeries(name: "s", values: [3, 3])])),
        ("all zero bars", bars(["a"], [BarSeries(name: "s", values: [0])])),
        ("all equal line", lines([LineSeries(name: "s", x: [5, 5, 5], y: [7, 7, 7])])),
        (
            "negative bars",
            bars(
                ["a", "b", "c"],
                [BarSeries(name: "s", values: [-2, -0.5, 1.5], lower: [-2.5, -0.7, 1.2], upper: [-1.5, -0.3, 1.9])])
        ),
        ("all negative bars with a missing one", bars(["a", "b"], [BarSeries(name: "s", values: [-2, .nan])])),
        ("all missing", bars(["a", "b"], [BarSeries(name: "s", values: [.nan, .infinity])])),
        ("all missing line", lines([LineSeries(name: "s", x: [.nan, 1], y: [1, .nan])])),
        ("huge and tiny", lines([LineSeries(name: "s", x: [1e-9, 2e-9, 1e300], y: [1e-9, 3e-9, -.infinity])])),
        ("tiny on log2", lines([LineSeries(name: "s", x: [1e-300, 1e-200, 1e12], y: [1, 2, 3])], xScale: .log2)),
        ("large counts", lines([LineSeries(name: "s", x: [0, 1e6, 2.5e6], y: [12_000, 31_000, 55_000])])),
        (
            "log2 with non-positive x",
            lines([LineSeries(name: "s", x: [-1, 0, 0.25, 1, 4], y: [1, 2, 3, 4, 5])], xScale: .log2)
        ),
        (
            "control characters",
            BarChart(
                title: "tab\there\u{1}", yLabel: "y\u{0}", categories: ["a\u{7}"],
                series: [BarSeries(name: "s\u{FFFE}", values: [1])]
            ).svg()
        ),
        ("many series", bars(["a", "b"], (0..<12).map { BarSeries(name: "series \($0)", values: [Double($0), 1]) })),
        ("small canvas", perTaskBars.svg(width: 240, height: 160)),
    ]

    private static func bars(_ categories: [String], _ series: [BarSeries]) -> String {
        BarChart(title: "t", yLabel: "y", categories: categories, series: series).svg()
    }

    private static func lines(_ series: [LineSeries], xScale: AxisScale = .linear) -> String {
        LinePlot(title: "t", xLabel: "x", yLabel: "y", series: series, xScale: xScale).svg()
    }
}
