using Srn.Tests.Fixtures;
using Srn.Torch;

namespace Srn.Tests.Torch;

/// <summary>Parity of views, shapes and indexing with PyTorch, case by case (Fixtures/Torch/make_shape_fixtures.py).</summary>
[TestFixture]
public sealed class ShapeParityTests : ParityTestsBase
{
    private const string FixturePath = "Torch/shape.safetensors";

    /// <summary>The C# twin of every case of the fixture script, by name.</summary>
    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Table = new()
    {
        // view / reshape / permute / transpose / flatten
        ["view"] = t => [t[0].View(6, 4)],
        ["view_infer"] = t => [t[0].View(-1, 2)],
        ["view_of_slice"] = t => [t[0][.., 1..].View(2, 2, 4)],
        ["reshape"] = t => [t[0].Reshape(4, -1)],
        ["reshape_noncontig"] = t => [t[0].Transpose(0, 1).Reshape(-1)],
        ["reshape_scalar"] = t => [t[0].Reshape()],
        ["permute"] = t => [t[0].Permute(2, 0, 1)],
        ["permute_neg"] = t => [t[0].Permute(-1, -3, -2)],
        ["transpose"] = t => [t[0].Transpose(0, 2)],
        ["transpose_neg"] = t => [t[0].Transpose(-1, -2)],
        ["flatten_all"] = t => [t[0].Flatten()],
        ["flatten_range"] = t => [t[0].Flatten(1, 2)],
        ["flatten_neg"] = t => [t[0].Flatten(-2, -1)],
        ["flatten_noncontig"] = t => [t[0].Transpose(0, 1).Flatten(1)],

        // squeeze / unsqueeze / expand / repeat / contiguous
        ["squeeze_all"] = t => [t[0].Squeeze()],
        ["squeeze_dim"] = t => [t[0].Squeeze(2)],
        ["squeeze_neg"] = t => [t[0].Squeeze(-4)],
        ["squeeze_noop"] = t => [t[0].Squeeze(1)],
        ["unsqueeze"] = t => [t[0].Unsqueeze(1)],
        ["unsqueeze_neg"] = t => [t[0].Unsqueeze(-1)],
        ["unsqueeze_front"] = t => [t[0].Unsqueeze(-3)],
        ["expand"] = t => [t[0].Expand(2, 3, 4)],
        ["expand_keep"] = t => [t[0].Expand(-1, 5)],
        ["expand_as"] = t => [t[0].ExpandAs(t[1])],
        ["expand_noncontig"] = t => [t[0].Transpose(0, 1).Unsqueeze(0).Expand(2, -1, -1)],
        ["repeat"] = t => [t[0].Repeat(2, 1, 3)],
        ["repeat_same_dims"] = t => [t[0].Repeat(2, 2)],
        ["contiguous_transposed"] = t => [t[0].Transpose(0, 1).Contiguous()],

        // cat / stack
        ["cat0"] = t => [Tensor.Cat([t[0], t[1]], 0)],
        ["cat_neg"] = t => [Tensor.Cat([t[0], t[1]], -1)],
        ["cat3_noncontig"] = t => [Tensor.Cat([t[0], t[1].Transpose(0, 1), t[2]], 1)],
        ["cat_int"] = t => [Tensor.Cat([t[0], t[1]])],
        ["stack0"] = t => [Tensor.Stack([t[0], t[1]])],
        ["stack_neg"] = t => [Tensor.Stack([t[0], t[1]], -1)],
        ["stack_mid"] = t => [Tensor.Stack([t[0], t[1], t[2]], 1)],

        // split / chunk / narrow
        ["split_size"] = t => t[0].Split(3),
        ["split_size_neg"] = t => t[0].Split(2, dim: -1),
        ["split_sizes"] = t => t[0].Split([1, 2, 3]),
        ["split_sizes_dim"] = t => t[0].Split([4, 2], 1),
        ["chunk"] = t => t[0].Chunk(3),
        ["chunk_neg"] = t => t[0].Chunk(4, -1),
        ["narrow"] = t => [t[0].Narrow(0, 1, 3)],
        ["narrow_neg"] = t => [t[0].Narrow(-1, -3, 2)],
        ["narrow_noncontig"] = t => [t[0].Transpose(0, 1).Narrow(0, 1, 2)],

        // index_select / gather / scatter
        ["index_select"] = t => [t[0].IndexSelect(0, t[1])],
        ["index_select_neg"] = t => [t[0].IndexSelect(-1, t[1])],
        ["gather"] = t => [t[0].Gather(1, t[1])],
        ["gather_dim0"] = t => [t[0].Gather(0, t[1])],
        ["gather_neg"] = t => [t[0].Gather(-1, t[1])],
        ["scatter_src"] = t => [t[0].Scatter(0, t[1], t[2])],
        ["scatter_neg"] = t => [t[0].Scatter(-1, t[1], t[2])],
        ["scatter_value"] = t => [t[0].Scatter(0, t[1], 2.5)],
        ["scatter_add"] = t => [t[0].ScatterAdd(0, t[1], t[2])],
        ["scatter_add_neg"] = t => [t[0].ScatterAdd(-1, t[1], t[2])],

        // masked_fill / where
        ["masked_fill"] = t => [t[0].MaskedFill(t[1], -1.5)],
        ["masked_fill_broadcast"] = t => [t[0].MaskedFill(t[1], 3.0)],
        ["masked_fill_tensor"] = t => [t[0].MaskedFill(t[1], t[2])],
        ["masked_fill_int"] = t => [t[0].MaskedFill(t[1], 7)],
        ["where"] = t => [Tensor.Where(t[0], t[1], t[2])],
        ["where_tensor_scalar"] = t => [Tensor.Where(t[0], t[1], 0.5)],
        ["where_scalar_tensor"] = t => [Tensor.Where(t[0], -1.0, t[1])],
        ["where_scalars"] = t => [Tensor.Where(t[0], 1.0, 0.0)],
        ["where_int_scalar"] = t => [Tensor.Where(t[0], t[1], 3)],
        ["where_int_float_scalar"] = t => [Tensor.Where(t[0], t[1], 0.5)],
        ["where_int_scalars"] = t => [Tensor.Where(t[0], 2, -1)],

        // flip / roll
        ["flip"] = t => [t[0].Flip(0, 2)],
        ["flip_neg"] = t => [t[0].Flip(-1)],
        ["roll_dims"] = t => [t[0].Roll([1, -2], [0, 1])],
        ["roll_one"] = t => [t[0].Roll(2, -1)],
        ["roll_flat"] = t => [t[0].Roll(5)],
        ["roll_noncontig"] = t => [t[0].Transpose(0, 1).Roll(1, 0)],

        // nonzero
        ["nonzero"] = t => [t[0].NonZero()],
        ["nonzero_tuple"] = t => t[0].NonZeroAsTuple(),
        ["nonzero_bool3d"] = t => [t[0].NonZero()],

        // indexing (get)
        ["idx_int"] = t => [t[0][1]],
        ["idx_int_from_end"] = t => [t[0][^1, 0]],
        ["idx_int_negative"] = t => [t[0][.., -2]],
        ["idx_slice"] = t => [t[0][.., 1..3]],
        ["idx_slice_step"] = t => [t[0][TensorIndex.Slice(null, null, 2), 1..]],
        ["idx_slice_step_bounds"] = t => [t[0][TensorIndex.Slice(1, 5, 3)]],
        ["idx_range_to_from_end"] = t => [t[0][1..^1]],
        ["idx_range_from_end"] = t => [t[0][^2..]],
        ["idx_range_all"] = t => [t[0][.., ..]],
        ["idx_range_empty"] = t => [t[0][3..]],
        ["idx_ellipsis"] = t => [t[0][TensorIndex.Ellipsis, 0]],
        ["idx_ellipsis_mid"] = t => [t[0][0, TensorIndex.Ellipsis, 1..]],
        ["idx_newaxis"] = t => [t[0][TensorIndex.NewAxis, .., TensorIndex.NewAxis]],
        ["idx_bool_true"] = t => [t[0][true]],
        ["idx_tensor"] = t => [t[0][t[1]]],
        ["idx_tensor_2d"] = t => [t[0][t[1]]],
        ["idx_two_tensors"] = t => [t[0][t[1], t[2]]],
        ["idx_slice_tensor"] = t => [t[0][.., t[1]]],
        ["idx_mask"] = t => [t[0][t[1]]],
        ["idx_mask_rows"] = t => [t[0][t[1]]],
        ["idx_mask_slice"] = t => [t[0][t[1], 1..]],
        ["idx_noncontig"] = t => [t[0].Transpose(0, 1)[1.., 0]],
        ["idx_nonzero_tuple"] = t => [t[0].Index([.. t[1].NonZeroAsTuple().Select(TensorIndex.FromTensor)])],

        // indexing (put): clone, then assign
        ["put_slice"] = t => [Put(t[0], y => y[1.., ..2] = t[1])],
        ["put_broadcast_rows"] = t => [Put(t[0], y => y[1..3] = t[1])],
        ["put_mask"] = t => [Put(t[0], y => y[t[1]] = t[2])],
        ["put_tensor_index"] = t => [Put(t[0], y => y[t[1]] = t[2])],
        ["put_ellipsis"] = t => [Put(t[0], y => y[TensorIndex.Ellipsis, 0] = t[1])],
        ["put_scalar"] = t => [Put(t[0], y => y.IndexPut_([1, 1..3], 7.5))],
        ["put_from_end"] = t => [Put(t[0], y => y[^2.., ^1] = t[1])],
        ["put_two_tensors"] = t => [Put(t[0], y => y[t[1], t[2]] = t[3])],
        ["put_int"] = t => [Put(t[0], y => y[.., 0] = t[1])],
    };

    protected override string FixtureFile => FixturePath;

    protected override IReadOnlyDictionary<string, Func<Tensor[], Tensor[]>> Ops => Table;

    private static IEnumerable<string> CaseNames() => ParityFixture.CaseNames(FixturePath);

    [TestCaseSource(nameof(CaseNames))]
    public void Matches_PyTorch(string name) => Check(name);

    /// <summary>Clones <paramref name="x"/>, applies an in-place assignment to the clone and returns it.</summary>
    private static Tensor Put(Tensor x, Action<Tensor> assign)
    {
        var y = x.Clone();
        assign(y);
        return y;
    }
}
