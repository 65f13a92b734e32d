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
        .target(name: "Layers", dependencies: ["TensorCore"], swiftSettings: fastMath),
        .target(name: "Model", dependencies: ["Layers", "TensorCore"], swiftSettings: fastMath),
        .target(name: "Losses", dependencies: ["Model", "Layers", "TensorCore"], swiftSettings: fastMath),

        // MARK: - Environments and data
        .target(name: "Environments"),
        .target(name: "BinaryFormat"),
        .target(
            name: "Datasets", dependencies: ["BinaryFormat", "TensorCore", "Environments"],
            swiftSettings: fastMath),

        // MARK: - Distribution and training
        .target(name: "Distributed", dependencies: ["CMPI"]),
        .target(
            name: "Training",
            dependencies: [
                "Distributed", "Datasets", "BinaryFormat", "Environments", "Losses", "Model", "Layers", "TensorCore",
                "OptionParsing",
            ]),

        // MARK: - Command line
        .target(name: "OptionParsing"),
        .executableTarget(
            name: "mtrl-dist",
            dependencies: [
                "OptionParsing", "Training", "Distributed", "Datasets", "Environments", "Losses", "Model",
                "Layers", "TensorCore", "BinaryFormat",
            ]),
        .executableTarget(
            name: "mtrl-bench",
            dependencies: [
                "OptionParsing", "Training", "Distributed", "Datasets", "Environments", "Losses", "Model",
                "Layers", "TensorCore",
            ],
            path: "Benchmarks", exclude: ["README.md", "scaling.sh", "run.sh"], swiftSettings: fastMath),

        // MARK: - Tests
        .executableTarget(name: "mpi-probe", dependencies: ["Distributed"], path: "Tests/MPIProbe"),
        .target(name: "TestSupport", dependencies: ["TensorCore", "Distributed"], path: "Sources/TestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "Losses", "Layers", "TensorCore", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "BinaryFormatTests", dependencies: ["BinaryFormat", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Environments", "TestSupport"]),
        .testTarget(name: "DistributedTests", dependencies: ["Distributed", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Datasets", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["OptionParsing", "TestSupport"]),
        .testTarget(name: "ClusterTests", dependencies: ["TestSupport"]),
    ]
)
