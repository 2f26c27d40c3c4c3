using System.Globalization;
using System.Text;
using Srn.PartialLabels.Runs;
using Srn.Torch;
using Srn.Training;

namespace Srn.Experiments.Runs;

/// <summary>
/// What a run records about itself, in its checkpoint's metadata and in its <c>config.yaml</c>: the resolved configuration
/// (every setting, defaults filled in), its identity (<see cref="RunIdentity"/>) and run id, and where it came from (commit,
/// libtorch, the data's description, fingerprint and generation parameters). Resume and eval compare against it.
/// </summary>
/// <param name="Configuration">The run's configuration, resolved.</param>
/// <param name="Identity">Its identity.</param>
/// <param name="RunId">Its run id.</param>
/// <param name="Data">The data it trains and tests on.</param>
internal sealed record RunRecord(RunConfiguration Configuration, RunIdentity Identity, string RunId, DataSource Data)
{
    /// <summary>Checkpoint metadata key of <see cref="RunIdentity.Text"/>.</summary>
    public const string IdentityKey = "run_identity";

    /// <summary>Checkpoint metadata key of the <c>config.yaml</c> text.</summary>
    public const string ConfigKey = "run_config";

    /// <summary>Checkpoint metadata key of the test manifest's fingerprint.</summary>
    public const string TestFingerprintKey = "run_test_fingerprint";

    /// <summary>Checkpoint metadata key of the run id.</summary>
    public const string RunIdKey = "run_id";

    /// <summary>The record of a configuration on its data.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="data">The data.</param>
    /// <returns>The record.</returns>
    public static RunRecord Of(RunConfiguration configuration, DataSource data)
    {
        var resolved = configuration with
        {
            ImageSize = configuration.ResolvedImageSize, Augment = configuration.ResolvedAugment, TestResize = configuration.ResolvedTestResize,
            Threads = configuration.Threads ?? LibTorch.NumThreads,
            Precision = configuration.ResolvedPrecision,
        };
        var identity = RunIdentity.Of(resolved, data.Fingerprint);
        return new RunRecord(resolved, identity, identity.RunId(data.Name), data);
    }

    /// <summary>The checkpoint metadata entries.</summary>
    /// <returns>Key to text.</returns>
    public IReadOnlyDictionary<string, string> Metadata() => new Dictionary<string, string>
    {
        [RunIdKey] = RunId, [IdentityKey] = Identity.Text, [ConfigKey] = ToYaml(), [TestFingerprintKey] = Data.TestFingerprint,
    };

    /// <summary>The <c>config.yaml</c> text: every setting (loadable with <c>--config</c>), then a <c>record</c> section.</summary>
    /// <returns>YAML text.</returns>
    public string ToYaml()
    {
        var sb = new StringBuilder("# srn run configuration, resolved: `srn train --config` on this file trains the same run\n");
        foreach (var (key, value) in RunSettings.Describe(Configuration).Where(p => !p.Key.StartsWith(RunSettings.OptionSetting + ".", StringComparison.Ordinal)))
        {
            YamlText.Line(sb, key, YamlText.Scalar(value));
        }

        sb.Append("options:").Append(Configuration.Options.Count == 0 ? " {}\n" : "\n");
        foreach (var (k, v) in Configuration.Options)
        {
            YamlText.Line(sb, k, YamlText.Scalar(v), indent: 2);
        }

        sb.Append("record:\n");
        YamlText.Line(sb, "run_id", YamlText.Scalar(RunId), 2);
        YamlText.Line(sb, "identity_hash", YamlText.Scalar(Identity.Hash), 2);
        YamlText.Line(sb, "srn_version", YamlText.Scalar(BuildInfo.Version), 2);
        YamlText.Line(sb, "commit", YamlText.Scalar(BuildInfo.Commit), 2);
        YamlText.Line(sb, "libtorch", YamlText.Scalar(LibTorch.Version), 2);
        YamlText.Line(sb, "data", YamlText.Scalar(Data.Description), 2);
        YamlText.Line(sb, "data_fingerprint", YamlText.Scalar(Data.Fingerprint), 2);
        YamlText.Line(sb, "test_fingerprint", YamlText.Scalar(Data.TestFingerprint), 2);
        YamlText.Line(sb, "data_generation", YamlText.Scalar(Data.Generation), 2);
        YamlText.Line(sb, "written", YamlText.Scalar(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)), 2);
        return sb.ToString();
    }

    /// <summary>The configuration a checkpoint recorded (its <c>config.yaml</c>), or null for a checkpoint written before runs recorded one.</summary>
    /// <param name="metadata">The checkpoint's metadata.</param>
    /// <param name="path">The checkpoint, for messages.</param>
    /// <returns>The configuration or null.</returns>
    public static RunConfiguration? RecordedConfiguration(IReadOnlyDictionary<string, string> metadata, string path)
    {
        if (!metadata.TryGetValue(ConfigKey, out var yaml))
        {
            return null;
        }

        var config = new RunConfiguration();
        foreach (var entry in SettingsFile.Parse(yaml, path + " (recorded configuration)").Entries.Where(e => e.Key != "record"))
        {
            config = RunOptions.ApplyEntry(config, entry);
        }

        return config;
    }

    /// <summary>
    /// Checks that a checkpoint was written by this same run: refuses, listing every differing setting, when it was not, and
    /// when it recorded no identity (written before srn recorded one: its settings cannot be checked).
    /// </summary>
    /// <param name="checkpointPath">The checkpoint.</param>
    /// <returns>The checkpoint's finished epochs.</returns>
    /// <exception cref="InvalidDataException">When it is another run's; the message lists the differences.</exception>
    public IReadOnlyList<EpochResult> CheckSameRun(string checkpointPath)
    {
        // The header alone: the trainer reads (and checksums) the tensors when it resumes.
        var (metadata, history) = TrainingCheckpoint.ReadInfo(checkpointPath);
        var recorded = metadata.TryGetValue(IdentityKey, out var text)
            ? RunIdentity.Parse(text)
            : throw new InvalidDataException($"{checkpointPath}: written by an older srn that did not record its run configuration, so resuming cannot check it is this run; use --force to start over.");
        var differences = RunIdentity.Differences(recorded, Identity);
        if (differences.Count > 0)
        {
            throw new InvalidDataException(
                $"{checkpointPath}: --resume refuses a run with other settings than the checkpoint's ({string.Join("; ", differences)}). Use the same settings, --force to start over, or another --out.");
        }

        return history;
    }
}
