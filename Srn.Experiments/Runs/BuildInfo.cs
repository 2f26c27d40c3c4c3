using System.Reflection;

namespace Srn.Experiments.Runs;

/// <summary>The version and source commit this <c>srn</c> was built from, for the records every run writes.</summary>
internal static class BuildInfo
{
    /// <summary>The informational version, e.g. <c>0.1.0+1a2b3c…</c> (the SDK appends the git commit when built from a clone).</summary>
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The source commit, or <c>unknown</c> when built outside a git clone.</summary>
    public static string Commit { get; } = Version.Contains('+', StringComparison.Ordinal) ? Version[(Version.IndexOf('+', StringComparison.Ordinal) + 1)..] : "unknown";
}
