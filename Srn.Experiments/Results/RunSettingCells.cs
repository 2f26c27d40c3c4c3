using Srn.PartialLabels.Runs;

namespace Srn.Experiments.Results;

/// <summary>
/// The result-affecting settings a <c>results.csv</c> row carries besides dataset, method, backbone, image size,
/// proportion and seed, as the text <see cref="RunSettings"/> formats (empty when unknown or unset), and the run's identity
/// hash: rows of runs that differ in any setting never look alike.
/// </summary>
/// <param name="Epochs">Epochs.</param>
/// <param name="BatchSize">Batch size.</param>
/// <param name="Protocol">Masking protocol.</param>
/// <param name="MaskSeed">Mask seed.</param>
/// <param name="TrainLimit">Training image limit (empty: all).</param>
/// <param name="TestLimit">Test image limit (empty: all).</param>
/// <param name="Augment">Training augmentation, resolved.</param>
/// <param name="Options">Method options, <c>name=value</c> joined with <c>;</c>.</param>
/// <param name="IdentityHash">The run's identity hash (<see cref="RunIdentity.Hash"/>).</param>
internal sealed record RunSettingCells(
    string Epochs, string BatchSize, string Protocol, string MaskSeed, string TrainLimit, string TestLimit, string Augment, string Options, string IdentityHash)
{
    /// <summary>Nothing known (rows of files written before the settings were recorded).</summary>
    public static RunSettingCells Unknown { get; } = new("", "", "", "", "", "", "", "", "");

    /// <summary>The cells of a run.</summary>
    /// <param name="config">Its configuration, resolved.</param>
    /// <param name="identity">Its identity.</param>
    /// <returns>The cells.</returns>
    public static RunSettingCells Of(RunConfiguration config, RunIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(identity);
        string Get(string name) => RunSettings.Find(name).Get(config) ?? "";
        return new(Get("epochs"), Get("batch_size"), Get("protocol"), Get("mask_seed"), Get("train_limit"), Get("test_limit"), config.ResolvedAugment,
            Get(RunSettings.OptionSetting), identity.Hash);
    }

    /// <summary>Cells in <see cref="ResultsCsv.SettingColumns"/> order.</summary>
    /// <param name="cells">The texts.</param>
    /// <returns>The cells.</returns>
    public static RunSettingCells From(IReadOnlyList<string> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        return new(cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7], cells[8]);
    }

    /// <summary>The cells in <see cref="ResultsCsv.SettingColumns"/> order.</summary>
    /// <returns>The texts.</returns>
    public string[] Values() => [Epochs, BatchSize, Protocol, MaskSeed, TrainLimit, TestLimit, Augment, Options, IdentityHash];
}
