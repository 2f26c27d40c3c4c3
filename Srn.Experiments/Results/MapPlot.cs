using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Srn.Experiments.Results;

/// <summary>
/// An SVG plot of mAP against the known-label proportion for one dataset: one polyline per method through its
/// per-proportion mean mAP over seeds, with error bars of the 95% confidence interval of the mean (Student t; none where a
/// proportion has a single seed), axes with ticks and labels, a legend and a caption saying what the bars are. The output
/// depends only on the summary rows (fixed layout, palette and number format), so the same results give the same bytes.
/// </summary>
/// <remarks>
/// Layout: the plot area is <see cref="PlotWidth"/> x <see cref="PlotHeight"/> pixels with its top-left corner at
/// (<see cref="Left"/>, <see cref="Top"/>). The x axis spans proportions 0 to 1; the y axis spans <see cref="NiceAxis"/> of
/// every mean +- half-width drawn. A point (p, m) sits at x = Left + p * PlotWidth, y = Top + (hi - m) / (hi - lo) * PlotHeight.
/// </remarks>
internal static class MapPlot
{
    /// <summary>Left edge of the plot area (pixels).</summary>
    public const double Left = 70;

    /// <summary>Top edge of the plot area.</summary>
    public const double Top = 50;

    /// <summary>Width of the plot area.</summary>
    public const double PlotWidth = 480;

    /// <summary>Height of the plot area.</summary>
    public const double PlotHeight = 360;

    /// <summary>The caption under the plot.</summary>
    public const string Caption = "Error bars: 95% confidence interval of the mean over seeds (Student t); none where there is a single seed.";

    private const double Width = 760;
    private const double Height = 500;

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // matplotlib's tab10, cycled.
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>The plot's file name for a dataset: <c>map_&lt;dataset&gt;.svg</c>, characters other than letters, digits, '.', '-' and '_' replaced by '_'.</summary>
    /// <param name="dataset">Dataset name.</param>
    /// <returns>The file name.</returns>
    public static string FileName(string dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return "map_" + new string(dataset.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()) + ".svg";
    }

    /// <summary>
    /// A y range with round ends: step = 1, 2 or 5 times a power of ten, the smallest at least (max - min) / 5; lo and hi are
    /// min and max rounded down and up to a multiple of it. An empty range is widened by 1 on each side first.
    /// </summary>
    /// <param name="min">Smallest value drawn.</param>
    /// <param name="max">Largest value drawn.</param>
    /// <returns>The axis ends and the tick step.</returns>
    public static (double Lo, double Hi, double Step) NiceAxis(double min, double max)
    {
        if (!(max > min))
        {
            (min, max) = (min - 1, max + 1);
        }

        var raw = (max - min) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var norm = raw / magnitude;
        var step = (norm <= 1 + 1e-9 ? 1 : norm <= 2 + 1e-9 ? 2 : norm <= 5 + 1e-9 ? 5 : 10) * magnitude;
        return (Math.Floor((min / step) + 1e-9) * step, Math.Ceiling((max / step) - 1e-9) * step, step);
    }

    /// <summary>Renders the plot of one dataset.</summary>
    /// <param name="summary">Summary rows (any datasets; only <paramref name="dataset"/>'s proportion rows are drawn, methods in row order).</param>
    /// <param name="dataset">The dataset.</param>
    /// <returns>The SVG document (UTF-8 XML, '\n' line ends).</returns>
    public static string Render(IEnumerable<SummaryRow> summary, string dataset)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var rows = summary.Where(r => r.Dataset == dataset && r.Proportion is not null && !double.IsNaN(r.Map.Mean)).ToArray();
        var methods = rows.Select(r => r.Method).Distinct().ToArray();
        var (lo, hi, step) = rows.Length == 0
            ? (0, 100, 10)
            : NiceAxis(rows.Min(r => r.Map.Mean - HalfWidth(r)), rows.Max(r => r.Map.Mean + HalfWidth(r)));
        double X(double p) => Left + (p * PlotWidth);
        double Y(double m) => Top + ((hi - m) / (hi - lo) * PlotHeight);

