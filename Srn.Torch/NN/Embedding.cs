namespace Srn.Torch.NN;

/// <summary>
/// A lookup table: for every index i of the input, the output holds row i of the weight, y[..., :] = W[i, :], so an
/// input of shape S gives an output of shape [S..., embedding_dim]. Same as <c>torch.nn.Embedding</c>, including its
/// initialisation W ~ N(0, 1) with the padding row zeroed; the padding row receives no gradient.
/// </summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    /// <summary>Creates the table and initialises it from the global generator.</summary>
    /// <param name="numEmbeddings">Rows (the vocabulary size).</param>
    /// <param name="embeddingDim">Columns (the vector size).</param>
    /// <param name="paddingIdx">A row that is zero at creation and never trained (negative counts from the end), or null.</param>
    /// <param name="dtype">Weight dtype (default float32).</param>
    /// <exception cref="ArgumentOutOfRangeException">For a negative size or a padding index outside [-numEmbeddings, numEmbeddings).</exception>
    public Embedding(long numEmbeddings, long embeddingDim, long? paddingIdx = null, ScalarType? dtype = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numEmbeddings);
        ArgumentOutOfRangeException.ThrowIfNegative(embeddingDim);
        if (paddingIdx is long p && (p >= numEmbeddings || p < -numEmbeddings))
        {
            throw new ArgumentOutOfRangeException(nameof(paddingIdx), paddingIdx, $"padding_idx must be within num_embeddings ({numEmbeddings})");
        }

        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = paddingIdx is long q && q < 0 ? numEmbeddings + q : paddingIdx;
        Weight = RegisterParameter("weight", Tensor.Empty([numEmbeddings, embeddingDim], dtype))!;
        ResetParameters();
    }

    /// <summary>Rows.</summary>
    public long NumEmbeddings { get; }

    /// <summary>Columns.</summary>
    public long EmbeddingDim { get; }

    /// <summary>The padding row (made non-negative), or null.</summary>
    public long? PaddingIdx { get; }

    /// <summary>The table, [numEmbeddings, embeddingDim].</summary>
    public Tensor Weight { get; }

    /// <summary>Re-draws the table as the constructor does: N(0, 1), then the padding row zeroed. Same as <c>Embedding.reset_parameters()</c>.</summary>
    public void ResetParameters()
    {
        Init.Normal_(Weight);
        if (PaddingIdx is long p)
        {
            using var row = Weight.Narrow(0, p, 1);
            Init.Zeros_(row);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">When the indices are not int64 or int32.</exception>
    /// <exception cref="TorchException">When an index is outside [0, numEmbeddings).</exception>
    protected override Tensor ForwardCore(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType is not (ScalarType.Int64 or ScalarType.Int32))
        {
            throw new ArgumentException($"Embedding expects int64 or int32 indices, got {input.DType}", nameof(input));
        }

        using var flat = input.Reshape(-1);
        using var rows = Weight.IndexSelect(0, flat);
        long[] shape = [.. input.Shape, EmbeddingDim];
        if (PaddingIdx is not long p || !rows.RequiresGrad)
        {
            return rows.Reshape(shape);
        }

        // Same values, but the rows looked up at the padding index come from a detached copy: no gradient reaches that row.
        using var eq = flat.Eq(p);
        using var isPadding = eq.Unsqueeze(1);
        using var frozen = rows.Detach();
        using var masked = Tensor.Where(isPadding, frozen, rows);
        return masked.Reshape(shape);
    }
}
