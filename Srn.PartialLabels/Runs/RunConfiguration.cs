using System.Collections.Immutable;

namespace Srn.PartialLabels.Runs;

/// <summary>
/// Everything that defines one training run: the data, the method and its options, the label protocol, the budget, the
/// seeds and where it runs. <c>srn train</c>, <c>srn sweep</c> (a grid over it), the YAML files and C# code all build it
/// through <see cref="RunSettings"/>, which owns each setting's name, default, parsing, validation, formatting and
/// documentation, so a value means the same on every route.
/// </summary>
/// <remarks>
/// The defaults are those of <c>srn train</c>; the default sweep is the named preset <c>quick</c> over them
/// (<c>srn sweep --preset quick</c>). Settings marked <see cref="RunSetting.AffectsResults"/> make up the run's identity
/// (<see cref="RunIdentity"/>); the others (device, loader threads, paths) only say where and how fast it runs.
/// </remarks>
public sealed record RunConfiguration
{
    /// <summary>The FashionScenes directory used when none is given.</summary>
    public const string DefaultFashionScenesDirectory = "data/fashion-scenes";

    /// <summary><c>fashion-scenes</c> (generated on first use) or <c>manifests</c>.</summary>
    public string Dataset { get; init; } = "fashion-scenes";

    /// <summary>The FashionScenes directory.</summary>
    public string Data { get; init; } = DefaultFashionScenesDirectory;

    /// <summary>Training manifest (dataset <c>manifests</c>).</summary>
    public string? TrainManifest { get; init; }

    /// <summary>Test manifest (dataset <c>manifests</c>).</summary>
    public string? TestManifest { get; init; }

    /// <summary>Directory the manifests' image paths are relative to.</summary>
    public string? ImageRoot { get; init; }

    /// <summary>Method name (<see cref="Methods.MethodCatalog"/>).</summary>
    public string Method { get; init; } = "srn";

    /// <summary>Backbone registry name.</summary>
    public string Backbone { get; init; } = "resnet-small";

    /// <summary>Square input side in pixels; null: the backbone's default (see <see cref="ResolvedImageSize"/>).</summary>
    public int? ImageSize { get; init; }

    /// <summary>Training epochs over all of a method's stages.</summary>
    public int Epochs { get; init; } = 12;

    /// <summary>Training batch size.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Share of the training labels that stay known, in (0, 1]; 1 is full labels.</summary>
    public double Proportion { get; init; } = 1.0;

    /// <summary>Masking protocol (<see cref="Masking.MaskingProtocols"/>).</summary>
    public string Protocol { get; init; } = "hcp";

    /// <summary>The experiment seed: initialisation, data order, augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>Seed of the label mask: 0, the reference's, so every training seed sees the same partial labels.</summary>
    public int MaskSeed { get; init; }

    /// <summary>Use only the first N training images; null uses all.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Use only the first N test images; null uses all.</summary>
    public int? TestLimit { get; init; }

    /// <summary>Training augmentation: <c>srn</c>, <c>srn-independent</c> (width and height drawn independently), <c>hcp</c>, <c>none</c>, or <c>method</c> for the method's own.</summary>
    public string Augment { get; init; } = "method";

    /// <summary>
    /// Interpolation of the test transform's resize: <c>bilinear</c>, <c>bicubic</c> (PIL's, as HCP-MLR-PL tests), or
    /// <c>method</c> for the recipe's own (see <see cref="ResolvedTestResize"/>).
    /// </summary>
    public string TestResize { get; init; } = "method";

