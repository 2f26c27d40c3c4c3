using Spectre.Console;
using Srn.Experiments.Results;

namespace Srn.Tests.Experiments;

/// <summary>The printed summary: methods by proportions with mean ± std, plus avg; transposed when it would not fit.</summary>
[TestFixture]
public sealed class SummaryTableTests
{
    private static readonly ResultRow[] Rows =
    [
        ResultRows.Make("partial-bce", 0.1, 0, 40), ResultRows.Make("partial-bce", 0.1, 1, 42),
        ResultRows.Make("partial-bce", 0.5, 0, 50), ResultRows.Make("partial-bce", 0.5, 1, 54),
        ResultRows.Make("dsrb", 0.1, 0, 43.456),
    ];

    private static string[] Render(int width)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = width;
        SummaryTable.Write(console, Summary.Compute(Rows, "partial-bce"));
        var text = writer.ToString();
        Assert.That(text, Does.Contain("fashion-scenes").And.Contain("mean ± std"));
        return text.Split('\n');
    }

    [Test]
    public void Methods_are_rows_and_proportions_columns_when_it_fits()
    {
        var lines = Render(120);
        Assert.That(lines.Single(l => l.Contains("method", StringComparison.Ordinal)), Does.Match(@"method\s+│\s+0\.1\s+│\s+0\.5\s+│\s+avg"));
        Assert.That(lines.Single(l => l.Contains("partial-bce (baseline)", StringComparison.Ordinal)), Does.Match(@"41\.00 ± 1\.41\s+│\s+52\.00 ± 2\.83\s+│\s+46\.50 ± 2\.12"));
        Assert.That(lines.Single(l => l.Contains("dsrb", StringComparison.Ordinal)), Does.Match(@"43\.46\s+│\s+-\s+│\s+43\.46"));
    }

    [Test]
    public void A_narrow_console_gets_proportions_as_rows_instead_of_wrapped_cells()
    {
        var lines = Render(60);
        Assert.That(lines.Single(l => l.Contains("proportion", StringComparison.Ordinal)), Does.Match(@"proportion\s+│\s+partial-bce \(baseline\)\s+│\s+dsrb"));
        Assert.That(lines.Single(l => l.Contains("0.5 ", StringComparison.Ordinal)), Does.Match(@"0\.5\s+│\s+52\.00 ± 2\.83\s+│\s+-"));
        Assert.That(lines.Single(l => l.Contains("avg", StringComparison.Ordinal)), Does.Match(@"avg\s+│\s+46\.50 ± 2\.12\s+│\s+43\.46"));
    }
}
