namespace Srn.Models;

/// <summary>The shape of SRN's branches (docs/methods.md, "SRN"; Zhu et al., CVPR 2017).</summary>
public sealed record SrnOptions
{
    /// <summary>Hidden channels of f_att's first two convolutions (paper: 512).</summary>
    public int AttentionWidth { get; init; } = 512;

    /// <summary>Channels of f_sr's conv2 and conv3, and the groups of conv4 (paper: 512).</summary>
    public int RegularizerWidth { get; init; } = 512;

    /// <summary>Filters per group of conv4 (paper: 4, so conv4 has 4 x 512 = 2048 outputs).</summary>
    public int FiltersPerGroup { get; init; } = 4;

    /// <summary>Fusion weight alpha in y = alpha y_cls + (1 - alpha) y_sr (paper: 0.5).</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>Learn alpha (a scalar parameter, initialised to <see cref="Alpha"/>, clamped to [0, 1]) instead of fixing it.</summary>
    public bool LearnAlpha { get; init; }

    /// <summary>
    /// The variant of the third-party ports: batch norm after every convolution of the SRN branches and a two-layer
    /// confidence head. Off by default (the paper's network).
    /// </summary>
    public bool BatchNorm { get; init; }

    /// <summary>The paper's widths for torchvision backbones, and a quarter of them (128) for <c>resnet-small</c>, whose stage 3 has 64 channels.</summary>
    /// <param name="backbone">The backbone's registry name.</param>
    /// <returns>The options.</returns>
    public static SrnOptions For(string backbone) =>
        string.Equals(backbone, "resnet-small", StringComparison.OrdinalIgnoreCase)
            ? new SrnOptions { AttentionWidth = 128, RegularizerWidth = 128 }
            : new SrnOptions();
}
