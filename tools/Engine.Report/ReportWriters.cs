using System.Globalization;
using System.Net;
using System.Text;

namespace Engine.Report;

/// <summary>Writes the report's tables as Markdown (bars as text) and as one self-contained HTML page (bars and the
/// monthly line as inline SVG: no scripts, no external files).</summary>
public static class ReportWriters
{
    public static string Markdown(PeriodReport report)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# 诉讼服务工作报告 Litigation service report\n\n{report.Scope.Title} (statistics as of event {report.AsOfSequence})\n");
        foreach (var table in ReportDocument.Tables(report))
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## {table.Title}\n\n");
            md.Append("| ").Append(string.Join(" | ", table.Headers.Select(Cell))).Append(" |\n");
            md.Append('|').Append(string.Concat(table.Headers.Select(_ => " --- |"))).Append('\n');
            foreach (var row in table.Rows)
            {
                md.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
            }

            if (table.Bars is { Count: > 0 } bars && !table.Line)
            {
                md.Append("\n```\n");
                var width = bars.Max(b => b.Label.Length);
                var max = Math.Max(bars.Max(b => b.Value), double.Epsilon);
                foreach (var (label, value) in bars)
                {
                    md.Append(CultureInfo.InvariantCulture, $"{label.PadRight(width)} {new string('█', (int)Math.Round(40 * value / max))} {value:0.0%}\n");
                }

                md.Append("```\n");
            }
        }

        return md.ToString();
    }

    public static string Html(PeriodReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>诉讼服务工作报告</title><style>")
            .Append("body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:2em auto;max-width:980px;color:#222}")
            .Append("table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}")
            .Append("td:first-child,th:first-child{text-align:left}svg{display:block;margin:.5em 0 1.5em}h2{margin-top:1.6em}")
            .Append("</style></head><body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>诉讼服务工作报告 Litigation service report</h1><p>{Escape(report.Scope.Title)} (statistics as of event {report.AsOfSequence})</p>\n");
        foreach (var table in ReportDocument.Tables(report))
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{Escape(table.Title)}</h2>\n");
            if (table.Bars is { Count: > 0 } bars)
            {
                html.Append(table.Line ? LineChart(bars) : BarChart(bars));
            }

            html.Append("<table><tr>").Append(string.Concat(table.Headers.Select(h => $"<th>{Escape(h)}</th>"))).Append("</tr>\n");
            foreach (var row in table.Rows)
            {
                html.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{Escape(c)}</td>"))).Append("</tr>\n");
            }

            html.Append("</table>\n");
        }

        return html.Append("</body></html>\n").ToString();
    }

    private static string BarChart(IReadOnlyList<(string Label, double Value)> bars)
    {
        const int row = 22, labelWidth = 220, barWidth = 560;
        var max = Math.Max(bars.Max(b => b.Value), double.Epsilon);
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg class=\"bars\" width=\"{labelWidth + barWidth + 80}\" height=\"{(bars.Count * row) + 4}\" role=\"img\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var y = i * row;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 15}\" font-size=\"12\">{Escape(label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{barWidth * value / max:0.#}\" height=\"{row - 6}\" fill=\"#3b7dd8\"><title>{Escape(label)}: {value:0.00%}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + (barWidth * value / max) + 6:0.#}\" y=\"{y + 15}\" font-size=\"12\">{value:0.0%}</text>");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static string LineChart(IReadOnlyList<(string Label, double Value)> points)
    {
        const int width = 860, height = 220, left = 50, bottom = 30;
        var max = Math.Max(points.Max(p => p.Value), 1);
        var step = points.Count > 1 ? (width - left - 20) / (double)(points.Count - 1) : 0;
        string X(int i) => (left + (i * step)).ToString("0.#", CultureInfo.InvariantCulture);
        string Y(double v) => (height - bottom - ((height - bottom - 10) * v / max)).ToString("0.#", CultureInfo.InvariantCulture);
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg class=\"line\" width=\"{width}\" height=\"{height}\" role=\"img\">");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width}\" y2=\"{height - bottom}\" stroke=\"#999\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{Y(max)}\" font-size=\"11\">{max:N0}</text>");
        svg.Append("<polyline fill=\"none\" stroke=\"#3b7dd8\" stroke-width=\"2\" points=\"")
            .Append(string.Join(' ', points.Select((p, i) => $"{X(i)},{Y(p.Value)}"))).Append("\"/>");
        for (var i = 0; i < points.Count; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(i)}\" cy=\"{Y(points[i].Value)}\" r=\"3\" fill=\"#3b7dd8\"><title>{Escape(points[i].Label)}: {points[i].Value:N0}</title></circle>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(i)}\" y=\"{height - 10}\" font-size=\"10\" text-anchor=\"middle\">{Escape(points[i].Label[^2..])}</text>");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
