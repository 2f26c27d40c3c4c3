namespace Srn.Data;

/// <summary>How a <see cref="DataLoader"/> batches, shuffles and parallelises. Same role as <c>torch.utils.data.DataLoader</c>'s arguments.</summary>
public sealed record DataLoaderOptions
{
    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Reshuffle the order every epoch (seeded by <see cref="Seed"/> and the epoch).</summary>
    public bool Shuffle { get; init; }

    /// <summary>Drop a last incomplete batch (training); keep it for evaluation.</summary>
    public bool DropLast { get; init; }

    /// <summary>The experiment seed: order and augmentation depend only on it, the epoch and the index.</summary>
    public int Seed { get; init; }

    /// <summary>Worker threads that decode and augment; 0 does everything on the consuming thread.</summary>
    public int Workers { get; init; }

    /// <summary>Batches prepared ahead (bounded queue); at least 1.</summary>
    public int Prefetch { get; init; } = 2;

    /// <summary>Return each image's boxes with the batch.</summary>
    public bool IncludeBoxes { get; init; }

    /// <summary>Skip examples whose image fails to decode (counted in <see cref="DataLoader.SkippedImages"/>) instead of failing.</summary>
    public bool SkipBadImages { get; init; }

    /// <summary>Training defaults: shuffled, incomplete last batch dropped.</summary>
    /// <param name="batchSize">Examples per batch.</param>
    /// <param name="seed">The experiment seed.</param>
    /// <param name="workers">Worker threads.</param>
    /// <returns>The options.</returns>
    public static DataLoaderOptions ForTraining(int batchSize, int seed, int workers = 0) =>
        new() { BatchSize = batchSize, Seed = seed, Workers = workers, Shuffle = true, DropLast = true };

    /// <summary>Evaluation defaults: in order, every example kept.</summary>
    /// <param name="batchSize">Examples per batch.</param>
    /// <param name="workers">Worker threads.</param>
    /// <returns>The options.</returns>
    public static DataLoaderOptions ForEvaluation(int batchSize, int workers = 0) =>
        new() { BatchSize = batchSize, Workers = workers };
}
