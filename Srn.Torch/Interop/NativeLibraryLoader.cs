using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Srn.Torch.Interop;

/// <summary>
/// Finds and loads libsrn_native for every <see cref="NativeMethods"/> import, checks its ABI version,
/// and, when nothing loads, says every path it tried, why each failed, and what to install.
/// </summary>
internal static class NativeLibraryLoader
{
    /// <summary>The ABI version this assembly was written against (SRN_ABI_VERSION in srn_native.h).</summary>
    public const int ExpectedAbiVersion = 2;

    /// <summary>Environment variable naming an explicit path to libsrn_native.so.</summary>
    public const string PathVariable = "SRN_NATIVE_LIBRARY";

    private const string FileName = "libsrn_native.so";
    private static readonly Lock Gate = new();
    private static IntPtr loaded;

#pragma warning disable CA2255 // A module initializer is the only hook that runs before the first P/Invoke.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);

    /// <summary>The candidate paths, in the order they are tried.</summary>
    internal static IReadOnlyList<string> CandidatePaths()
    {
        var paths = new List<string>();
        var explicitPath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            paths.Add(explicitPath);
        }

        var assemblyDir = Path.GetDirectoryName(typeof(NativeLibraryLoader).Assembly.Location);
        foreach (var dir in new[] { AppContext.BaseDirectory, assemblyDir })
        {
            if (string.IsNullOrEmpty(dir))
            {
                continue;
            }

            paths.Add(Path.Combine(dir, FileName));
            paths.Add(Path.Combine(dir, "runtimes", "linux-x64", "native", FileName));
        }

        return paths.Distinct(StringComparer.Ordinal).ToList();
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NativeMethods.Lib)
        {
            return IntPtr.Zero;
        }

        lock (Gate)
        {
            if (loaded == IntPtr.Zero)
            {
                loaded = LoadAndCheck(assembly, searchPath);
            }

            return loaded;
        }
    }

    private static IntPtr LoadAndCheck(Assembly assembly, DllImportSearchPath? searchPath) =>
        LoadFirst(CandidatePaths(), assembly, searchPath);

    /// <summary>
    /// Loads the first path that holds a shim of the expected ABI version; then, if <paramref name="assembly"/>
    /// is given, tries the platform's default search (LD_LIBRARY_PATH, NuGet's runtimes/ layout via deps.json).
    /// </summary>
    /// <param name="paths">Candidate files, in order.</param>
    /// <param name="assembly">The importing assembly for the default search, or null to skip it.</param>
    /// <param name="searchPath">The import's search flags.</param>
    /// <returns>The library handle.</returns>
    /// <exception cref="DllNotFoundException">When nothing loads: the message lists every path with its reason and what to install.</exception>
    internal static IntPtr LoadFirst(IEnumerable<string> paths, Assembly? assembly, DllImportSearchPath? searchPath)
    {
        var failures = new StringBuilder();
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                failures.Append("  ").Append(path).AppendLine(": no such file");
                continue;
            }

            if (TryLoadChecked(() => NativeLibrary.Load(path), path, failures, out var handle))
            {
                return handle;
            }
        }

        if (assembly is not null)
        {
            if (NativeLibrary.TryLoad(FileName, assembly, searchPath, out var fallback))
            {
                if (TryLoadChecked(() => fallback, FileName, failures, out var handle))
                {
                    return handle;
                }
            }
            else
            {
                failures.Append("  ").Append(FileName).AppendLine(" on the default library search path: not found");
            }
        }

        throw new DllNotFoundException(
            "Srn.Torch could not load its native library libsrn_native.so. Tried:" + Environment.NewLine + failures +
            "It needs libtorch and OpenBLAS: on Debian/Ubuntu run `sudo apt-get install libtorch-dev libopenblas0-pthread libturbojpeg0 libpng16-16 " +
            "cmake g++ make`, then build with `./srn build` (or `dotnet build`, which compiles the shim). " +
            $"To use another build of the shim, set {PathVariable} to its full path.");
    }

    private static bool TryLoadChecked(Func<IntPtr> load, string path, StringBuilder failures, out IntPtr handle)
    {
        handle = IntPtr.Zero;
        try
        {
            handle = load();
            CheckAbi(handle, path);
            return true;
        }
        catch (DllNotFoundException e)
        {
            if (handle != IntPtr.Zero)
            {
                NativeLibrary.Free(handle);
                handle = IntPtr.Zero;
            }

            failures.Append("  ").Append(path).Append(": ").AppendLine(e.Message);
            return false;
        }
    }

    private static void CheckAbi(IntPtr handle, string path)
    {
        if (!NativeLibrary.TryGetExport(handle, "srn_abi_version", out var export))
        {
            throw new DllNotFoundException($"{path} is not a Srn native library (it has no srn_abi_version export).");
        }

        int version;
        unsafe
        {
            version = ((delegate* unmanaged<int>)export)();
        }

        if (version != ExpectedAbiVersion)
        {
            throw new DllNotFoundException(
                $"{path} speaks native ABI version {version}, but this Srn.Torch expects {ExpectedAbiVersion}. " +
                "Rebuild the shim from the same source tree (`./srn build` or `dotnet build`).");
        }
    }
}
