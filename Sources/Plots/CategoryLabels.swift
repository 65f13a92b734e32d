import Foundation

/// The category names under a bar chart: horizontal (wrapped onto up to three lines) when every
/// name fits its group, otherwise turned 40° and wrapped at 22 characters, so long task names
/// stay readable instead of running into each other.
struct CategoryLabels {
    static let style = ChartLayout.tickStyle
    static let angle = 40.0 * Double.pi / 180
    static let rotatedLineLength = 22

    let lines: [[String]]
    let isRotated: Bool

    init(_ labels: [String], groupWidth: Double) {
        let fitting = Self.style.characters(fitting: groupWidth - 6)
        let horizontal = labels.map { wrapped($0, maxCharacters: fitting) }
        let fits = horizontal.allSatisfy { lines in
            lines.count <= 3 && lines.allSatisfy { $0.trimmingTrailingSpace.count <= fitting }
        }
        isRotated = !fits
        lines = fits ? horizontal : labels.map { wrapped($0, maxCharacters: Self.rotatedLineLength) }
    }

    /// Height of the band the labels take under the plot.
    var height: Double {
        let lineHeight = Self.style.lineHeight
        let mostLines = Double(lines.map(\.count).max() ?? 0)
        guard isRotated else { return mostLines * lineHeight + 8 }
        let widest = lines.map(textWidth).max() ?? 0
        return sin(Self.angle) * widest + cos(Self.angle) * mostLines * lineHeight + 10
    }

    /// How far label `index` reaches left of its anchor (only turned labels reach past their group).
    func leftReach(_ index: Int) -> Double {
        guard isRotated else { return 0 }
        return cos(Self.angle) * textWidth(lines[index]) + sin(Self.angle) * Double(lines[index].count)
            * Self.style.lineHeight / 2
    }

    /// Draws label `index` under the point `x` of the axis line at `top`.
    func draw(_ index: Int, on canvas: inout SVGCanvas, x: Double, top: Double) {
        if isRotated {
            canvas.text(
                lines[index], x: x, y: top + 8, style: TextStyle(fontSize: Self.style.fontSize, anchor: .end),
                className: "category-label", rotation: -40, centredVertically: true)
        } else {
            canvas.text(
                lines[index], x: x, y: top + 4 + Self.style.fontSize, style: Self.style, className: "category-label")
        }
    }

    private func textWidth(_ lines: [String]) -> Double {
        Self.style.width(ofCharacters: lines.map { $0.trimmingTrailingSpace.count }.max() ?? 0)
    }
}
