"""Golden fixtures for Srn.Torch's views, shapes and indexing (Srn.Tests/Torch/ShapeParityTests.cs).

Run with Debian's python (which has torch):  /usr/bin/python3 make_shape_fixtures.py
Writes shape.safetensors beside this script. Every case here has a twin of the same name in
ShapeParityTests.Ops; inputs are stored contiguous, so non-contiguous cases make their strided
input inside the op (e.g. a transpose first), exactly as the C# twin does.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import Cases  # noqa: E402


def put(index):
    """x[index] = v as a differentiable function of x and v: clone, then assign. index is a callable
    that builds the index from the index-tensor inputs (which sit between x and v)."""
    def f(x, *rest):
        *index_inputs, v = rest
        y = x.clone()
        y[index(*index_inputs)] = v
        return y
    return f


def put_scalar(x):
    """x[1, 1:3] = 7.5 on a clone."""
    y = x.clone()
    y[1, 1:3] = 7.5
    return y


def main():
    c = Cases(seed=0)
    r = c.randn
    x234 = r(2, 3, 4)
    x34 = r(3, 4)

    # ----- view / reshape / permute / transpose / flatten -----
    c.add("view", lambda x: x.view(6, 4), x234)
    c.add("view_infer", lambda x: x.view(-1, 2), x234)
    c.add("view_of_slice", lambda x: x[:, 1:].view(2, 2, 4), x234)
    c.add("reshape", lambda x: x.reshape(4, -1), x234)
    c.add("reshape_noncontig", lambda x: x.t().reshape(-1), x34)
    c.add("reshape_scalar", lambda x: x.reshape(()), r(1, 1))
    c.add("permute", lambda x: x.permute(2, 0, 1), x234)
    c.add("permute_neg", lambda x: x.permute(-1, -3, -2), x234)
    c.add("transpose", lambda x: x.transpose(0, 2), x234)
    c.add("transpose_neg", lambda x: x.transpose(-1, -2), x234)
    c.add("flatten_all", lambda x: x.flatten(), x234)
    c.add("flatten_range", lambda x: x.flatten(1, 2), r(2, 3, 4, 5))
    c.add("flatten_neg", lambda x: x.flatten(-2, -1), r(2, 3, 4, 5))
    c.add("flatten_noncontig", lambda x: x.transpose(0, 1).flatten(1), r(3, 4, 2))

    # ----- squeeze / unsqueeze / expand / repeat / contiguous -----
    x1312 = r(1, 3, 1, 2)
    c.add("squeeze_all", lambda x: x.squeeze(), x1312)
    c.add("squeeze_dim", lambda x: x.squeeze(2), x1312)
    c.add("squeeze_neg", lambda x: x.squeeze(-4), x1312)
    c.add("squeeze_noop", lambda x: x.squeeze(1), x1312)
    c.add("unsqueeze", lambda x: x.unsqueeze(1), x34)
    c.add("unsqueeze_neg", lambda x: x.unsqueeze(-1), x34)
    c.add("unsqueeze_front", lambda x: x.unsqueeze(-3), x34)
    c.add("expand", lambda x: x.expand(2, 3, 4), r(3, 1))
    c.add("expand_keep", lambda x: x.expand(-1, 5), r(3, 1))
    c.add("expand_as", lambda x, y: x.expand_as(y), r(1, 4), r(3, 4))
    c.add("expand_noncontig", lambda x: x.t().unsqueeze(0).expand(2, -1, -1), x34)
    c.add("repeat", lambda x: x.repeat(2, 1, 3), r(2, 3))
    c.add("repeat_same_dims", lambda x: x.repeat(2, 2), r(2, 3))
    c.add("contiguous_transposed", lambda x: x.t().contiguous(), x34)

    # ----- cat / stack -----
    c.add("cat0", lambda a, b: torch.cat([a, b], 0), r(2, 3), r(4, 3))
    c.add("cat_neg", lambda a, b: torch.cat([a, b], -1), r(2, 3), r(2, 5))
    c.add("cat3_noncontig", lambda a, b, d: torch.cat([a, b.t(), d], 1), r(2, 3), r(4, 2), r(2, 1))
    c.add("cat_int", lambda a, b: torch.cat([a, b]), c.randint(0, 9, 2, 2), c.randint(0, 9, 1, 2), grad=False)
    c.add("stack0", lambda a, b: torch.stack([a, b]), r(2, 3), r(2, 3))
    c.add("stack_neg", lambda a, b: torch.stack([a, b], -1), r(2, 3), r(2, 3))
    c.add("stack_mid", lambda a, b, d: torch.stack([a, b, d], 1), r(2, 3), r(2, 3), r(2, 3))

    # ----- split / chunk / narrow -----
    c.add("split_size", lambda x: x.split(3), r(7, 3))
    c.add("split_size_neg", lambda x: x.split(2, dim=-1), r(2, 7))
    c.add("split_sizes", lambda x: x.split([1, 2, 3]), r(6, 2))
    c.add("split_sizes_dim", lambda x: x.split([4, 2], 1), r(2, 6))
    c.add("chunk", lambda x: x.chunk(3), r(7, 3))
    c.add("chunk_neg", lambda x: x.chunk(4, -1), r(2, 6))
    c.add("narrow", lambda x: x.narrow(0, 1, 3), r(5, 4))
    c.add("narrow_neg", lambda x: x.narrow(-1, -3, 2), r(5, 4))
    c.add("narrow_noncontig", lambda x: x.t().narrow(0, 1, 2), r(5, 4))

    # ----- index_select / gather / scatter -----
    idx4 = torch.tensor([3, 0, 3, 1])
    c.add("index_select", lambda x, i: x.index_select(0, i), r(5, 3), idx4)
    c.add("index_select_neg", lambda x, i: x.index_select(-1, i), r(3, 5), idx4)
    c.add("gather", lambda x, i: x.gather(1, i), r(3, 4), c.randint(0, 4, 3, 2))
    c.add("gather_dim0", lambda x, i: x.gather(0, i), r(3, 4), c.randint(0, 3, 2, 4))
    c.add("gather_neg", lambda x, i: x.gather(-1, i), r(2, 3, 4), c.randint(0, 4, 2, 3, 5))
    # scatter: positions distinct within each column (dim 0) / row (dim 1), so the result is deterministic
    sidx0 = torch.tensor([[0, 1, 2, 0, 1], [2, 0, 1, 1, 2]])
    sidx1 = torch.tensor([[4, 0], [1, 3], [2, 1]])
    c.add("scatter_src", lambda x, i, s: x.scatter(0, i, s), r(3, 5), sidx0, r(2, 5))
    c.add("scatter_neg", lambda x, i, s: x.scatter(-1, i, s), r(3, 5), sidx1, r(3, 2))
    c.add("scatter_value", lambda x, i: x.scatter(0, i, 2.5), r(3, 5), sidx0)
    c.add("scatter_add", lambda x, i, s: x.scatter_add(0, i, s), r(3, 5), c.randint(0, 3, 4, 5), r(4, 5))
    c.add("scatter_add_neg", lambda x, i, s: x.scatter_add(-1, i, s), r(3, 5), c.randint(0, 5, 3, 6), r(3, 6))

    # ----- masked_fill / where -----
    mask34 = c.rand(3, 4) > 0.5
    c.add("masked_fill", lambda x, m: x.masked_fill(m, -1.5), x34, mask34)
    c.add("masked_fill_broadcast", lambda x, m: x.masked_fill(m, 3.0), x34, torch.tensor([True, False, False, True]))
    c.add("masked_fill_tensor", lambda x, m, v: x.masked_fill(m, v), x34, mask34, torch.tensor(0.25))
    c.add("masked_fill_int", lambda x, m: x.masked_fill(m, 7), c.randint(0, 5, 3, 4), mask34, grad=False)
    c.add("where", lambda m, x, y: torch.where(m, x, y), mask34, x34, r(4))
    c.add("where_tensor_scalar", lambda m, x: torch.where(m, x, 0.5), mask34, x34)
    c.add("where_scalar_tensor", lambda m, y: torch.where(m, -1.0, y), mask34, x34)
    c.add("where_scalars", lambda m: torch.where(m, 1.0, 0.0), mask34, grad=False)
    c.add("where_int_scalar", lambda m, x: torch.where(m, x, 3), mask34, c.randint(0, 9, 3, 4), grad=False)
    c.add("where_int_float_scalar", lambda m, x: torch.where(m, x, 0.5), mask34, c.randint(0, 9, 3, 4), grad=False)
    c.add("where_int_scalars", lambda m: torch.where(m, 2, -1), mask34, grad=False)

    # ----- flip / roll -----
    c.add("flip", lambda x: x.flip(0, 2), x234)
    c.add("flip_neg", lambda x: x.flip(-1), x234)
    c.add("roll_dims", lambda x: x.roll((1, -2), (0, 1)), x34)
    c.add("roll_one", lambda x: x.roll(2, -1), x34)
    c.add("roll_flat", lambda x: x.roll(5), x34)
    c.add("roll_noncontig", lambda x: x.t().roll(1, 0), x34)

    # ----- nonzero -----
    sparse = r(3, 4) * (c.rand(3, 4) > 0.5)
    c.add("nonzero", lambda x: x.nonzero(), sparse, grad=False)
    c.add("nonzero_tuple", lambda x: x.nonzero(as_tuple=True), sparse, grad=False)
    c.add("nonzero_bool3d", lambda x: x.nonzero(), c.rand(2, 3, 2) > 0.5, grad=False)

    # ----- indexing (get) -----
    x2345 = r(2, 3, 4, 5)
    c.add("idx_int", lambda x: x[1], x234)
    c.add("idx_int_from_end", lambda x: x[-1, 0], x234)
    c.add("idx_int_negative", lambda x: x[:, -2], x234)
    c.add("idx_slice", lambda x: x[:, 1:3], x234)
    c.add("idx_slice_step", lambda x: x[::2, 1:], r(5, 4))
    c.add("idx_slice_step_bounds", lambda x: x[1:5:3], r(6, 2))
    c.add("idx_range_to_from_end", lambda x: x[1:-1], r(5, 2))
    c.add("idx_range_from_end", lambda x: x[-2:], r(5, 2))
    c.add("idx_range_all", lambda x: x[:, :], x34)
    c.add("idx_range_empty", lambda x: x[3:], r(3, 2))
    c.add("idx_ellipsis", lambda x: x[..., 0], x234)
    c.add("idx_ellipsis_mid", lambda x: x[0, ..., 1:], x2345)
    c.add("idx_newaxis", lambda x: x[None, :, None], x34)
    c.add("idx_bool_true", lambda x: x[True], x34)
    c.add("idx_tensor", lambda x, i: x[i], r(5, 3), idx4)
    c.add("idx_tensor_2d", lambda x, i: x[i], r(5, 3), torch.tensor([[0, 4], [2, 2]]))
    c.add("idx_two_tensors", lambda x, i, j: x[i, j], r(4, 5), torch.tensor([0, 3, 3]), torch.tensor([4, 0, 1]))
    c.add("idx_slice_tensor", lambda x, i: x[:, i], r(3, 5), idx4)
    c.add("idx_mask", lambda x, m: x[m], x34, mask34)
    c.add("idx_mask_rows", lambda x, m: x[m], x34, torch.tensor([True, False, True]))
    c.add("idx_mask_slice", lambda x, m: x[m, 1:], x34, torch.tensor([False, True, True]))
    c.add("idx_noncontig", lambda x: x.t()[1:, 0], x34)
    c.add("idx_nonzero_tuple", lambda x, m: x[m.nonzero(as_tuple=True)], x34, mask34)

    # ----- indexing (put), as clone-then-assign so gradients flow to x and v -----
    c.add("put_slice", put(lambda: (slice(1, None), slice(None, 2))), x34, r(2, 2))
    c.add("put_broadcast_rows", put(lambda: slice(1, 3)), x34, r(4))
    c.add("put_mask", put(lambda m: m), x34, mask34, torch.tensor(0.75))
    c.add("put_tensor_index", put(lambda i: i), x34, torch.tensor([2, 0]), r(2, 4))
    c.add("put_ellipsis", put(lambda: (Ellipsis, 0)), x234, r(2, 3))
    c.add("put_scalar", put_scalar, x34)
    c.add("put_from_end", put(lambda: (slice(-2, None), -1)), x34, r(2))
    c.add("put_two_tensors", put(lambda i, j: (i, j)), x34, torch.tensor([0, 2]), torch.tensor([3, 1]), r(2))
    c.add("put_int", put(lambda: (slice(None), 0)), c.randint(0, 9, 3, 4), torch.tensor([5, 6, 7]), grad=False)

    c.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "shape.safetensors"))


if __name__ == "__main__":
    main()
