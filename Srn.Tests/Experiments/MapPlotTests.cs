using System.Xml.Linq;
using Srn.Experiments.Results;

namespace Srn.Tests.Experiments;

/// <summary>The SVG plot: well-formed, one polyline per method, points and error bars where the documented layout puts them.</summary>
[TestFixture]
public sealed class MapPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static SummaryRow Point(string method, double? proportion, double mean, double ci95, string dataset = "ds") =>
        new(dataset, method, proportion, [0], new SeedStats(mean, double.NaN, ci95), default, default, null, 0, double.NaN, double.NaN);

    // a: 50 at 0.2 and 70 at 0.6 (no bars); b: 60 +- 5 at 0.4. The y axis is then 50..70 in steps of 5.
    private static readonly SummaryRow[] Tiny =
    [
        Point("a", 0.6, 70, double.NaN), Point("a", 0.2, 50, double.NaN), Point("a", null, 60, double.NaN),
        Point("b", 0.4, 60, 5), Point("b", null, 60, 5),
        Point("other dataset", 0.5, 10, double.NaN, dataset: "elsewhere"),
    ];

    [Test]
    public void Points_and_error_bars_sit_at_the_documented_coordinates()
    {
        var svg = XDocument.Parse(MapPlot.Render(Tiny, "ds"));
        var lines = svg.Descendants(Svg + "polyline").Where(e => (string?)e.Attribute("class") == "series").ToArray();
        Assert.That(lines.Select(e => (string?)e.Attribute("data-method")), Is.EqualTo(new[] { "a", "b" }), "one polyline per method, avg rows and other datasets left out");
        // x = 70 + p * 480; y = 50 + (70 - m) / (70 - 50) * 360.
        Assert.That((string?)lines[0].Attribute("points"), Is.EqualTo("166,410 358,50"));
        Assert.That((string?)lines[1].Attribute("points"), Is.EqualTo("262,230"));

        var bars = svg.Descendants(Svg + "g").Where(e => (string?)e.Attribute("class") == "error-bar").ToArray();
        Assert.That(bars, Has.Length.EqualTo(1), "a has one seed per point: no bars");
        var stem = bars[0].Elements(Svg + "line").First();
        Assert.That(new[] { "x1", "y1", "x2", "y2" }.Select(a => (string?)stem.Attribute(a)), Is.EqualTo(new[] { "262", "140", "262", "320" }));

        var markers = svg.Descendants(Svg + "circle").Where(e => (string?)e.Attribute("class") == "marker").Select(e => ((string?)e.Attribute("cx"), (string?)e.Attribute("cy")));
        Assert.That(markers, Is.EqualTo(new[] { ("166", "410"), ("358", "50"), ("262", "230") }));
    }

    [Test]
    public void The_plot_has_axes_ticks_labels_a_legend_and_says_what_the_bars_are()
    {
        var text = MapPlot.Render(Tiny, "ds");
        var svg = XDocument.Parse(text);
        var labels = svg.Descendants(Svg + "text").Select(e => e.Value).ToArray();
        Assert.That(labels, Does.Contain("known-label proportion").And.Contain("mAP (%)").And.Contain("10%").And.Contain("100%"));
        Assert.That(labels, Does.Contain("50").And.Contain("55").And.Contain("70"), "y ticks every 5");
        Assert.That(labels, Does.Contain(MapPlot.Caption));
        Assert.That(MapPlot.Caption, Does.Contain("95% confidence interval"));
        var legend = svg.Descendants(Svg + "g").Where(e => (string?)e.Attribute("class") == "legend").Select(e => e.Value);
        Assert.That(legend, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(text, Does.StartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<svg"));
        Assert.That(text, Does.Not.Contain("\r"));
    }

    [Test]
    public void Output_is_deterministic_and_method_names_are_escaped()
    {
        SummaryRow[] rows = [Point("a<&>\"b", 0.3, 40, 1), Point("c", 0.3, 45, 2)];
        var first = MapPlot.Render(rows, "ds");
        Assert.That(MapPlot.Render(rows.Reverse().Reverse(), "ds"), Is.EqualTo(first));
        var svg = XDocument.Parse(first);
        Assert.That(svg.Descendants(Svg + "polyline").Select(e => (string?)e.Attribute("data-method")), Is.EqualTo(new[] { "a<&>\"b", "c" }));
    }

    [Test]
    public void A_dataset_without_rows_still_renders_axes()
    {
        var svg = XDocument.Parse(MapPlot.Render([], "ds"));
        Assert.That(svg.Descendants(Svg + "polyline"), Is.Empty);
        Assert.That(svg.Descendants(Svg + "text").Select(e => e.Value), Does.Contain("100"));
    }

    [TestCase(50, 70, 50, 70, 5)]
    [TestCase(41.3, 47.9, 40, 48, 2)]
    [TestCase(0.12, 0.18, 0.12, 0.18, 0.02)]
    [TestCase(5, 5, 4, 6, 0.5)]
    [TestCase(3, 97, 0, 100, 20)]
    public void Axis_ends_are_round(double min, double max, double lo, double hi, double step)
    {
        var axis = MapPlot.NiceAxis(min, max);
        Assert.That(axis.Lo, Is.EqualTo(lo).Within(1e-12));
        Assert.That(axis.Hi, Is.EqualTo(hi).Within(1e-12));
        Assert.That(axis.Step, Is.EqualTo(step).Within(1e-12));
    }

    [Test]
    public void File_names_are_safe()
    {
        Assert.That(MapPlot.FileName("fashion-scenes"), Is.EqualTo("map_fashion-scenes.svg"));
        Assert.That(MapPlot.FileName("coco/2014 val"), Is.EqualTo("map_coco_2014_val.svg"));
    }
}
