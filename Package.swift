// swift-tools-version:6.0
// mtrl-dist: multi-task offline MARL (Sable + Oryx / CQL / BC) trained over MPI.
import PackageDescription

/// Release builds of numeric code need the optimiser; tests run in release too (see .ci/run).
let fastMath: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "mtrl-dist",
    products: [
        .executable(name: "mtrl-dist", targets: ["mtrl-dist"]),
        .executable(name: "mtrl-bench", targets: ["mtrl-bench"]),
    ],
    targets: [
        // MARK: - System libraries (Debian: libopenmpi-dev, libopenblas-dev)
        .systemLibrary(
            name: "CMPI", pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),

        // MARK: - Numerics
        .target(name: "TensorCore", dependencies: ["CBLAS"], swiftSettings: fastMath),
        .target(name: "Kernels", dependencies: ["TensorCore"], swiftSettings: fastMath),
        .target(name: "Model", dependencies: ["Kernels", "TensorCore"], swiftSettings: fastMath),
        .target(name: "Losses", dependencies: ["Model", "Kernels", "TensorCore"], swiftSettings: fastMath),
        // Golden cases of shared/reference-model through model, loss and Adam (ModelTests, `model check-reference`).
        .target(
            name: "ReferenceCases", dependencies: ["Losses", "Model", "Kernels", "TensorCore"],
            swiftSettings: fastMath),

        // Aggregate metrics and stratified bootstrap intervals of Agarwal et al. 2021 (rliable's definitions).
        .target(name: "Statistics", dependencies: ["TensorCore"]),

        // MARK: - Environments and data
        .target(name: "Environments"),
        .target(name: "BinaryFormat"),
        .target(
            name: "Datasets", dependencies: ["BinaryFormat", "TensorCore", "Environments", "Statistics"],
            swiftSettings: fastMath),

        // MARK: - Distribution and training
        .target(name: "Distributed", dependencies: ["CMPI"]),
        .target(
            name: "Training",
            dependencies: [
                "Distributed", "Datasets", "BinaryFormat", "Environments", "Losses", "Model", "TensorCore",
                "OptionParsing",
            ]),

        // Online Sable trained with PPO (spec online-sable.md §1): rollouts, GAE, the PPO loss, acting, updates,
        // and datasets recorded from its snapshots (§2).
        .target(
            name: "Online",
            dependencies: [
                "Training", "Statistics", "Plots", "BinaryFormat", "Datasets", "Distributed", "Environments", "Model", "Kernels",
                "TensorCore",
            ],
            swiftSettings: fastMath),

        // MARK: - Experiments and reports
        // SVG charts for the experiment reports (bars with error bars, lines with bands).
        .target(name: "Plots"),
        // The paper's experiments as grids of runs: plan, runner, status, statistics, report.
        .target(
            name: "Experiments",
            dependencies: [
                "Training", "Statistics", "Plots", "Distributed", "Datasets", "Environments", "Losses", "BinaryFormat", "TensorCore",
            ]),

        // MARK: - Command line
        .target(name: "OptionParsing"),
        .executableTarget(
            name: "mtrl-dist",
            dependencies: [
                "OptionParsing", "Training", "Distributed", "Datasets", "Environments", "Model", "ReferenceCases",
                "TensorCore", "BinaryFormat", "Experiments", "Losses", "Online",
            ]),
        .executableTarget(
            name: "mtrl-bench",
            dependencies: ["Datasets", "Environments", "Losses", "Model", "Kernels", "Statistics", "TensorCore", "Online", "Distributed"],
            path: "Benchmarks", exclude: ["README.md", "scaling.sh", "run.sh", "compare-train.sh"], swiftSettings: fastMath),

        // MARK: - Tests
        .executableTarget(name: "mpi-probe", dependencies: ["Distributed"], path: "Tests/MPIProbe"),
        // One PPO update under mpirun, for the rank-count invariance test of Tests/OnlineTests.
        .executableTarget(name: "online-probe", dependencies: ["Online", "Distributed", "Environments", "Model", "TensorCore"],
                          path: "Tests/OnlineProbe"),
        // Counts a thread's heap allocations by interposing malloc in the test process (test-only).
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        .target(name: "TestSupport", dependencies: ["TensorCore", "Distributed", "Datasets", "BinaryFormat", "Environments"],
                path: "Sources/TestSupport"),
        // The tape autodiff, a test-only reference: no product depends on it.
        .target(
            name: "TapeReference", dependencies: ["TensorCore"], path: "Tests/TapeReference", swiftSettings: fastMath),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(name: "TapeReferenceTests", dependencies: ["TapeReference", "TensorCore", "TestSupport"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "Losses", "ReferenceCases", "Kernels", "TensorCore"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "TensorCore"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BinaryFormatTests", dependencies: ["BinaryFormat"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Statistics", "BinaryFormat", "Environments", "TensorCore", "TestSupport"]),
        .testTarget(name: "DistributedTests", dependencies: ["Distributed", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Datasets", "BinaryFormat", "Environments", "Losses", "Model",
                                                         "TensorCore", "Distributed", "TestSupport"]),
        .testTarget(name: "OnlineTests", dependencies: ["Online", "Training", "Datasets", "Statistics", "AllocationCounter", "Model", "Kernels", "Environments", "TensorCore",
                                                       "Distributed", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["OptionParsing", "TestSupport"]),
        .testTarget(name: "PlotsTests", dependencies: ["Plots", "TestSupport"]),
        .testTarget(name: "ClusterTests"),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Training", "Datasets", "Environments", "Losses", "TestSupport"]),
    ]
)
