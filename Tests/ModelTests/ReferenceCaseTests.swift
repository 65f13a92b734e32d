import Foundation
import ReferenceCases
import Testing

@Suite struct ReferenceCaseTests {
    static let cases = [
        "case1_e16h2b2_n3t5b4", "case2_e32h4b1_n2t4b3", "case3_e8h1b1_n4t3b2",
        "mt1_e12h2b2_n2-3_t4_b2-3", "mt2_e16h2b1_n2-3-4_t3_b3-2-2",
    ]

    @Test(arguments: cases)
    func goldenCaseMatches(_ name: String) throws {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        let report = try ReferenceCheck.run(url: url)
        let failures = report.failures.prefix(8).joined(separator: "\n")
        #expect(report.passed, "\(failures)")
        // Single-task cases carry acting-form (recurrent) outputs; they must have been compared.
        #expect(report.maxErrors["recurrent/logits"] != nil || name.hasPrefix("mt"))
        #expect(report.maxErrors["grads/encoder/obs_encoder/layers_1/kernel"] != nil)
    }

    @Test(arguments: ["mt1_e12h2b2_n2-3_t4_b2-3", "mt2_e16h2b1_n2-3-4_t3_b3-2-2"], ReferenceDiagnostic.allCases)
    func diagnosticVariantMatches(_ name: String, _ variant: ReferenceDiagnostic) throws {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        let report = try ReferenceCheck.runDiagnostic(url: url, variant: variant)
        let failures = report.failures.prefix(8).joined(separator: "\n")
        #expect(report.passed, "\(failures)")
    }
}
