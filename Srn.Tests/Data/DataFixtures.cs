using Srn.Data;

namespace Srn.Tests.Data;

/// <summary>Paths of the dataset fixtures (Fixtures/Data, written by make_data_fixtures.py) and temporary copies of them.</summary>
internal static class DataFixtures
{
    private static readonly Lazy<FashionMnist> FashionMnistData = new(() => FashionMnist.Load());

    /// <summary>Fashion-MNIST from Debian's package, loaded once for all tests.</summary>
    public static FashionMnist FashionMnist => FashionMnistData.Value;

    /// <summary>The fixture directory of a dataset, in the test output.</summary>
    public static string Path(string name) => System.IO.Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "Data", name);

    /// <summary>Copies a dataset fixture into <paramref name="dir"/> (to change it) and returns the copy's root.</summary>
    public static string CopyTo(string name, string dir)
    {
        var source = Path(name);
        var target = System.IO.Path.Combine(dir, name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var dest = System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }

        return target;
    }

    /// <summary>The labels of a manifest row as a plain array.</summary>
    public static sbyte[] Labels(this Manifest m, string image) => [.. m.Rows.Single(r => r.Image == image).Labels];

    /// <summary>A label vector with 1 at the given classes and -1 elsewhere.</summary>
    public static sbyte[] Positives(int classes, params int[] positive)
    {
        var v = Enumerable.Repeat((sbyte)-1, classes).ToArray();
        foreach (var c in positive)
        {
            v[c] = 1;
        }

        return v;
    }
}
