using Spectre.Console;
using Srn.Experiments.Results;

namespace Srn.Tests.Experiments;

/// <summary>The printed summary: methods by proportions with mean ± std, plus avg.</summary>
[TestFixture]
public sealed class SummaryTableTests
{
    [Test]
    public void Methods_by_proportions_with_mean_and_std_and_an_avg_column()
    {
        ResultRow[] rows =
        [
            ResultRows.Make("partial-bce", 0.1, 0, 40), ResultRows.Make("partial-bce", 0.1, 1, 42),
            ResultRows.Make("partial-bce", 0.5, 0, 50), ResultRows.Make("partial-bce", 0.5, 1, 54),
            ResultRows.Make("dsrb", 0.1, 0, 43.456),
        ];
        var summary = Summary.Compute(rows, "partial-bce");
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        SummaryTable.Write(console, summary);
        var text = writer.ToString();
        Assert.That(text, Does.Contain("fashion-scenes").And.Contain("mean ± std"));
        var lines = text.Split('\n');
        var header = lines.Single(l => l.Contains("method", StringComparison.Ordinal));
        Assert.That(header, Does.Match(@"method\s+│\s+0\.1\s+│\s+0\.5\s+│\s+avg"));
        Assert.That(lines.Single(l => l.Contains("partial-bce (baseline)", StringComparison.Ordinal)), Does.Match(@"41\.00 ± 1\.41\s+│\s+52\.00 ± 2\.83\s+│\s+46\.50 ± 2\.12"));
        Assert.That(lines.Single(l => l.Contains("dsrb", StringComparison.Ordinal)), Does.Match(@"43\.46\s+│\s+-\s+│\s+43\.46"));
    }
}
