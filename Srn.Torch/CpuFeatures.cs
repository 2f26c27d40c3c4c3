namespace Srn.Torch;

/// <summary>What this machine's CPU can do natively, for choosing a precision.</summary>
public static class CpuFeatures
{
    private static readonly Lazy<HashSet<string>> Flags = new(ReadFlags);

    /// <summary>
    /// Whether the CPU computes bfloat16 natively (AVX512-BF16 or AMX-BF16): there, CPU autocast in bfloat16 trains ResNets
    /// about 2-3 times faster than float32. Elsewhere bfloat16 is emulated and slower than float32.
    /// </summary>
    public static bool HasNativeBFloat16 => Flags.Value.Contains("avx512_bf16") || Flags.Value.Contains("amx_bf16");

    // Linux lists the CPU's feature flags in /proc/cpuinfo; elsewhere nothing is assumed.
    private static HashSet<string> ReadFlags()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path))
        {
            return [];
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
        return line is null ? [] : [.. line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
    }
}
