namespace Srn.Tests.TestSupport;

/// <summary>The source tree the tests run from, for tests that read repository files (README, docs, data-manifests).</summary>
internal static class Repository
{
    /// <summary>The directory holding Srn.sln above the test assembly.</summary>
    /// <returns>Its full path.</returns>
    /// <exception cref="DirectoryNotFoundException">When the tests do not run from a source tree.</exception>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Srn.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Srn.sln above {AppContext.BaseDirectory}");
    }
}
