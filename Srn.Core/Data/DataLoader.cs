using Srn.Torch;
using Srn.Vision;

namespace Srn.Data;

/// <summary>
/// Batches a <see cref="IMultiLabelDataset"/> through an <see cref="ITransform"/> pipeline: seeded shuffling, decoding
/// and augmentation on worker threads with a bounded prefetch window, batches delivered in order. Same role as
/// <c>torch.utils.data.DataLoader</c>.
/// </summary>
/// <remarks>
/// Determinism: the order of epoch e is a Fisher–Yates shuffle seeded by (seed, e), and example i's transforms draw
/// from a <see cref="Random"/> seeded by (seed, e, i); so the batches are the same whatever the number of workers.
/// Each batch is built by one worker (decode, transform, collate) and owns its tensors; dispose it after use.
/// </remarks>
public sealed class DataLoader
{
    private readonly IMultiLabelDataset dataset;
    private readonly ITransform? transform;
    private long skipped;

    /// <summary>Creates a loader.</summary>
    /// <param name="dataset">The examples.</param>
    /// <param name="transform">Applied to each example (e.g. a <c>Compose</c>); null keeps images as decoded (then they must share a size).</param>
    /// <param name="options">Batching options.</param>
    /// <exception cref="ArgumentOutOfRangeException">For a non-positive batch size or prefetch, or negative workers.</exception>
    public DataLoader(IMultiLabelDataset dataset, ITransform? transform, DataLoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Prefetch, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Workers, nameof(options));
        this.dataset = dataset;
        this.transform = transform;
        Options = options;
    }

    /// <summary>The options.</summary>
    public DataLoaderOptions Options { get; }

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => Options.DropLast ? dataset.Count / Options.BatchSize : (dataset.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>Examples skipped as undecodable so far (with <see cref="DataLoaderOptions.SkipBadImages"/>).</summary>
    public long SkippedImages => Interlocked.Read(ref skipped);

    /// <summary>The order of an epoch: 0..N-1, shuffled when <see cref="DataLoaderOptions.Shuffle"/> is set.</summary>
    /// <param name="epoch">The epoch.</param>
    /// <returns>Dataset indices in visiting order.</returns>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, dataset.Count).ToArray();
        if (Options.Shuffle)
        {
            var rng = new Random(Mix(Options.Seed, epoch, -1));
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = rng.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        return order;
    }

    /// <summary>The batches of one epoch, in order. Dispose each batch; stopping the enumeration early cancels pending work.</summary>
    /// <param name="epoch">The epoch (0-based).</param>
    /// <param name="cancellationToken">Stops the epoch.</param>
    /// <returns>The batches.</returns>
    public IEnumerable<Batch> Epoch(int epoch, CancellationToken cancellationToken = default)
    {
        var order = Order(epoch);
        var chunks = order.Chunk(Options.BatchSize).Where(c => !Options.DropLast || c.Length == Options.BatchSize).ToArray();
        if (Options.Workers == 0)
        {
            foreach (var chunk in chunks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return Build(chunk, epoch);
            }

            yield break;
        }

        // A window of at most Prefetch batches in flight, built by at most Workers threads, yielded in order.
        using var gate = new SemaphoreSlim(Options.Workers);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new Queue<Task<Batch>>();
        var next = 0;
        try
        {
            while (next < chunks.Length || pending.Count > 0)
            {
                while (next < chunks.Length && pending.Count < Options.Prefetch)
                {
                    var chunk = chunks[next++];
                    pending.Enqueue(Task.Run(
                        async () =>
                        {
                            await gate.WaitAsync(stop.Token).ConfigureAwait(false);
                            try
                            {
                                stop.Token.ThrowIfCancellationRequested();
                                return Build(chunk, epoch);
                            }
                            finally
                            {
                                gate.Release();
                            }
                        },
                        stop.Token));
                }

                var batch = pending.Dequeue().GetAwaiter().GetResult();
                yield return batch;
            }
        }
        finally
        {
            // Abandoned batches (early stop, or an error in an earlier batch): free what they built. Their own
            // failures must not replace the exception already propagating, so they are observed here and dropped.
            stop.Cancel();
            foreach (var task in pending)
            {
                try
                {
                    task.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                    continue;
                }

                task.Result.Dispose();
            }
        }
    }

    /// <summary>A seed from (seed, epoch, index) that differs for every combination (SplitMix64 finaliser).</summary>
    internal static int Mix(int seed, int epoch, int index)
    {
        var z = ((ulong)(uint)seed << 32) ^ ((ulong)(uint)epoch * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)index * 0xBF58476D1CE4E5B9UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }

    private Batch Build(int[] indices, int epoch)
    {
        using var scope = DisposeScope.Enter();
        var images = new List<Tensor>(indices.Length);
        var labels = new List<sbyte[]>(indices.Length);
        var kept = new List<long>(indices.Length);
        var names = new List<string>(indices.Length);
        var boxes = Options.IncludeBoxes ? new List<IReadOnlyList<Box>>(indices.Length) : null;
        var bad = 0;
        foreach (var index in indices)
        {
            MultiLabelItem item;
            try
            {
                item = dataset.Load(index);
            }
            catch (InvalidDataException) when (Options.SkipBadImages)
            {
                bad++;
                continue;
            }

            var sample = transform is null ? item.Sample : transform.Apply(item.Sample, new Random(Mix(Options.Seed, epoch, index)));
            images.Add(sample.Image);
            labels.Add(item.Labels);
            kept.Add(index);
            names.Add(item.Name);
            boxes?.Add(sample.Boxes ?? []);
        }

        if (bad > 0)
        {
            Interlocked.Add(ref skipped, bad);
        }

        var classes = dataset.Classes.Count;
        var flat = new float[labels.Count * classes];
        for (var i = 0; i < labels.Count; i++)
        {
            for (var c = 0; c < classes; c++)
            {
                flat[(i * classes) + c] = labels[i][c];
            }
        }

        var batchImages = images.Count > 0
            ? Tensor.Stack(images)
            : Tensor.Zeros([0]);
        return new Batch(
            batchImages.DetachFromScope(),
            Tensor.FromArray(flat, [labels.Count, classes]).DetachFromScope(),
            Tensor.FromArray(kept.ToArray()).DetachFromScope(),
            boxes,
            names,
            bad);
    }
}