    /// <summary>Method options, name to invariant-culture text, sorted by name.</summary>
    public ImmutableSortedDictionary<string, string> Options { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>Backbone weights (torchvision .pth or safetensors); null trains from scratch.</summary>
    public string? BackboneWeights { get; init; }

    /// <summary>A proposals file for KD-WSD (<see cref="Srn.Data.ProposalsFile"/>); null: the method's own proposals.</summary>
    public string? Proposals { get; init; }

    /// <summary>
    /// Arithmetic: <c>fp32</c>, <c>bf16</c> or <c>fp16</c> (autocast; see <see cref="Srn.Training.Precision"/>), or <c>auto</c>:
    /// bf16 on a CPU that computes it natively (AVX512-BF16, AMX), fp32 elsewhere (see <see cref="ResolvedPrecision"/>).
    /// </summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>Channels-last (NHWC) layout for the convolution weights and the images.</summary>
    public bool ChannelsLast { get; init; }

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Image loading threads.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>libtorch threads; null keeps libtorch's own choice.</summary>
    public int? Threads { get; init; }

    /// <summary>The input side the run uses: <see cref="ImageSize"/>, or the backbone's default.</summary>
    /// <exception cref="ArgumentException">For an unknown backbone.</exception>
    public int ResolvedImageSize => ImageSize ?? Srn.Models.ModelRegistry.Config(Backbone).DefaultInputSize;

    /// <summary>The augmentation the run uses: <see cref="Augment"/>, or the method's own for <c>method</c>.</summary>
    /// <remarks>
    /// The method's own: SRN's crops for SRN, its ResNet baseline and KD-WSD; HCP-MLR-PL's for the partial-label methods,
    /// <c>partial-bce</c> included, so a sweep compares them under one augmentation.
    /// </remarks>
    public string ResolvedAugment => Augment != "method" ? Augment : MethodAugment;

    /// <summary>The test resize the run uses: <see cref="TestResize"/>, or for <c>method</c> the recipe's own.</summary>
    /// <remarks>
    /// The recipe is the resolved augmentation (the method's own for <c>none</c>): <c>bicubic</c> for <c>hcp</c>, as
    /// HCP-MLR-PL's test transform; <c>bilinear</c> for <c>srn</c>, as SRN's test script (skimage's bilinear resize).
    /// </remarks>
    public string ResolvedTestResize => TestResize != "method" ? TestResize
        : (ResolvedAugment == "none" ? MethodAugment : ResolvedAugment) == "hcp" ? "bicubic" : "bilinear";

    /// <summary>The precision the run uses: <see cref="Precision"/>, with <c>auto</c> resolved for this machine and device.</summary>
    public string ResolvedPrecision => Precision != "auto" ? Precision
        : Device == "cpu" && Srn.Torch.CpuFeatures.HasNativeBFloat16 ? "bf16" : "fp32";

    // The method's own recipe: SRN's for SRN, its baseline and KD-WSD, HCP-MLR-PL's for the partial-label methods.
    private string MethodAugment => Method is "srn" or "resnet" or "kd-wsd" or "kd-wsd-student" ? "srn" : "hcp";

    /// <summary>This configuration with one more method option.</summary>
    /// <param name="name">Option name.</param>
    /// <param name="value">Its value.</param>
    /// <returns>The new configuration.</returns>
    public RunConfiguration WithOption(string name, string value) => this with { Options = Options.SetItem(name, value) };

    /// <summary>Equal when every setting's text is equal (<see cref="RunSettings.Describe"/>), method options included.</summary>
    /// <param name="other">The other configuration.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(RunConfiguration? other) =>
        other is not null && RunSettings.Describe(this).SequenceEqual(RunSettings.Describe(other));

    /// <inheritdoc/>
    public override int GetHashCode() => RunSettings.Describe(this).Aggregate(0, (h, p) => HashCode.Combine(h, p.Key, p.Value));

    /// <summary>Checks what concerns several settings at once (each setting's own range is checked when it is set).</summary>
    /// <exception cref="RunConfigurationException">Naming the setting and what to do.</exception>
    public void Validate()
    {
        if (!Methods.MethodCatalog.Names.Contains(Method))
        {
            throw new RunConfigurationException($"method '{Method}': unknown; methods: {string.Join(", ", Methods.MethodCatalog.Names)}.");
        }

        try
        {
            _ = Srn.Models.ModelRegistry.Config(Backbone);
            _ = Masking.MaskingProtocols.Parse(Protocol);
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
        {
            throw new RunConfigurationException(e.Message, e);
        }

        if (Dataset == "manifests" && (TrainManifest is null || TestManifest is null || ImageRoot is null))
        {
            throw new RunConfigurationException("dataset 'manifests' needs train_manifest, test_manifest and image_root (--train-manifest, --test-manifest, --image-root).");
        }

        if (ResolvedPrecision == "fp16" && Device == "cpu" && Srn.Torch.LibTorch.Version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new RunConfigurationException($"precision fp16 on the CPU needs libtorch 2.x (this is {Srn.Torch.LibTorch.Version}); use bf16 on the CPU, or fp16 on cuda.");
        }

        if (BackboneWeights is { } weights && !File.Exists(weights))
        {
            throw new RunConfigurationException($"backbone_weights: {Path.GetFullPath(weights)} does not exist.");
        }

        if (Proposals is { } proposals)
        {
            if (Method is not ("kd-wsd" or "kd-wsd-student"))
            {
                throw new RunConfigurationException($"proposals: method '{Method}' pools no region proposals; only kd-wsd and kd-wsd-student take a proposals file.");
            }

            if (!File.Exists(proposals))
            {
                throw new RunConfigurationException($"proposals: {Path.GetFullPath(proposals)} does not exist.");
            }
        }
    }
}
