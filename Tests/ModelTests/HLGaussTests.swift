import Losses
import Testing

@Suite struct HLGaussTests {
    let gauss = HLGauss(valueMin: 0, valueMax: 4, binCount: 4)

    /// Spec §5 worked example.
    @Test func workedExample() {
        let p = gauss.histogram(1.3)
        for (ours, spec) in zip(p, [0.3162, 0.5010, 0.1707, 0.0120] as [Float]) { #expect(abs(ours - spec) < 6e-5) }
        let readout = zip(p, gauss.centers).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        #expect(abs(readout - 1.3786) < 2e-4)
        let clipped = gauss.histogram(5.0)
        for (ours, spec) in zip(clipped, [0.0001, 0.0076, 0.1748, 0.8176] as [Float]) { #expect(abs(ours - spec) < 6e-5) }
        #expect(clipped == gauss.histogram(4.0))
    }

    @Test(arguments: [-3.0, 0.0, 0.7, 2.5, 3.99, 9.0])
    func histogramSumsToOneAndMeanStaysInSupport(_ y: Double) {
        let wide = HLGauss(valueMin: -1, valueMax: 3, binCount: 51)
        let p = wide.histogram(y)
        #expect(abs(p.reduce(0, +) - 1) < 1e-5)
        #expect(p.allSatisfy { $0 >= 0 })
        let mean = zip(p, wide.centers).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        #expect(mean >= -1 && mean <= 3)
        if y > -0.5 && y < 2.5 { #expect(abs(Double(mean) - y) < 0.02) }
    }
}