        var root = new XElement(Svg + "svg",
            new XAttribute("width", N(Width)), new XAttribute("height", N(Height)), new XAttribute("viewBox", $"0 0 {N(Width)} {N(Height)}"),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", "12"),
            new XElement(Svg + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "white")),
            Text(Left + (PlotWidth / 2), Top - 20, $"mAP vs known-label proportion: {dataset}", "middle", ("font-size", "15"), ("font-weight", "bold")));

        // Grid, ticks and tick labels.
        var axes = new XElement(Svg + "g", new XAttribute("class", "axes"), new XAttribute("stroke", "black"));
        for (var i = 0; i <= 10; i++)
        {
            var x = X(i / 10.0);
            axes.Add(Line(x, Top + PlotHeight, x, Top + PlotHeight + 5, "tick"));
            root.Add(Line(x, Top, x, Top + PlotHeight, "grid", ("stroke", "#e0e0e0")));
            root.Add(Text(x, Top + PlotHeight + 20, string.Create(CultureInfo.InvariantCulture, $"{i * 10}%"), "middle"));
        }

        var ticks = (int)Math.Round((hi - lo) / step);
        var decimals = step >= 1 ? 0 : (int)Math.Ceiling(-Math.Log10(step) - 1e-9);
        for (var i = 0; i <= ticks; i++)
        {
            var v = lo + (i * step);
            axes.Add(Line(Left - 5, Y(v), Left, Y(v), "tick"));
            root.Add(Line(Left, Y(v), Left + PlotWidth, Y(v), "grid", ("stroke", "#e0e0e0")));
            root.Add(Text(Left - 8, Y(v) + 4, v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), "end"));
        }

        axes.Add(Line(Left, Top + PlotHeight, Left + PlotWidth, Top + PlotHeight, "x-axis"));
        axes.Add(Line(Left, Top, Left, Top + PlotHeight, "y-axis"));
        root.Add(axes);
        root.Add(Text(Left + (PlotWidth / 2), Top + PlotHeight + 42, "known-label proportion", "middle"));
        root.Add(new XElement(Svg + "text", new XAttribute("x", N(18)), new XAttribute("y", N(Top + (PlotHeight / 2))),
            new XAttribute("text-anchor", "middle"), new XAttribute("transform", $"rotate(-90 18 {N(Top + (PlotHeight / 2))})"), "mAP (%)"));

        for (var m = 0; m < methods.Length; m++)
        {
            var color = Palette[m % Palette.Length];
            var points = rows.Where(r => r.Method == methods[m]).OrderBy(r => r.Proportion).ToArray();
            var series = new XElement(Svg + "g", new XAttribute("class", "method"), new XAttribute("data-method", methods[m]));
            series.Add(new XElement(Svg + "polyline", new XAttribute("class", "series"), new XAttribute("data-method", methods[m]),
                new XAttribute("fill", "none"), new XAttribute("stroke", color), new XAttribute("stroke-width", "2"),
                new XAttribute("points", string.Join(' ', points.Select(r => $"{N(X(r.Proportion!.Value))},{N(Y(r.Map.Mean))}")))));
            foreach (var r in points)
            {
                var (x, y) = (X(r.Proportion!.Value), Y(r.Map.Mean));
                var h = HalfWidth(r);
                if (h > 0)
                {
                    var bar = new XElement(Svg + "g", new XAttribute("class", "error-bar"), new XAttribute("stroke", color));
                    bar.Add(Line(x, Y(r.Map.Mean + h), x, Y(r.Map.Mean - h), null));
                    bar.Add(Line(x - 4, Y(r.Map.Mean + h), x + 4, Y(r.Map.Mean + h), null));
                    bar.Add(Line(x - 4, Y(r.Map.Mean - h), x + 4, Y(r.Map.Mean - h), null));
                    series.Add(bar);
                }

                series.Add(new XElement(Svg + "circle", new XAttribute("class", "marker"), new XAttribute("cx", N(x)), new XAttribute("cy", N(y)),
                    new XAttribute("r", "3"), new XAttribute("fill", color)));
            }

            root.Add(series);

            var ly = Top + 10 + (m * 20);
            var lx = Left + PlotWidth + 20;
            root.Add(new XElement(Svg + "g", new XAttribute("class", "legend"),
                Line(lx, ly, lx + 24, ly, null, ("stroke", color), ("stroke-width", "2")),
                new XElement(Svg + "circle", new XAttribute("cx", N(lx + 12)), new XAttribute("cy", N(ly)), new XAttribute("r", "3"), new XAttribute("fill", color)),
                Text(lx + 30, ly + 4, methods[m], "start")));
        }

        root.Add(Text(Left + PlotWidth + 20, Top + 10 + (methods.Length * 20) + 10, "bars: 95% CI", "start", ("fill", "#555555")));
        root.Add(Text(Width / 2, Height - 14, Caption, "middle", ("class", "caption"), ("fill", "#555555")));
        return Serialize(new XDocument(new XDeclaration("1.0", "utf-8", null), root));
    }

    private static double HalfWidth(SummaryRow r) => double.IsNaN(r.Map.Ci95) ? 0 : r.Map.Ci95;

    private static XElement Line(double x1, double y1, double x2, double y2, string? cssClass, params (string Name, string Value)[] attributes)
    {
        var line = new XElement(Svg + "line", new XAttribute("x1", N(x1)), new XAttribute("y1", N(y1)), new XAttribute("x2", N(x2)), new XAttribute("y2", N(y2)));
        if (cssClass is not null)
        {
            line.Add(new XAttribute("class", cssClass));
        }

        foreach (var (name, value) in attributes)
        {
            line.Add(new XAttribute(name, value));
        }

        return line;
    }

    private static XElement Text(double x, double y, string content, string anchor, params (string Name, string Value)[] attributes)
    {
        var text = new XElement(Svg + "text", new XAttribute("x", N(x)), new XAttribute("y", N(y)), new XAttribute("text-anchor", anchor), content);
        foreach (var (name, value) in attributes)
        {
            text.Add(new XAttribute(name, value));
        }

        return text;
    }

    /// <summary>A coordinate: at most 2 decimals, invariant culture.</summary>
    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Serialize(XDocument document)
    {
        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  ", NewLineChars = "\n" };
        using (var writer = XmlWriter.Create(stream, settings))
        {
            document.Save(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
