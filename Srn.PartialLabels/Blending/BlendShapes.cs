using Srn.Torch;

namespace Srn.PartialLabels.Blending;

/// <summary>Argument checks shared by the blending modules.</summary>
internal static class BlendShapes
{
    /// <summary>Checks features <c>[B, C, ...]</c> of one of the allowed ranks against targets <c>[B, C]</c>.</summary>
    public static void Check(string who, Tensor features, Tensor targets, params int[] ranks)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        var f = features.Shape;
        var t = targets.Shape;
        if (!ranks.Contains(f.Length) || t.Length != 2 || f[0] != t[0] || f[1] != t[1])
        {
            var wanted = string.Join(" or ", ranks.Select(r => r == 3 ? "vectors [B, C, D]" : "maps [B, C, HW, D]"));
            throw new ArgumentException($"{who}: expected {wanted} with targets [B, C], got features [{string.Join(", ", f)}] and targets [{string.Join(", ", t)}]");
        }
    }

    /// <summary>The targets as a host float array, row-major.</summary>
    public static float[] HostTargets(Tensor targets)
    {
        using var host = targets.To(Device.Cpu, ScalarType.Float32);
        return host.ToArray<float>();
    }
}
