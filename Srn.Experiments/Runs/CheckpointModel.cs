using Srn.PartialLabels.Methods;
using Srn.Torch;
using Srn.Training;

namespace Srn.Experiments.Runs;

/// <summary>Rebuilds a trained method from a checkpoint: its setup, its weights, its extra state and its stage.</summary>
internal static class CheckpointModel
{
    public static (TrainingMethod Method, IReadOnlyList<EpochResult> History) Load(string path, Device device)
    {
        var (method, history, _) = LoadWithMetadata(path, device);
        return (method, history);
    }

    /// <summary>As <see cref="Load"/>, with the checkpoint's metadata (the run's record, see <see cref="RunRecord"/>).</summary>
    /// <param name="path">The checkpoint.</param>
    /// <param name="device">Where the model goes.</param>
    /// <returns>The method, its finished epochs and the metadata.</returns>
    public static (TrainingMethod Method, IReadOnlyList<EpochResult> History, IReadOnlyDictionary<string, string> Metadata) LoadWithMetadata(string path, Device device)
    {
        using var checkpoint = TrainingCheckpoint.Load(path);
        // The checkpoint holds every weight: a KD-WSD run's shared teacher file (option "teacher") is not needed, and
        // may have moved with the sweep.
        var setup = checkpoint.Setup.Options.ContainsKey("teacher")
            ? checkpoint.Setup with { Options = checkpoint.Setup.Options.Where(o => o.Key != "teacher").ToDictionary() }
            : checkpoint.Setup;
        var method = MethodCatalog.Create(setup);
        try
        {
            method.Model.LoadStateDict(checkpoint.ModelState);
            method.LoadExtraState(checkpoint.MethodState);
            method.EnterStage(checkpoint.Stage);
            method.Model.To(device);
            return (method, checkpoint.History, checkpoint.Metadata);
        }
        catch
        {
            method.Dispose();
            throw;
        }
    }
}
