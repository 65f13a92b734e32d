import Model
import Testing

@Suite struct ModelConfigTests {
    /// Spec §3 table (online network only).
    @Test(arguments: [(64, 4, 70, 51, 116_842), (512, 8, 70, 51, 6_207_690), (768, 8, 70, 51, 13_833_354),
                      (64, 4, 70, 1, 100_592), (64, 4, 76, 51, 117_232)])
    func parameterCountMatchesSpecTable(_ e: Int, _ h: Int, _ d: Int, _ k: Int, _ expected: Int) {
        let config = ModelConfig(embedding: e, heads: h, blocks: 1, inputSize: d, actionCount: 5, qBins: k)
        #expect(SableLayout(config: config).arena.parameterCount == expected)
        #expect(config.formulaParameterCount == expected)
    }

    @Test(arguments: [(16, 2, 2, true, false), (12, 2, 3, false, false), (32, 4, 1, true, false), (16, 2, 1, false, true),
                      (8, 1, 2, true, true)])
    func layoutCountEqualsFormula(_ e: Int, _ h: Int, _ blocks: Int, _ hasQ: Bool, _ hasValue: Bool) {
        let config = ModelConfig(embedding: e, heads: h, blocks: blocks, inputSize: 9, actionCount: 5, qBins: 3, hasQHead: hasQ,
                                 hasValueHead: hasValue)
        #expect(SableLayout(config: config).arena.parameterCount == config.formulaParameterCount)
    }

    /// Spec §2.2 values.
    @Test func decayRatesMatchSpec() {
        let four = ModelConfig(embedding: 64, heads: 4, blocks: 1, inputSize: 4, actionCount: 5).decayRates
        for (ours, spec) in zip(four, [0.484375, 0.493799, 0.497539, 0.499023]) { #expect(abs(Double(ours) - spec) < 1e-6) }
        let one = ModelConfig(embedding: 64, heads: 1, blocks: 1, inputSize: 4, actionCount: 5).decayRates
        #expect(one == [0.484375])
    }

    @Test func invalidHeadsAreRejected() {
        let bad = ModelConfig(embedding: 16, heads: 3, blocks: 1, inputSize: 4, actionCount: 5)
        #expect(throws: ModelConfigError.self) { try bad.validate() }
        let groupNorm = ModelConfig(embedding: 24, heads: 4, blocks: 1, inputSize: 4, actionCount: 5)
        #expect(throws: ModelConfigError.self) { try groupNorm.validate() }
    }
}
