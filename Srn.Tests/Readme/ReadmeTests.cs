using MyResearch;
using Srn.Data;
using Srn.Tests.TestSupport;

namespace Srn.Tests.Readme;

/// <summary>The README's C# tour is the compiled <c>Tour</c> class, and it runs.</summary>
[TestFixture]
public sealed class ReadmeTests
{
    [Test]
    public void ReadmeShowsTheCompiledTourVerbatim()
    {
        var readme = Normalize(File.ReadAllText(Path.Combine(Repository.Root(), "README.md")));
        var source = File.ReadAllText(Path.Combine(Repository.Root(), "Srn.Tests", "Readme", "ReadmeExample.cs"));
        var start = source.IndexOf("#region readme", StringComparison.Ordinal);
        var end = source.IndexOf("#endregion", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThan(0).And.LessThan(end));
        var region = Normalize(source[(source.IndexOf('\n', start) + 1)..end]).Trim();
        Assert.That(readme, Does.Contain("```csharp\n" + region + "\n```"), "README.md must show Srn.Tests/Readme/ReadmeExample.cs's readme region verbatim");
    }

    [Test]
    public void TourTrainsAndEvaluates()
    {
        var dir = Path.Combine(Path.GetTempPath(), "srn-tour-" + Guid.NewGuid().ToString("N"));
        try
        {
            var map = Tour.TrainDsrb(dir, new FashionScenesOptions { Seed = 3, TrainScenes = 48, TestScenes = 24, CanvasSize = 56 }, epochs: 1);
            Assert.That(map, Is.GreaterThan(0).And.LessThanOrEqualTo(100));
            Assert.That(File.Exists(Path.Combine(dir, "fashion_scenes.train.csv")), Is.True);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
