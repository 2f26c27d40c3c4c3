using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;

namespace Srn.Tests.Packaging;

/// <summary>
/// The NuGet packages as a user meets them: packs Srn.Torch, Srn.Core and Srn.PartialLabels into a temporary folder,
/// then builds a fresh console project outside the repository (so the repository's Directory.Build.props does not apply)
/// that references Srn.PartialLabels from that folder, and runs a ResNet forward pass with the native library that came
/// in the package. Everything (build outputs, restored packages, NuGet and MSBuild temporary files) stays in the temporary
/// folder; the solution's obj/ and bin/ are not touched. Takes a minute or two.
/// </summary>
[TestFixture]
[Category("Packaging")]
[NonParallelizable]
public sealed class PackageTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);
    private static readonly string[] Projects = ["Srn.PartialLabels", "Srn.Core", "Srn.Torch"];

    private const string ConsumerProgram = """
        using Srn.Models;
        using Srn.Torch;

        using var model = ModelRegistry.Create("resnet-small", numClasses: 10);
        model.Eval();
        using var scope = DisposeScope.Enter();
        var output = model.Forward(Tensor.Randn([2, 3, 112, 112]));
        Console.WriteLine($"output shape: [{string.Join(", ", output.Shape)}]");
        // Which file the loader chose: the mapping of the loaded shim.
        var loaded = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[^1].EndsWith("libsrn_native.so", StringComparison.Ordinal)).Select(f => f[^1]).FirstOrDefault();
        Console.WriteLine($"native library: {loaded}");
        """;

    [Test]
    public void A_console_project_outside_the_repository_references_the_packages_and_runs_a_forward_pass()
    {
        var repo = FindRepositoryRoot() ?? throw new IgnoreException("not run from a source tree (no Srn.sln above the test assembly)");
        var native = Path.Combine(AppContext.BaseDirectory, "libsrn_native.so");
        Assert.That(File.Exists(native), Is.True, $"the native library the tests use is missing: {native}");
        var started = DateTime.UtcNow;
        var temp = Directory.CreateTempSubdirectory("srn-pack-").FullName;
        Assert.That(IsUnder(temp, repo), Is.False, $"the temporary folder {temp} must be outside the repository {repo}, or its Directory.Build.props would apply");
        try
        {
            // A version no cache can hold already, so restore must take the packages just made.
            var version = $"0.0.0-packtest-{Guid.NewGuid():N}";
            var feed = Path.Combine(temp, "feed");
            var env = Environment(temp);
            string[] common = ["-c", "Release", "--artifacts-path", Path.Combine(temp, "artifacts"), "-o", feed, $"-p:Version={version}",
                "-p:SkipNativeBuild=true", $"-p:NativeLibrary={native}", "--disable-build-servers", "-nodeReuse:false", "-nologo"];
            // The first pack builds all three (project references); the others pack what it built.
            Dotnet(env, temp, ["pack", Path.Combine(repo, Projects[0], Projects[0] + ".csproj"), .. common]);
            foreach (var project in Projects.Skip(1))
            {
                Dotnet(env, temp, ["pack", Path.Combine(repo, project, project + ".csproj"), "--no-build", .. common]);
            }

            CheckPackages(feed, version);

            var consumer = Path.Combine(temp, "consumer");
            Directory.CreateDirectory(consumer);
            File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Srn.PartialLabels" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(consumer, "Program.cs"), ConsumerProgram);
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), NuGetConfig(feed, Path.Combine(temp, "packages")));
            env["NUGET_PACKAGES"] = Path.Combine(temp, "packages");
            Dotnet(env, consumer, ["build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false", "-nologo"]);

            var outDir = Path.Combine(consumer, "bin", "Release", "net10.0");
            Assert.That(File.Exists(Path.Combine(outDir, "runtimes", "linux-x64", "native", "libsrn_native.so")), Is.True,
                "the SDK copies the package's runtimes/linux-x64/native into a RID-less build's output");
            var run = Dotnet(env, consumer, [Path.Combine(outDir, "Consumer.dll")]);
            TestContext.Out.WriteLine(run);
            Assert.That(run, Does.Contain("output shape: [2, 10]"));
            Assert.That(run, Does.Contain("native library: ").And.Contain(Path.Combine("consumer", "bin", "Release", "net10.0", "runtimes", "linux-x64", "native", "libsrn_native.so")),
                "the shim is loaded from the package's copy in the app's output");

            var touched = Projects.SelectMany(p => new[] { Path.Combine(repo, p, "obj"), Path.Combine(repo, p, "bin") })
                .Where(Directory.Exists)
                .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
                .Where(f => File.GetLastWriteTimeUtc(f) >= started)
                .ToArray();
            Assert.That(touched, Is.Empty, "the solution's obj/ and bin/ are left alone");
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>The three packages hold what a user needs: assemblies, XML docs, README, license, and the native shim in Srn.Torch.</summary>
    private static void CheckPackages(string feed, string version)
    {
        foreach (var project in Projects)
        {
            var path = Path.Combine(feed, $"{project}.{version}.nupkg");
            Assert.That(File.Exists(path), Is.True, path);
            using var zip = ZipFile.OpenRead(path);
            var entries = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.That(entries, Does.Contain($"lib/net10.0/{project}.dll").And.Contain($"lib/net10.0/{project}.xml").And.Contain("README.md"), project);
            using var nuspecStream = zip.GetEntry($"{project}.nuspec")!.Open();
            var nuspec = XDocument.Load(nuspecStream);
            var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Field(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
            Assert.That(Field("license"), Is.EqualTo("MIT"), project);
            Assert.That(Field("readme"), Is.EqualTo("README.md"), project);
            Assert.That(metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("type")?.Value, Is.EqualTo("git"), project);
            if (project == "Srn.Torch")
            {
                Assert.That(entries, Does.Contain("runtimes/linux-x64/native/libsrn_native.so"));
            }
        }
    }

    /// <summary>A nuget.config for the consumer: the local feed for Srn.* and the machine's sources for the rest.</summary>
    private static string NuGetConfig(string feed, string packages)
    {
        var home = System.Environment.GetEnvironmentVariable("HOME") ?? "/root";
        var machineConfig = Path.Combine(home, ".nuget", "NuGet", "NuGet.Config");
        var machineSources = File.Exists(machineConfig)
            ? XDocument.Load(machineConfig).Descendants("packageSources").Elements("add").Select(e => (string?)e.Attribute("key")).OfType<string>().ToArray()
            : [];
        // Packages restored before (CsvHelper, ...) are used from the machine's folder without a download.
        var machinePackages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p : Path.Combine(home, ".nuget", "packages");
        var text = new StringBuilder();
        text.AppendLine("<?xml version=\"1.0\" encoding=\"utf-8\"?>").AppendLine("<configuration>");
        text.AppendLine($"  <config><add key=\"globalPackagesFolder\" value=\"{packages}\" /></config>");
        text.AppendLine($"  <packageSources><add key=\"srn-local\" value=\"{feed}\" /></packageSources>");
        text.AppendLine($"  <fallbackPackageFolders><add key=\"machine\" value=\"{machinePackages}\" /></fallbackPackageFolders>");
        text.AppendLine("  <packageSourceMapping>");
        text.AppendLine("    <packageSource key=\"srn-local\"><package pattern=\"Srn.*\" /></packageSource>");
        foreach (var source in machineSources)
        {
            text.AppendLine($"    <packageSource key=\"{source}\"><package pattern=\"*\" /></packageSource>");
        }

        text.AppendLine("  </packageSourceMapping>").AppendLine("</configuration>");
        return text.ToString();
    }

    /// <summary>The environment of the child processes: no explicit shim path, no build servers, caches and temporary files in <paramref name="temp"/>.</summary>
    private static Dictionary<string, string> Environment(string temp)
    {
        var env = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal);
        env.Remove("SRN_NATIVE_LIBRARY");
        // The test host's MSBuild settings belong to the outer build.
        foreach (var key in env.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            env.Remove(key);
        }

        var tmp = Path.Combine(temp, "tmp");
        Directory.CreateDirectory(tmp);
        env["TMPDIR"] = tmp;
        env["NUGET_HTTP_CACHE_PATH"] = Path.Combine(temp, "http-cache");
        env["NUGET_PLUGINS_CACHE_PATH"] = Path.Combine(temp, "plugins-cache");
        env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        env["DOTNET_NOLOGO"] = "1";
        env["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        env["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        env["MSBUILDDISABLENODEREUSE"] = "1";
        env["UseSharedCompilation"] = "false";
        return env;
    }

    /// <summary>Runs the dotnet host; fails the test with the output when it exits non-zero or runs too long.</summary>
    private static string Dotnet(Dictionary<string, string> env, string workingDirectory, string[] args)
    {
        var host = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var start = new ProcessStartInfo(host) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Clear();
        foreach (var (k, v) in env)
        {
            start.Environment[k] = v;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(StepTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', args)} ran longer than {StepTimeout}");
        }

        var output = stdout.Result + stderr.Result;
        Assert.That(process.ExitCode, Is.Zero, $"dotnet {string.Join(' ', args)} failed:{System.Environment.NewLine}{output}");
        return output;
    }

    private static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Srn.sln")) && Directory.Exists(Path.Combine(dir.FullName, "Srn.Torch")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static bool IsUnder(string path, string root) =>
        Path.GetFullPath(path).StartsWith(Path.GetFullPath(root).TrimEnd('/') + "/", StringComparison.Ordinal);
}
